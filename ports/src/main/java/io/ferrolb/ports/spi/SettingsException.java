package io.ferrolb.ports.spi;

/**
 * A setting is missing or malformed; the message names the key, the value and what was expected.
 *
 * @since 0.1
 */
public final class SettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SettingsException(String message) {
    super(message);
  }
}

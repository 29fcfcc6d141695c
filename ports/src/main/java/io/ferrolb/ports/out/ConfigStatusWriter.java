package io.ferrolb.ports.out;

import java.util.List;

/**
 * The structured status surface of the configuration: the {@code ConfigurationState} object of a
 * component and the {@code IPAddressPool} status counters.
 *
 * @since 0.1
 */
public interface ConfigStatusWriter {

  /** Writes {@code ConfigurationState/<component>}: result Valid or Invalid with a summary. */
  void configurationState(String component, boolean valid, String errorSummary);

  /**
   * As {@link #configurationState(String, boolean, String)}, and also the warnings of the
   * configuration (names that point nowhere, references not checked, ...), which do not change the
   * result: MetalLB's result stays {@code Valid} where ferrolb only warns.
   *
   * @since 0.2
   */
  default void configurationState(
      String component, boolean valid, String errorSummary, List<String> warnings) {
    configurationState(component, valid, errorSummary);
  }

  /** Writes each pool's {@code status} counters (pools without a CR are skipped). */
  void poolUsage(List<PoolUsage> usage);
}

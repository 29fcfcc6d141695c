package io.ferrolb.adapters.bgp.codec;

import java.util.Objects;

/** Malformed or unacceptable wire data; the session answers it with a NOTIFICATION. */
public final class BgpProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final BgpError error;
  private final transient Octets data;

  public BgpProtocolException(BgpError error, String message) {
    this(error, Octets.EMPTY, message);
  }

  public BgpProtocolException(BgpError error, Octets data, String message) {
    super(message);
    this.error = Objects.requireNonNull(error, "error");
    this.data = Objects.requireNonNull(data, "data");
  }

  public BgpError error() {
    return error;
  }

  /** The NOTIFICATION data field (RFC 4271 §6 says what goes there per error). */
  public Octets data() {
    return data == null ? Octets.EMPTY : data;
  }
}

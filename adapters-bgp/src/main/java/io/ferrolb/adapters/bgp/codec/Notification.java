package io.ferrolb.adapters.bgp.codec;

import java.util.Objects;
import java.util.Optional;

/** NOTIFICATION (RFC 4271 §4.5): error code, subcode and data; the connection closes after it. */
public record Notification(int code, int subcode, Octets data) implements BgpMessage {
  static final int TYPE = 3;

  public Notification {
    Objects.requireNonNull(data, "data");
    if (code < 0 || code > 0xFF || subcode < 0 || subcode > 0xFF) {
      throw new IllegalArgumentException(
          "NOTIFICATION code/subcode: " + code + "/" + subcode + " (expected: 0..255 each)");
    }
  }

  public static Notification of(BgpError error) {
    return of(error, Octets.EMPTY);
  }

  public static Notification of(BgpError error, Octets data) {
    return new Notification(error.code(), error.subcode(), data);
  }

  /** The named error, if the pair is one we know. */
  public Optional<BgpError> error() {
    return BgpError.of(code, subcode);
  }

  @Override
  public int type() {
    return TYPE;
  }

  @Override
  public String toString() {
    return "NOTIFICATION "
        + error().map(BgpError::toString).orElse(code + "/" + subcode)
        + (data.length() > 0 ? " data=" + data : "");
  }
}

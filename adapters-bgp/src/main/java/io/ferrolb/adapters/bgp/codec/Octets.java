package io.ferrolb.adapters.bgp.codec;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/** An immutable byte string with value equality (records holding {@code byte[]} would not have). */
public record Octets(byte[] bytes) {
  public static final Octets EMPTY = new Octets(new byte[0]);

  public Octets {
    bytes = Objects.requireNonNull(bytes, "bytes").clone();
  }

  public static Octets of(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return new Octets(b);
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}

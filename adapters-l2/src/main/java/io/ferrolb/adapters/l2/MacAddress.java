package io.ferrolb.adapters.l2;

import java.nio.ByteBuffer;

/**
 * A 48-bit IEEE 802 MAC address held in the low 48 bits of a long (no array, so equality works).
 */
public record MacAddress(long value) {

  /** ff:ff:ff:ff:ff:ff (IEEE 802). */
  public static final MacAddress BROADCAST = new MacAddress(0xFFFF_FFFF_FFFFL);

  /** 00:00:00:00:00:00. */
  public static final MacAddress ZERO = new MacAddress(0);

  /** Length on the wire. */
  public static final int LENGTH = 6;

  public MacAddress {
    if ((value & ~0xFFFF_FFFF_FFFFL) != 0) {
      throw new IllegalArgumentException(
          "MAC value: 0x" + Long.toHexString(value) + " (expected: 48 bits)");
    }
  }

  /** Parses {@code aa:bb:cc:dd:ee:ff} (case-insensitive, ':' or '-' separators). */
  public static MacAddress parse(String text) {
    String[] parts = text.split("[:-]", -1);
    if (parts.length != LENGTH) {
      throw new IllegalArgumentException(
          "MAC \""
              + text
              + "\": "
              + parts.length
              + " groups (expected: 6, like 02:00:00:00:00:01)");
    }
    long v = 0;
    for (String p : parts) {
      if (p.length() < 1 || p.length() > 2) {
        throw new IllegalArgumentException(
            "MAC \"" + text + "\": group \"" + p + "\" (expected: 1-2 hex digits)");
      }
      try {
        v = (v << 8) | Integer.parseInt(p, 16);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "MAC \"" + text + "\": group \"" + p + "\" (expected: hex digits)", e);
      }
    }
    return new MacAddress(v);
  }

  /** From exactly six bytes. */
  public static MacAddress fromBytes(byte[] b) {
    if (b == null || b.length != LENGTH) {
      throw new IllegalArgumentException(
          "MAC length: " + (b == null ? "null" : b.length) + " (expected: 6 bytes)");
    }
    return read(ByteBuffer.wrap(b), 0);
  }

  /** Reads six bytes at absolute {@code offset} without moving the buffer's position. */
  public static MacAddress read(ByteBuffer buf, int offset) {
    long v =
        ((long) (buf.getShort(offset) & 0xFFFF) << 32) | (buf.getInt(offset + 2) & 0xFFFF_FFFFL);
    return new MacAddress(v);
  }

  /** Writes six bytes at absolute {@code offset}. */
  public void write(ByteBuffer buf, int offset) {
    buf.putShort(offset, (short) (value >>> 32));
    buf.putInt(offset + 2, (int) value);
  }

  public byte[] toBytes() {
    byte[] b = new byte[LENGTH];
    write(ByteBuffer.wrap(b), 0);
    return b;
  }

  /** The I/G bit (IEEE 802-2014 §8.2): set for group (multicast and broadcast) addresses. */
  public boolean isMulticast() {
    return (value & 0x0100_0000_0000L) != 0;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(17);
    for (int i = 5; i >= 0; i--) {
      int octet = (int) (value >>> (8 * i)) & 0xFF;
      if (sb.length() > 0) {
        sb.append(':');
      }
      sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
    }
    return sb.toString();
  }
}

package io.ferrolb.adapters.l2;

import java.io.ByteArrayOutputStream;

/** Test helper: hex text to bytes, ignoring whitespace and {@code //} comments to end of line. */
public final class Hex {
  private Hex() {}

  public static byte[] parse(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int nibbles = 0;
    int current = 0;
    for (String line : text.split("\n")) {
      int c = line.indexOf("//");
      String data = c >= 0 ? line.substring(0, c) : line;
      for (char ch : data.toCharArray()) {
        if (Character.isWhitespace(ch)) {
          continue;
        }
        int d = Character.digit(ch, 16);
        if (d < 0) {
          throw new IllegalArgumentException("not hex: '" + ch + "' in " + line);
        }
        current = (current << 4) | d;
        if (++nibbles % 2 == 0) {
          out.write(current);
          current = 0;
        }
      }
    }
    if (nibbles % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits: " + nibbles);
    }
    return out.toByteArray();
  }
}

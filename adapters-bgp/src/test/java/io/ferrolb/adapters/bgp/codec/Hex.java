package io.ferrolb.adapters.bgp.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Test vectors as hex text: whitespace and {@code //} comments are ignored. */
public final class Hex {
  private Hex() {}

  public static byte[] parse(String text) {
    StringBuilder sb = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      int c = line.indexOf("//");
      String code = c >= 0 ? line.substring(0, c) : line;
      for (char ch : code.toCharArray()) {
        if (!Character.isWhitespace(ch)) {
          sb.append(ch);
        }
      }
    }
    return HexFormat.of().parseHex(sb);
  }

  /** A {@code .hex} file from {@code src/test/resources/bgp/}. */
  public static byte[] resource(String name) {
    try (InputStream in = Hex.class.getResourceAsStream("/bgp/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource /bgp/" + name);
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

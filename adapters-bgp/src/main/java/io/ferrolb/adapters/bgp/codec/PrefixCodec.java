package io.ferrolb.adapters.bgp.codec;

import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * NLRI prefixes (RFC 4271 §4.3, RFC 4760 §5): one length octet in bits, then the fewest octets that
 * hold the prefix. Trailing bits past the length are ignored on decode.
 *
 * <pre>
 * +---------------------------+
 * |   Length (1 octet)        |
 * +---------------------------+
 * |   Prefix (variable)       |
 * +---------------------------+
 * </pre>
 */
public final class PrefixCodec {
  private PrefixCodec() {}

  /** Encoded size of one prefix. */
  public static int size(Cidr prefix) {
    return 1 + (prefix.prefixLength() + 7) / 8;
  }

  public static void encode(Cidr prefix, ByteBuf out) {
    out.writeByte(prefix.prefixLength());
    out.writeBytes(prefix.network().toBytes(), 0, (prefix.prefixLength() + 7) / 8);
  }

  /** Reads prefixes until {@code in} is empty; errors carry {@code error}. */
  public static List<Cidr> decodeAll(ByteBuf in, IpFamily family, BgpError error) {
    List<Cidr> out = new ArrayList<>();
    while (in.isReadable()) {
      out.add(decode(in, family, error));
    }
    return out;
  }

  static Cidr decode(ByteBuf in, IpFamily family, BgpError error) {
    int length = in.readUnsignedByte();
    if (length > family.bits()) {
      throw new BgpProtocolException(
          error,
          "NLRI prefix length " + length + ": too long (expected: 0.." + family.bits() + ")");
    }
    int octets = (length + 7) / 8;
    if (in.readableBytes() < octets) {
      throw new BgpProtocolException(
          error,
          "NLRI prefix /"
              + length
              + ": "
              + in.readableBytes()
              + " octets left (expected: "
              + octets
              + ")");
    }
    byte[] addr = new byte[family.bits() / 8];
    in.readBytes(addr, 0, octets);
    return Cidr.of(IpAddress.fromBytes(addr), length);
  }
}

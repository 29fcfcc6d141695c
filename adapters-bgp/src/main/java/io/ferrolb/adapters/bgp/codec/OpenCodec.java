package io.ferrolb.adapters.bgp.codec;

import io.ferrolb.domain.pool.IpAddress;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * OPEN body (RFC 4271 §4.2) with capabilities as optional parameter type 2 (RFC 5492 §4).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+
 * |    Version    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     My Autonomous System      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Hold Time           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         BGP Identifier                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Opt Parm Len  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             Optional Parameters (variable)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class OpenCodec {
  static final int FIXED_LENGTH = 10; // version..opt parm len
  private static final int PARAM_CAPABILITIES = 2; // RFC 5492 §4
  private static final int GR_RESTART_BIT = 0x8; // RFC 4724 §3, high bit of the 4 flag bits
  private static final int GR_NOTIFICATION_BIT = 0x4; // RFC 8538 §2
  private static final int GR_FORWARDING_BIT = 0x80; // RFC 4724 §3, flags of an AFI/SAFI

  private OpenCodec() {}

  public static Open decode(ByteBuf in) {
    if (in.readableBytes() < FIXED_LENGTH) {
      throw new BgpProtocolException(
          BgpError.BAD_MESSAGE_LENGTH,
          "OPEN body: " + in.readableBytes() + " octets (expected: >= " + FIXED_LENGTH + ")");
    }
    int version = in.readUnsignedByte();
    if (version != Open.VERSION) {
      // RFC 4271 §6.2: data = the largest supported version, 2 octets
      throw new BgpProtocolException(
          BgpError.UNSUPPORTED_VERSION_NUMBER,
          Octets.of(0, Open.VERSION),
          "OPEN version " + version + ": unsupported (expected: 4)");
    }
    int myAs = in.readUnsignedShort();
    int hold = in.readUnsignedShort();
    if (hold == 1 || hold == 2) {
      throw new BgpProtocolException(
          BgpError.HOLD_TIME_NOT_ACCEPTABLE,
          "OPEN hold time " + hold + "s: not acceptable (expected: 0 or >= 3)");
    }
    IpAddress id = IpAddress.v4(in.readUnsignedInt());
    if (id.lo() == 0 || (id.lo() >>> 28) == 0xE) { // RFC 6286 §2.2: non-zero; not multicast
      throw new BgpProtocolException(
          BgpError.BAD_BGP_ID, "OPEN BGP identifier " + id + ": not a valid router ID");
    }
    int optLen = in.readUnsignedByte();
    if (optLen != in.readableBytes()) {
      throw new BgpProtocolException(
          BgpError.OPEN_MESSAGE_ERROR,
          "OPEN optional parameters length "
              + optLen
              + ": "
              + in.readableBytes()
              + " octets follow (expected: equal)");
    }
    List<Capability> caps = new ArrayList<>();
    while (in.isReadable()) {
      if (in.readableBytes() < 2) {
        throw new BgpProtocolException(
            BgpError.OPEN_MESSAGE_ERROR, "OPEN optional parameter: truncated header");
      }
      int type = in.readUnsignedByte();
      int len = in.readUnsignedByte();
      if (len > in.readableBytes()) {
        throw new BgpProtocolException(
            BgpError.OPEN_MESSAGE_ERROR,
            "OPEN optional parameter length "
                + len
                + ": "
                + in.readableBytes()
                + " octets left (expected: <=)");
      }
      ByteBuf param = in.readSlice(len);
      if (type != PARAM_CAPABILITIES) {
        throw new BgpProtocolException(
            BgpError.UNSUPPORTED_OPTIONAL_PARAMETER,
            "OPEN optional parameter type " + type + ": unsupported (expected: 2, capabilities)");
      }
      while (param.isReadable()) {
        caps.add(decodeCapability(param));
      }
    }
    return new Open(version, myAs, hold, id, caps);
  }

  private static Capability decodeCapability(ByteBuf in) {
    if (in.readableBytes() < 2) {
      throw new BgpProtocolException(BgpError.OPEN_MESSAGE_ERROR, "capability: truncated header");
    }
    int code = in.readUnsignedByte();
    int len = in.readUnsignedByte();
    if (len > in.readableBytes()) {
      throw new BgpProtocolException(
          BgpError.OPEN_MESSAGE_ERROR,
          "capability "
              + code
              + " length "
              + len
              + ": "
              + in.readableBytes()
              + " octets left (expected: <=)");
    }
    ByteBuf v = in.readSlice(len);
    switch (code) {
      case Capability.MULTIPROTOCOL -> {
        expectLength(code, len, 4);
        int afi = v.readUnsignedShort();
        v.skipBytes(1); // reserved
        return new Capability.MultiProtocol(new AddressFamily(afi, v.readUnsignedByte()));
      }
      case Capability.ROUTE_REFRESH -> {
        expectLength(code, len, 0);
        return new Capability.RouteRefreshCapability();
      }
      case Capability.FOUR_OCTET_AS -> {
        expectLength(code, len, 4);
        return new Capability.FourOctetAs(v.readUnsignedInt());
      }
      case Capability.GRACEFUL_RESTART -> {
        if (len < 2 || (len - 2) % 4 != 0) {
          throw new BgpProtocolException(
              BgpError.OPEN_MESSAGE_ERROR,
              "graceful restart capability length " + len + " (expected: 2 + 4n)");
        }
        int word = v.readUnsignedShort();
        int flags = word >>> 12;
        List<Capability.GrFamily> fams = new ArrayList<>();
        while (v.isReadable()) {
          int afi = v.readUnsignedShort();
          int safi = v.readUnsignedByte();
          int f = v.readUnsignedByte();
          fams.add(
              new Capability.GrFamily(new AddressFamily(afi, safi), (f & GR_FORWARDING_BIT) != 0));
        }
        return new Capability.GracefulRestart(
            (flags & GR_RESTART_BIT) != 0, (flags & GR_NOTIFICATION_BIT) != 0, word & 0xFFF, fams);
      }
      default -> {
        byte[] b = new byte[len];
        v.readBytes(b);
        return new Capability.Unknown(code, new Octets(b));
      }
    }
  }

  private static void expectLength(int code, int len, int expected) {
    if (len != expected) {
      throw new BgpProtocolException(
          BgpError.OPEN_MESSAGE_ERROR,
          "capability " + code + " length " + len + " (expected: " + expected + ")");
    }
  }

  public static void encode(Open open, ByteBuf out) {
    out.writeByte(open.version());
    out.writeShort(open.myAsField());
    out.writeShort(open.holdTimeSeconds());
    out.writeInt((int) open.bgpIdentifier().lo());
    int optLenIndex = out.writerIndex();
    out.writeByte(0);
    if (!open.capabilities().isEmpty()) {
      // one optional parameter holding all capabilities, as FRR and GoBGP do
      out.writeByte(PARAM_CAPABILITIES);
      int paramLenIndex = out.writerIndex();
      out.writeByte(0);
      for (Capability c : open.capabilities()) {
        encodeCapability(c, out);
      }
      int paramLen = out.writerIndex() - paramLenIndex - 1;
      if (paramLen > 255 - 2) {
        throw new IllegalArgumentException(
            "OPEN capabilities: " + paramLen + " octets (expected: <= 253)");
      }
      out.setByte(paramLenIndex, paramLen);
      out.setByte(optLenIndex, paramLen + 2);
    }
  }

  private static void encodeCapability(Capability c, ByteBuf out) {
    out.writeByte(c.code());
    int lenIndex = out.writerIndex();
    out.writeByte(0);
    if (c instanceof Capability.MultiProtocol mp) {
      out.writeShort(mp.family().afi());
      out.writeByte(0);
      out.writeByte(mp.family().safi());
    } else if (c instanceof Capability.FourOctetAs as4) {
      out.writeInt((int) as4.asn());
    } else if (c instanceof Capability.GracefulRestart gr) {
      int flags =
          (gr.restarting() ? GR_RESTART_BIT : 0) | (gr.notification() ? GR_NOTIFICATION_BIT : 0);
      out.writeShort((flags << 12) | gr.restartTimeSeconds());
      for (Capability.GrFamily f : gr.families()) {
        out.writeShort(f.family().afi());
        out.writeByte(f.family().safi());
        out.writeByte(f.forwardingPreserved() ? GR_FORWARDING_BIT : 0);
      }
    } else if (c instanceof Capability.Unknown u) {
      out.writeBytes(u.value().bytes());
    }
    out.setByte(lenIndex, out.writerIndex() - lenIndex - 1);
  }
}

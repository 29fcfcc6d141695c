package io.ferrolb.adapters.bgp.bfd;

import io.netty.buffer.ByteBuf;

/**
 * BFD control packet codec (RFC 5880 §4.1) with the reception checks of §6.8.6.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Vers |  Diag   |Sta|P|F|C|A|D|M|  Detect Mult  |    Length     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       My Discriminator                        |
 * |                      Your Discriminator                       |
 * |                    Desired Min TX Interval                    |
 * |                   Required Min RX Interval                    |
 * |                 Required Min Echo RX Interval                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class BfdCodec {
  public static final int LENGTH = 24;
  private static final int VERSION = 1;
  private static final int P = 0x20;
  private static final int F = 0x10;
  private static final int A = 0x04;
  private static final int D = 0x02;
  private static final int M = 0x01;

  private BfdCodec() {}

  /**
   * Decodes one datagram payload.
   *
   * @throws IllegalArgumentException when §6.8.6 says to discard the packet (the reason)
   */
  public static BfdPacket decode(ByteBuf in) {
    if (in.readableBytes() < LENGTH) {
      throw new IllegalArgumentException(
          "BFD packet: " + in.readableBytes() + " octets (expected: >= 24)");
    }
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    int mult = in.readUnsignedByte();
    int len = in.readUnsignedByte();
    if ((b0 >>> 5) != VERSION) {
      throw new IllegalArgumentException("BFD version: " + (b0 >>> 5) + " (expected: 1)");
    }
    if (len < LENGTH || len > in.readableBytes() + 4) {
      throw new IllegalArgumentException("BFD length field: " + len + " (expected: 24..payload)");
    }
    if ((b1 & A) != 0) {
      throw new IllegalArgumentException("BFD authentication: not supported (expected: A bit 0)");
    }
    if (mult == 0) {
      throw new IllegalArgumentException("BFD detect multiplier: 0 (expected: >= 1)");
    }
    if ((b1 & M) != 0) {
      throw new IllegalArgumentException("BFD multipoint bit: set (expected: 0)");
    }
    long my = in.readUnsignedInt();
    long your = in.readUnsignedInt();
    if (my == 0) {
      throw new IllegalArgumentException("BFD my discriminator: 0 (expected: non-zero)");
    }
    BfdState state = BfdState.ofWire(b1 >>> 6);
    if (your == 0 && (state == BfdState.UP || state == BfdState.INIT)) {
      throw new IllegalArgumentException(
          "BFD your discriminator: 0 in state " + state + " (expected: non-zero)");
    }
    long tx = in.readUnsignedInt();
    long rx = in.readUnsignedInt();
    long echo = in.readUnsignedInt();
    if ((b1 & D) != 0) {
      throw new IllegalArgumentException("BFD demand mode: not supported (expected: D bit 0)");
    }
    return new BfdPacket(
        b0 & 0x1F, state, (b1 & P) != 0, (b1 & F) != 0, mult, my, your, tx, rx, echo);
  }

  public static void encode(BfdPacket p, ByteBuf out) {
    out.writeByte((VERSION << 5) | p.diagnostic());
    out.writeByte((p.state().ordinal() << 6) | (p.poll() ? P : 0) | (p.fin() ? F : 0));
    out.writeByte(p.detectMultiplier());
    out.writeByte(LENGTH);
    out.writeInt((int) p.myDiscriminator());
    out.writeInt((int) p.yourDiscriminator());
    out.writeInt((int) p.desiredMinTxMicros());
    out.writeInt((int) p.requiredMinRxMicros());
    out.writeInt((int) p.requiredMinEchoRxMicros());
  }
}

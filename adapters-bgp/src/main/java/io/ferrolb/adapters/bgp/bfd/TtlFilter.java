package io.ferrolb.adapters.bgp.bfd;

import io.ferrolb.domain.pool.IpAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.unix.RawUnixChannelOption;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The incoming TTL / hop limit check of BFD (RFC 5881 §5: exactly 255 on a single hop; RFC 5883 §5:
 * at least a configured minimum on multihop) as a classic BPF socket filter run by the kernel.
 *
 * <p>netty 4.2 cannot hand the TTL of a received datagram to Java: its epoll {@code recvmsg} parses
 * only the {@code UDP_GRO} and {@code IP_RECVORIGDSTADDR} control messages, and Linux ignores
 * {@code IP_MINTTL} on UDP sockets. A socket filter sees the IP header (at {@code SKF_NET_OFF}), so
 * the kernel drops a packet whose TTL is too low before it reaches the socket. The program compares
 * the source address with each peer's minimum, then applies a default to every other source.
 */
final class TtlFilter {
  static final int GTSM_TTL = 255; // RFC 5881 §5, RFC 5082

  // linux/filter.h, linux/bpf_common.h
  private static final int LD_W_ABS = 0x20;
  private static final int LD_B_ABS = 0x30;
  private static final int JEQ_K = 0x15;
  private static final int JGE_K = 0x35;
  private static final int RET_K = 0x06;
  private static final int SKF_NET_OFF = -0x100000;
  private static final int ACCEPT = 0xFFFF;
  private static final int MAX_INSNS = 4096; // BPF_MAXINSNS
  // asm-generic/socket.h
  private static final int SOL_SOCKET = 1;
  private static final int SO_ATTACH_FILTER = 26;

  /** One cBPF instruction ({@code struct sock_filter}). */
  record Insn(int code, int jt, int jf, int k) {}

  private TtlFilter() {}

  /**
   * The program: a packet from a peer in {@code minimumByPeer} passes when its TTL (hop limit) is
   * at least that peer's minimum; a packet from any other source when at least {@code
   * defaultMinimum}.
   */
  static List<Insn> program(boolean v4, Map<IpAddress, Integer> minimumByPeer, int defaultMinimum) {
    int ttlOffset = v4 ? 8 : 7; // RFC 791 Time to Live; RFC 8200 Hop Limit
    int srcOffset = v4 ? 12 : 8; // RFC 791 / RFC 8200 Source Address
    List<Insn> p = new ArrayList<>();
    for (Map.Entry<IpAddress, Integer> e : minimumByPeer.entrySet()) {
      if (e.getKey().isV4() != v4) {
        continue;
      }
      byte[] a = e.getKey().toBytes();
      int words = a.length / 4;
      // each compare jumps past the rest of this peer's block when it does not match
      for (int w = 0; w < words; w++) {
        int rest = (words - w - 1) * 2 + 4;
        p.add(new Insn(LD_W_ABS, 0, 0, SKF_NET_OFF + srcOffset + 4 * w));
        p.add(new Insn(JEQ_K, 0, rest, word(a, w)));
      }
      p.add(new Insn(LD_B_ABS, 0, 0, SKF_NET_OFF + ttlOffset));
      p.add(new Insn(JGE_K, 0, 1, checkTtl(e.getValue())));
      p.add(new Insn(RET_K, 0, 0, ACCEPT));
      p.add(new Insn(RET_K, 0, 0, 0));
    }
    p.add(new Insn(LD_B_ABS, 0, 0, SKF_NET_OFF + ttlOffset));
    p.add(new Insn(JGE_K, 0, 1, checkTtl(defaultMinimum)));
    p.add(new Insn(RET_K, 0, 0, ACCEPT));
    p.add(new Insn(RET_K, 0, 0, 0));
    if (p.size() > MAX_INSNS) {
      throw new IllegalArgumentException(
          "BFD TTL filter: " + p.size() + " instructions (expected: at most " + MAX_INSNS + ")");
    }
    return List.copyOf(p);
  }

  /** What the kernel does with a packet, for tests: true when the program accepts it. */
  static boolean accepts(List<Insn> program, byte[] ipHeader) {
    int a = 0;
    int pc = 0;
    while (true) {
      Insn i = program.get(pc);
      switch (i.code()) {
        case LD_W_ABS -> {
          int o = i.k() - SKF_NET_OFF;
          a =
              ((ipHeader[o] & 0xFF) << 24)
                  | ((ipHeader[o + 1] & 0xFF) << 16)
                  | ((ipHeader[o + 2] & 0xFF) << 8)
                  | (ipHeader[o + 3] & 0xFF);
        }
        case LD_B_ABS -> a = ipHeader[i.k() - SKF_NET_OFF] & 0xFF;
        case JEQ_K -> pc += a == i.k() ? i.jt() : i.jf();
        case JGE_K -> pc += Integer.compareUnsigned(a, i.k()) >= 0 ? i.jt() : i.jf();
        case RET_K -> {
          return i.k() != 0;
        }
        default -> throw new IllegalStateException("opcode " + i.code());
      }
      pc++;
    }
  }

  /** Attaches (or replaces) the program on an epoll datagram channel. */
  static void attach(Channel ch, List<Insn> program) {
    ByteOrder order = ByteOrder.nativeOrder();
    ByteBuf insns = Unpooled.directBuffer(program.size() * 8);
    try {
      if (!insns.hasMemoryAddress()) {
        throw new IllegalStateException("BFD TTL filter: no native memory address");
      }
      ByteBuffer b = insns.internalNioBuffer(0, program.size() * 8).order(order);
      for (Insn i : program) {
        b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
      }
      // struct sock_fprog { unsigned short len; struct sock_filter *filter; } (LP64)
      ByteBuffer fprog = ByteBuffer.allocateDirect(16).order(order);
      fprog.putShort(0, (short) program.size()).putLong(8, insns.memoryAddress());
      ch.config()
          .setOption(
              new RawUnixChannelOption("SO_ATTACH_FILTER", SOL_SOCKET, SO_ATTACH_FILTER, 16),
              fprog);
    } finally {
      insns.release();
    }
  }

  private static int checkTtl(int ttl) {
    if (ttl < 1 || ttl > 255) {
      throw new IllegalArgumentException("BFD minimum TTL: " + ttl + " (expected: 1..255)");
    }
    return ttl;
  }

  private static int word(byte[] a, int w) {
    return ((a[4 * w] & 0xFF) << 24)
        | ((a[4 * w + 1] & 0xFF) << 16)
        | ((a[4 * w + 2] & 0xFF) << 8)
        | (a[4 * w + 3] & 0xFF);
  }
}

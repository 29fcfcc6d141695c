package io.ferrolb.it.l2;

import io.ferrolb.adapters.l2.MacAddress;
import io.ferrolb.adapters.l2.ndp.NdpCodec;
import io.ferrolb.adapters.l2.ndp.NeighborSolicitation;
import io.ferrolb.domain.pool.IpAddress;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;

/**
 * Sends one unicast Neighbor Solicitation WITHOUT a source link-layer option (a NUD probe as some
 * stacks send it) and prints the answering NA: {@code NA target T from MAC S=.. O=..}; exit 1 if
 * none within 2 s. ndisc6 cannot send such a probe (it always adds SLLA).
 *
 * <p>Usage: {@code NsProbeMain IFACE OUR_MAC OUR_IP DST_MAC TARGET}
 */
public final class NsProbeMain {
  private NsProbeMain() {}

  public static void main(String[] args) throws Exception {
    String ifName = args[0];
    MacAddress ourMac = MacAddress.parse(args[1]);
    IpAddress ourIp = IpAddress.parse(args[2]);
    MacAddress dstMac = MacAddress.parse(args[3]);
    IpAddress target = IpAddress.parse(args[4]);
    try (PcapHandle h =
        new PcapHandle.Builder(ifName)
            .snaplen(256)
            .promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
            .timeoutMillis(100)
            .immediateMode(true)
            .build()) {
      h.setFilter("icmp6 and ip6[40] = 136", BpfCompileMode.OPTIMIZE);
      byte[] ns =
          NdpCodec.encodeSolicitation(
              new NeighborSolicitation(
                  dstMac, ourMac, ourIp, target, 255, target, Optional.empty()));
      h.sendPacket(ns);
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < deadline) {
        byte[] f = h.getNextRawPacket();
        if (f == null || f.length < 86) {
          continue;
        }
        ByteBuffer b = ByteBuffer.wrap(f);
        IpAddress tgt = IpAddress.v6(b.getLong(62), b.getLong(70));
        if (!tgt.equals(target)) {
          continue;
        }
        int flags = f[58] & 0xFF;
        System.out.println(
            "NA target "
                + tgt
                + " from "
                + MacAddress.read(b, 6)
                + " to "
                + MacAddress.read(b, 0)
                + " S="
                + ((flags >> 6) & 1)
                + " O="
                + ((flags >> 5) & 1));
        return;
      }
      System.out.println("no NA for " + target);
      System.exit(1);
    }
  }
}

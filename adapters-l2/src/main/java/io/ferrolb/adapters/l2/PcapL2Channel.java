package io.ferrolb.adapters.l2;

import com.sun.jna.Pointer;
import io.ferrolb.adapters.l2.iface.SelectedInterface;
import io.ferrolb.domain.pool.IpAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.PcapDirection;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pcap4j edge: one libpcap handle per interface, in immediate mode (else TPACKET_V3 holds
 * frames up to the read timeout: answers ~100 ms late), direction IN (pcap also sees what we send),
 * with a kernel BPF filter so only ARP requests and Neighbor Solicitations reach Java.
 *
 * <p>IPv6: frames to a solicited-node group reach a NIC only if it listens to that group's MAC.
 * Rather than promiscuous mode (every unicast frame on the segment would wake this thread, and
 * promiscuous flips are logged and visible to the admin), the channel joins the groups through an
 * ordinary IPv6 datagram socket, as MetalLB does with its NDP socket; the kernel programs the NIC's
 * multicast filter.
 */
public final class PcapL2Channel implements L2Channel {
  private static final Logger LOG = LoggerFactory.getLogger(PcapL2Channel.class);

  /** Enough for NS with options; the BPF program truncates longer frames. */
  static final int SNAPLEN = 256;

  /** pcap read timeout; irrelevant in immediate mode except as the poll() bound of libpcap. */
  static final int READ_TIMEOUT_MILLIS = 100;

  private final String name;
  private final PcapHandle handle;
  private final Map<IpAddress, MembershipKey> groups = new HashMap<>();
  private DatagramChannel groupSocket;
  private volatile boolean stopped;

  private PcapL2Channel(String name, PcapHandle handle) {
    this.name = name;
    this.handle = handle;
  }

  /** Opens the interface; needs root or CAP_NET_RAW. */
  public static PcapL2Channel open(SelectedInterface iface) throws IOException {
    try {
      PcapHandle h =
          new PcapHandle.Builder(iface.name())
              .snaplen(SNAPLEN)
              .promiscuousMode(PromiscuousMode.NONPROMISCUOUS)
              .timeoutMillis(READ_TIMEOUT_MILLIS)
              .immediateMode(true)
              .build();
      try {
        h.setDirection(PcapDirection.IN);
        h.setFilter(filter(iface.arp(), iface.ndp()), BpfCompileMode.OPTIMIZE);
      } catch (PcapNativeException | NotOpenException | RuntimeException e) {
        h.close();
        throw e;
      }
      return new PcapL2Channel(iface.name(), h);
    } catch (PcapNativeException | NotOpenException e) {
      throw new IOException("pcap open " + iface.name() + ": " + e.getMessage(), e);
    }
  }

  /**
   * ARP requests (opcode at arp[6:2], RFC 826) and/or ICMPv6 type 135 right after a fixed IPv6
   * header (ip6[40]); NS with extension headers are rare and not answered (MetalLB neither).
   */
  static String filter(boolean arp, boolean ndp) {
    String a = "(arp and arp[6:2] = 1)";
    String n = "(icmp6 and ip6[40] = 135)";
    return arp && ndp ? a + " or " + n : arp ? a : n;
  }

  /**
   * Reads with {@code pcap_next_ex} through a direct JNA mapping ({@link DirectPcap}): no JNA
   * callback (pcap4j's {@code loop} dispatches each packet through JNA's reflective callback proxy)
   * and no per-packet {@code Structure}. Falls back to pcap4j's loop if the direct path is
   * unavailable.
   */
  @Override
  public void receiveLoop(Consumer<byte[]> handler) throws IOException {
    Pointer raw = DirectPcap.AVAILABLE ? DirectPcap.pointerOf(handle) : null;
    if (raw != null) {
      directLoop(raw, handler);
      return;
    }
    try {
      handle.loop(-1, handler::accept);
    } catch (InterruptedException e) {
      // pcap_breakloop: stopReceiving() was called
    } catch (PcapNativeException | NotOpenException e) {
      throw new IOException("pcap loop " + name + ": " + e.getMessage(), e);
    }
  }

  private void directLoop(Pointer raw, Consumer<byte[]> handler) throws IOException {
    long[] hdr = new long[1];
    long[] data = new long[1];
    while (!stopped) {
      int rc = DirectPcap.pcap_next_ex(raw, hdr, data);
      if (rc == 1) {
        // struct pcap_pkthdr on LP64: struct timeval ts (16 bytes), bpf_u_int32 caplen, len
        int caplen = new Pointer(hdr[0]).getInt(DirectPcap.CAPLEN_OFFSET);
        handler.accept(new Pointer(data[0]).getByteArray(0, caplen));
      } else if (rc == 0) {
        continue; // read timeout: check the stop flag
      } else if (rc == DirectPcap.PCAP_ERROR_BREAK) {
        return;
      } else {
        throw new IOException("pcap_next_ex on " + name + ": " + rc);
      }
    }
  }

  @Override
  public void stopReceiving() {
    stopped = true;
    try {
      handle.breakLoop();
    } catch (NotOpenException e) {
      // already closed
    }
  }

  @Override
  public void send(byte[] frame) throws IOException {
    try {
      handle.sendPacket(frame);
    } catch (PcapNativeException | NotOpenException e) {
      throw new IOException("pcap send on " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void setMulticastGroups(Set<IpAddress> wanted) {
    groups
        .entrySet()
        .removeIf(
            e -> {
              if (wanted.contains(e.getKey())) {
                return false;
              }
              e.getValue().drop();
              return true;
            });
    for (IpAddress g : wanted) {
      if (groups.containsKey(g)) {
        continue;
      }
      try {
        if (groupSocket == null) {
          groupSocket = DatagramChannel.open(StandardProtocolFamily.INET6);
        }
        NetworkInterface nif = NetworkInterface.getByName(name);
        if (nif == null) {
          throw new IOException("no interface " + name);
        }
        groups.put(g, groupSocket.join(toInet(g), nif));
        LOG.debug("multicastJoined interface={} group={}", name, g);
      } catch (IOException | RuntimeException e) {
        LOG.warn("multicastJoinFailed interface={} group={}: {}", name, g, e.toString());
      }
    }
  }

  private static InetAddress toInet(IpAddress ip) throws UnknownHostException {
    return InetAddress.getByAddress(ip.toBytes()); // bytes, never DNS
  }

  @Override
  public synchronized void close() {
    groups.values().forEach(MembershipKey::drop);
    groups.clear();
    if (groupSocket != null) {
      try {
        groupSocket.close();
      } catch (IOException e) {
        LOG.debug("close group socket {}: {}", name, e.toString());
      }
    }
    handle.close();
  }
}

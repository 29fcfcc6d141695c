package io.ferrolb.adapters.l2.membership;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UDP;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.NameCache;

/**
 * The JGroups 5.5 channel of {@link JGroupsMembership}, built in code (no XML): its protocol stack,
 * the node name carried in every member's address, and what a failed start means.
 *
 * <h2>Stack (bottom to top)</h2>
 *
 * <ol>
 *   <li>{@code UDP}, unicast only ({@code ip_mcast=false}), bound to the node IP and port 7946:
 *       "multicasts" are sent as one datagram per member.
 *   <li>{@link AeadSymEncrypt}: AES-256-GCM with the key {@code SHA-256(secretkey)}, directly on
 *       the transport so that <em>every</em> packet (discovery, heartbeats, merges, joins) is
 *       sealed. A packet without the key fails the tag check (or the key-version check) and is
 *       dropped; a speaker with another key never gets an answer to its discovery or join requests
 *       and never appears in anyone's view. IVs carry a per-sender counter, so a replayed packet is
 *       refused too; every dropped packet is counted by reason ({@link
 *       JGroupsMembership#droppedFrames()}).
 *   <li>{@code SERIALIZE}: puts headers into the encrypted payload too.
 *   <li>{@link HeartbeatTracker}: tells the {@link LocalFailureDetector} of every message from a
 *       peer, and remembers when each peer last heartbeated us (see "Frozen member" in {@link
 *       JGroupsMembership}).
 *   <li>{@code TCPPING} with the seeds from {@link JGroupsMembership#setSeeds} (replaced at run
 *       time).
 *   <li>{@code MERGE3}: probes the seeds every 1-3 s, so a healed partition reunites within about 5
 *       s (its consistency check runs every 1.6 × the max interval).
 *   <li>{@code FD_SOCK2} on TCP at the <em>same</em> port number as the UDP transport (so the
 *       footprint is MetalLB's 7946 TCP+UDP): each member keeps a TCP connection to its ring
 *       neighbour; when a speaker process dies, the kernel closes the connection and the neighbour
 *       broadcasts the suspicion at once ({@link DeathReportingFdSock2} hands it to the local
 *       detector of every member).
 *   <li>{@code FD_ALL3}: every member sends a heartbeat to every member each {@code
 *       heartbeatInterval}; a member silent for {@code suspectTimeout} is suspected. Catches what
 *       FD_SOCK2 cannot: a frozen process (SIGSTOP, long pause), a dead host, a cut cable, a
 *       firewall.
 *   <li>{@code VERIFY_SUSPECT2}: before a suspect is excluded it gets one direct probe and {@code
 *       verifyTimeout} to answer; a live member that answers stays.
 *   <li>{@code NAKACK2}, {@code UNICAST3}, {@code STABLE}, {@code GMS}, {@code FRAG2}: reliable
 *       delivery and views.
 * </ol>
 *
 * <h2>Default timings and why</h2>
 *
 * <ul>
 *   <li>Heartbeat every <b>100 ms</b>, suspicion after <b>400 ms</b> of silence: FD_ALL3 keeps one
 *       bit per interval (4 bits); a member is suspected when all 4 are empty, i.e. after 400-500
 *       ms without any packet from it. Four consecutive heartbeats must be lost or late; on a LAN
 *       (RTT well under 1 ms) that only happens to a member that is really gone.
 *   <li>Direct probe with <b>150 ms</b> to answer: more than 100 LAN round trips; a member that was
 *       only slow answers and is kept. A false exclusion therefore needs more than ~550 ms of total
 *       silence from a live JVM. The speaker runs with a small heap and SerialGC, whose young
 *       pauses are a few milliseconds, so an idle healthy cluster does not flap (the IT idles 20 s
 *       with 3 members and asserts no view change).
 *   <li>JGroups' own view change needs the coordinator (and, when the coordinator died, a takeover
 *       first): measured 0.5-3 s after a {@code kill -9}. Listeners are therefore told earlier, by
 *       the {@link LocalFailureDetector} each member runs on what it hears itself: the view's
 *       members less those silent for 550 ms (suspectTimeout + verifyTimeout, the silence JGroups
 *       needs to exclude them), or reported dead by FD_SOCK2 and silent for 150 ms (1.5 heartbeat
 *       intervals). It is evaluated every 50 ms. The later view change agrees with it.
 *   <li>Silent failure (frozen process, cut link): 550-600 ms.
 *   <li>Process death: the TCP connection drops at once; with the confirmation ≈ 150-250 ms.
 *   <li>Cost: n × (n-1) × 10 heartbeats per second, about 100 bytes each after encryption: 1 KB/s
 *       per node for 10 nodes, 100 KB/s per node for 100 nodes. For large clusters raise the
 *       interval (and the timeout with it).
 * </ul>
 *
 * <h2>Names</h2>
 *
 * The member name is the node name, carried inside every member's address ({@link ExtendedUUID} key
 * {@code node}), so views never show UUIDs ({@link #nameOf}).
 */
final class JGroupsStack {
  private static final String NODE_KEY = "node";

  private JGroupsStack() {}

  /**
   * A channel named after the node, on the stack of {@link #protocols}, that discards its own
   * messages; not connected yet, and without a receiver.
   */
  static JChannel channel(
      MembershipSettings settings,
      HeartbeatTracker heartbeats,
      LocalFailureDetector<Address> detector,
      GossipDrops drops)
      throws Exception {
    JChannel ch = new JChannel(protocols(settings, heartbeats, detector, drops));
    ch.addAddressGenerator(
        () ->
            ExtendedUUID.randomUUID(settings.nodeName())
                .put(NODE_KEY, settings.nodeName().getBytes(StandardCharsets.UTF_8)));
    ch.setName(settings.nodeName());
    ch.setDiscardOwnMessages(true);
    return ch;
  }

  /** The protocols, bottom to top, as listed in the class comment. */
  static List<Protocol> protocols(
      MembershipSettings settings,
      HeartbeatTracker heartbeats,
      LocalFailureDetector<Address> detector,
      GossipDrops drops)
      throws Exception {
    WireMessages.install(); // before the transport reads its first datagram
    UDP udp = new UDP();
    udp.setBindAddr(settings.bindAddress());
    udp.setBindPort(settings.port());
    udp.setPortRange(0); // fail instead of silently taking the next port: peers dial the seed port
    udp.ipMcast(false); // no IP multicast on most LANs; send one datagram per member
    // gossip is a few small packets per second; stay under Linux's default rmem_max/wmem_max
    // (212,992 bytes) so JGroups does not warn that the kernel capped a 5 MB default
    udp.setUcastRecvBufSize(128 * 1024);
    udp.setUcastSendBufSize(128 * 1024);

    TCPPING ping = new TCPPING();
    ping.setPortRange(0);

    MERGE3 merge = new MERGE3();
    merge.setMinInterval(settings.mergeMinInterval().toMillis());
    merge.setMaxInterval(settings.mergeMaxInterval().toMillis());

    FD_SOCK2 sock =
        new DeathReportingFdSock2(dead -> detector.reportedDead(dead, System.nanoTime()));
    sock.setOffset(0); // TCP on the transport's port number: MetalLB's footprint, 7946 TCP+UDP
    // bind to the node IP, not the wildcard: a wildcard server names itself 0.0.0.0:7946 to its
    // peers, identical on every node, so the ring's connections collide, fail after the 1 s
    // connect timeout and stall message delivery (measured: heartbeats arriving in bursts of 10)
    sock.setBindAddress(settings.bindAddress());
    sock.setValue("port_range", 0);

    FD_ALL3 all = new FD_ALL3();
    all.setInterval(settings.heartbeatInterval().toMillis());
    all.setTimeout(settings.suspectTimeout().toMillis());

    VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2();
    verify.setTimeout(settings.verifyTimeout().toMillis());

    NAKACK2 nakack = new NAKACK2();
    nakack.setXmitInterval(50); // retransmit lost view/merge messages quickly on a LAN (ms)

    UNICAST3 unicast = new UNICAST3();
    unicast.setXmitInterval(50);

    GMS gms = new GMS();
    gms.printLocalAddress(false);
    gms.setJoinTimeout(1000); // discovery on a LAN answers in ms; alone after 1 s, merge later
    gms.setMaxJoinAttempts(3);
    gms.setViewAckCollectionTimeout(500); // a frozen member must not delay the next view long
    gms.setLeaveTimeout(500);

    List<Protocol> stack = new ArrayList<>();
    stack.add(udp);
    stack.add(new AeadSymEncrypt(settings.key(), drops));
    stack.add(new SERIALIZE());
    stack.add(heartbeats);
    stack.add(ping);
    stack.add(merge);
    stack.add(sock);
    stack.add(all);
    stack.add(verify);
    stack.add(nakack);
    stack.add(unicast);
    stack.add(new STABLE());
    stack.add(gms);
    stack.add(
        new FRAG2().setFragSize(30_000)); // well under the 65,507-byte UDP limit after sealing
    return stack;
  }

  /** The node name in a member's address, else JGroups' logical name, else the address. */
  static String nameOf(Address a) {
    if (a instanceof ExtendedUUID u) {
      byte[] name = u.get(NODE_KEY);
      if (name != null) {
        return new String(name, StandardCharsets.UTF_8);
      }
    }
    String cached = NameCache.get(a);
    return cached != null ? cached : a.toString();
  }

  /**
   * What a failed start means to the caller: a taken port names the address; any other I/O error
   * stays an I/O error; the rest is a bug or a broken environment.
   */
  static RuntimeException startFailure(MembershipSettings settings, Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      // JGroups' UDP reports a taken port as a plain Exception naming the BindException
      if (t instanceof BindException
          || String.valueOf(t.getMessage()).contains(BindException.class.getName())) {
        return new UncheckedIOException(
            "membership: cannot bind "
                + settings.bindAddress().getHostAddress()
                + ":"
                + settings.port()
                + " (expected: a free UDP and TCP port on the node IP)",
            new BindException(t.getMessage()));
      }
    }
    if (e instanceof IOException io) {
      return new UncheckedIOException("membership: cannot start", io);
    }
    return new IllegalStateException("membership: cannot start: " + e.getMessage(), e);
  }
}

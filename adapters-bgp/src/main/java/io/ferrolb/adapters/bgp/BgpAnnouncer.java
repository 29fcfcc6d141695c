package io.ferrolb.adapters.bgp;

import io.ferrolb.adapters.bgp.bfd.BfdSettings;
import io.ferrolb.adapters.bgp.bfd.BfdStatistics;
import io.ferrolb.adapters.bgp.codec.Community;
import io.ferrolb.adapters.bgp.codec.LargeCommunity;
import io.ferrolb.adapters.bgp.netty.Advertisement;
import io.ferrolb.adapters.bgp.netty.BgpSession;
import io.ferrolb.adapters.bgp.netty.BgpSessionConfig;
import io.ferrolb.adapters.bgp.netty.BgpSpeaker;
import io.ferrolb.adapters.bgp.netty.SessionStatus;
import io.ferrolb.domain.announce.BgpPlan;
import io.ferrolb.domain.announce.BgpRoute;
import io.ferrolb.domain.config.BfdProfile;
import io.ferrolb.domain.config.BgpCommunity;
import io.ferrolb.domain.config.BgpPeer;
import io.ferrolb.domain.config.DynamicAsn;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.out.AnnouncerStatus;
import io.ferrolb.ports.out.ApplyReport;
import io.ferrolb.ports.out.DesiredAnnouncements;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code bgp} announcer on the native netty speaker: converges to the BGP plan of {@link
 * DesiredAnnouncements#bgp()} with one session per planned peer, kept across plans while its
 * session configuration is unchanged (a config reload that does not touch a peer never flaps its
 * session), reopened when it changes, closed when the peer leaves the plan.
 */
final class BgpAnnouncer implements Announcer {
  private static final Logger LOG = LoggerFactory.getLogger(BgpAnnouncer.class);

  /** FRR's default graceful-restart time (MetalLB design/gracefulrestart-bgp.md). */
  static final Duration GRACEFUL_RESTART_TIME = Duration.ofSeconds(120);

  /** TTL for eBGP multihop sessions (FRR's default for "ebgp-multihop" without a value). */
  static final int MULTIHOP_TTL = 255;

  private final BgpSpeaker speaker;
  private final Supplier<Optional<IpAddress>> nodeIp;
  private final Map<String, Open> sessions = new TreeMap<>();

  private record Open(BgpSessionConfig config, BgpSession session) {}

  /**
   * @param speaker the event loops; owned, closed with this announcer
   * @param nodeIp this node's address, for the router ID when a peer names none; read when a
   *     session opens, since the speaker may learn it after creating its announcers
   */
  BgpAnnouncer(BgpSpeaker speaker, Supplier<Optional<IpAddress>> nodeIp) {
    this.speaker = speaker;
    this.nodeIp = nodeIp;
  }

  @Override
  public synchronized ApplyReport apply(DesiredAnnouncements desired) {
    BgpPlan plan = desired.bgpOrEmpty();
    Set<String> planned = new HashSet<>();
    // one Advertisement per route, whichever peers it goes to
    Map<BgpRoute, Advertisement> made = new HashMap<>();
    for (BgpPeer peer : plan.peers()) {
      Optional<BgpSessionConfig> cfg = sessionConfig(desired.nodeName(), peer, plan);
      if (cfg.isEmpty()) {
        continue;
      }
      planned.add(peer.name());
      Open open = sessions.get(peer.name());
      if (open != null && !open.config().equals(cfg.get())) {
        LOG.info("event=peerReconfigured peer={} session reopened", peer.name());
        open.session().close();
        open = null;
      }
      if (open == null) {
        LOG.info("event=peerAdded peer={} {}", peer.name(), cfg.get());
        open = new Open(cfg.get(), speaker.open(cfg.get()));
        sessions.put(peer.name(), open);
      }
      open.session()
          .setAdvertisements(advertisements(families(peer, plan.routesFor(peer.name())), made));
    }
    for (Iterator<Map.Entry<String, Open>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Open> e = it.next();
      if (!planned.contains(e.getKey())) {
        LOG.info("event=peerRemoved peer={}", e.getKey());
        e.getValue().session().close();
        it.remove();
      }
    }
    return ApplyReport.applied(sessions.size());
  }

  /**
   * MetalLB (FRR mode): a session carries the prefixes of its peer address's family; with {@code
   * dualStackAddressFamily} both families.
   */
  static Set<BgpRoute> families(BgpPeer peer, Set<BgpRoute> routes) {
    if (peer.dualStackAddressFamily() || peer.peerAddress().isEmpty()) {
      return routes;
    }
    IpFamily f = peer.peerAddress().get().family();
    Set<BgpRoute> out = new HashSet<>();
    for (BgpRoute r : routes) {
      if (r.prefix().family() == f) {
        out.add(r);
      }
    }
    return out;
  }

  Optional<BgpSessionConfig> sessionConfig(String node, BgpPeer peer, BgpPlan plan) {
    if (peer.peerAddress().isEmpty()) {
      // the config parser warned already (ConfigParser: BGPPeer spec.interface)
      LOG.warn(
          "event=peerUnsupported peer={}: unnumbered BGP (spec.interface) is not supported;"
              + " skipped",
          peer.name());
      return Optional.empty();
    }
    // spec.vrf: not supported; the session opens in the default VRF (ConfigParser warns)
    IpAddress routerId = peer.routerId().orElseGet(() -> routerId(node, peer));
    boolean anyExternal =
        peer.peerAsn().isEmpty() && peer.dynamicAsn().orElseThrow() == DynamicAsn.EXTERNAL;
    // dynamicASN internal: the peer's ASN is ours; external: any other (checked on its OPEN)
    long peerAsn = peer.peerAsn().orElse(peer.myAsn());
    BgpSessionConfig cfg =
        BgpSessionConfig.of(peer.myAsn(), peerAsn, peer.peerAddress().get(), routerId)
            .withPeerPort(peer.peerPort())
            .withHoldTime(peer.effectiveHoldTime());
    if (anyExternal) {
      cfg = cfg.withAnyExternalPeerAsn();
    }
    if (peer.connectTime().isPresent()) {
      // FRR "timers connect": a fixed retry interval instead of MetalLB's native back-off; a dial
      // never waits longer than the interval (nor than the default 10 s dial timeout)
      Duration ct = peer.connectTime().get();
      Duration dial = ct.compareTo(cfg.connectTimeout()) < 0 ? ct : cfg.connectTimeout();
      cfg = cfg.withConnectRetry(ct, ct, dial);
    }
    if (peer.keepaliveTime().isPresent()) {
      cfg = cfg.withKeepalive(peer.keepaliveTime().get());
    }
    if (peer.sourceAddress().isPresent()) {
      cfg = cfg.withSourceAddress(peer.sourceAddress().get());
    }
    // a passwordSecret is resolved by the config parser (ConfigParser.passwordSecret): in a valid
    // configuration the password is set
    Optional<String> password = peer.password();
    if (password.isPresent()) {
      cfg = cfg.withPassword(password.get());
    }
    if (peer.ebgpMultiHop()) {
      cfg = cfg.withEbgpMultihop(MULTIHOP_TTL);
    }
    if (peer.enableGracefulRestart()) {
      cfg = cfg.withGracefulRestart(GRACEFUL_RESTART_TIME);
    }
    if (peer.bfdProfile().isPresent()) {
      Optional<BfdProfile> profile =
          plan.bfdProfiles().stream()
              .filter(p -> p.name().equals(peer.bfdProfile().get()))
              .findFirst();
      if (profile.isPresent()) {
        BfdProfile p = profile.get();
        cfg =
            cfg.withBfd(
                new BfdSettings(
                    Duration.ofMillis(p.transmitInterval()),
                    Duration.ofMillis(p.receiveInterval()),
                    p.detectMultiplier(),
                    // RFC 5883 multihop BFD with an eBGP multihop peer, as MetalLB's FRR mode
                    peer.ebgpMultiHop(),
                    p.minimumTtl(),
                    p.passiveMode()));
      }
    }
    return Optional.of(cfg);
  }

  /**
   * MetalLB's choice without a configured router ID: an IPv4 source address, else the node's IPv4
   * address, else a CRC32 of the node name (speaker/bgp_controller.go getRouterID).
   */
  private IpAddress routerId(String node, BgpPeer peer) {
    Optional<IpAddress> v4 =
        peer.sourceAddress().filter(IpAddress::isV4).or(() -> nodeIp.get().filter(IpAddress::isV4));
    if (v4.isPresent()) {
      return v4.get();
    }
    CRC32 crc = new CRC32();
    crc.update(node.getBytes(StandardCharsets.UTF_8));
    return IpAddress.v4(crc.getValue());
  }

  static Set<Advertisement> advertisements(Set<BgpRoute> routes) {
    return advertisements(routes, new HashMap<>());
  }

  /**
   * As {@link #advertisements(Set)}, taking each route's Advertisement from {@code made} when an
   * earlier peer's set made it: at 10,000 Services and 10 peers, ten copies of each held 3 MB of
   * the speaker's 64 MB heap (bench/footprint).
   */
  static Set<Advertisement> advertisements(
      Set<BgpRoute> routes, Map<BgpRoute, Advertisement> made) {
    Set<Advertisement> out = new HashSet<>();
    for (BgpRoute r : routes) {
      out.add(made.computeIfAbsent(r, BgpAnnouncer::advertisement));
    }
    return out;
  }

  private static Advertisement advertisement(BgpRoute r) {
    Set<Community> std = new HashSet<>();
    Set<LargeCommunity> large = new HashSet<>();
    for (BgpCommunity c : r.communities()) {
      if (c instanceof BgpCommunity.Standard s) {
        std.add(Community.of(s.high(), s.low()));
      } else if (c instanceof BgpCommunity.Large l) {
        large.add(new LargeCommunity(l.global(), l.local1(), l.local2()));
      }
    }
    Advertisement a = Advertisement.of(r.prefix()).withCommunities(std).withLargeCommunities(large);
    if (r.localPref().isPresent()) {
      a = a.withLocalPref(r.localPref().getAsLong());
    }
    return a;
  }

  /**
   * Per session: MetalLB's {@code peer} label (address:port, as its native mode), state, UPDATE
   * counters, announced and pending prefixes ({@code metallb_bgp_pending_prefixes_total}, whether
   * or not the session is up). Per BFD peer, under the label MetalLB's FRR mode gives its {@code
   * metallb_bfd_*} families (bfdd's peer: the address alone, sorted): the BFD session's state and
   * counters; one BFD session serves every BGP session to an address.
   */
  @Override
  public synchronized Optional<AnnouncerStatus> status() {
    List<AnnouncerStatus.Peer> peers = new ArrayList<>();
    Map<String, BfdStatistics> bfd = new TreeMap<>();
    sessions.forEach(
        (name, open) -> {
          SessionStatus st = open.session().status();
          peers.add(
              new AnnouncerStatus.Peer(
                  name,
                  peerLabel(open),
                  st.up(),
                  st.updatesSent(),
                  st.updatesReceived(),
                  st.announcedPrefixes(),
                  open.session().desiredPrefixes()));
          open.session()
              .bfdStatistics()
              .ifPresent(b -> bfd.putIfAbsent(open.config().peerAddress().toString(), b));
        });
    List<AnnouncerStatus.Liveness> liveness = new ArrayList<>();
    bfd.forEach((peer, b) -> liveness.add(b.liveness(peer)));
    return Optional.of(new AnnouncerStatus(List.of(), peers, liveness));
  }

  private static String peerLabel(Open open) {
    return open.config().peerAddress() + ":" + open.config().peerPort();
  }

  /**
   * The speaker is stopping (SIGTERM: a rolling upgrade, a restart, a node drain). Peers with
   * graceful restart negotiated are left without a NOTIFICATION, so the routers keep forwarding on
   * our routes until the new speaker re-announces them (RFC 4724); the others get CEASE and
   * withdraw at once. To take a node out for good, withdraw first (the exclude label, or a BGPPeer
   * nodeSelector that no longer matches) and then stop the speaker.
   */
  @Override
  public synchronized void close() {
    List<String> keptForRestart = new ArrayList<>();
    for (Map.Entry<String, Open> e : sessions.entrySet()) {
      if (e.getValue().session().closeForRestart()) {
        keptForRestart.add(e.getKey());
      }
    }
    if (!keptForRestart.isEmpty()) {
      LOG.info(
          "event=bgpStoppedForRestart peers={}: graceful restart, the routers keep our routes"
              + " until this node's speaker is back",
          keptForRestart);
    }
    sessions.clear();
    speaker.close();
  }
}

package io.ferrolb.it.bgp;

import io.ferrolb.adapters.bgp.bfd.BfdSettings;
import io.ferrolb.adapters.bgp.bfd.BfdStatistics;
import io.ferrolb.adapters.bgp.codec.Community;
import io.ferrolb.adapters.bgp.codec.LargeCommunity;
import io.ferrolb.adapters.bgp.netty.Advertisement;
import io.ferrolb.adapters.bgp.netty.BgpSession;
import io.ferrolb.adapters.bgp.netty.BgpSessionConfig;
import io.ferrolb.adapters.bgp.netty.BgpSpeaker;
import io.ferrolb.app.observability.HealthServer;
import io.ferrolb.app.speaker.BfdMetrics;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.AnnouncerStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * A minimal speaker process for the interop ITs and the benchmark.
 *
 * <pre>
 * --asn N --router-id A
 * --peer ADDR,ASN|external[,password=P][,gr=SECONDS][,hold=SECONDS][,port=N][,source=ADDR][,multihop=TTL][,bfd=MS|bfdpassive=MS|bfdmh=MS[/MINTTL]]
 * --adv PREFIX[,c=64500:100+no-export][,l=1:2:3][,lp=150]
 * --scale4 N      N /32 from 198.18.0.0
 * --scale6 N      N /128 from 2001:db8:ffff::
 * --metrics-port N  /metrics with the metallb_bfd_* families of the sessions (the speaker's code)
 * </pre>
 *
 * Prints {@code STATUS <peer> <state> prefixes=N} on every change.
 */
public final class SpeakerMain {
  private SpeakerMain() {}

  public static void main(String[] args) throws Exception {
    long asn = 0;
    IpAddress routerId = null;
    List<String> peers = new ArrayList<>();
    Set<Advertisement> advs = new HashSet<>();
    int metricsPort = -1;
    for (int i = 0; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--asn" -> asn = Long.parseLong(v);
        case "--router-id" -> routerId = IpAddress.parse(v);
        case "--peer" -> peers.add(v);
        case "--adv" -> advs.add(parseAdv(v));
        case "--metrics-port" -> metricsPort = Integer.parseInt(v);
        case "--scale4" -> {
          for (int k = 0; k < Integer.parseInt(v); k++) {
            advs.add(Advertisement.of(new Cidr(IpAddress.v4(0xC6120000L + k), 32)));
          }
        }
        case "--scale6" -> {
          for (int k = 0; k < Integer.parseInt(v); k++) {
            advs.add(Advertisement.of(new Cidr(IpAddress.v6(0x20010db8ffff0000L, k), 128)));
          }
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    BgpSpeaker speaker = new BgpSpeaker();
    List<BgpSession> sessions = new ArrayList<>();
    for (String p : peers) {
      BgpSessionConfig c = parsePeer(p, asn, routerId);
      BgpSession s =
          speaker.open(
              c,
              st ->
                  System.out.println(
                      "STATUS "
                          + c.peerAddress()
                          + " "
                          + st.state()
                          + " prefixes="
                          + st.announcedPrefixes()
                          + " updatesSent="
                          + st.updatesSent()));
      s.setAdvertisements(advs);
      sessions.add(s);
    }
    HealthServer metrics = null;
    if (metricsPort >= 0) {
      PrometheusRegistry registry = new PrometheusRegistry();
      BfdMetrics.register(
          registry,
          () -> {
            Map<String, BfdStatistics> out = new TreeMap<>();
            for (BgpSession s : sessions) {
              s.bfdStatistics().ifPresent(b -> out.put(s.config().peerAddress().toString(), b));
            }
            List<AnnouncerStatus.Liveness> liveness = new ArrayList<>();
            out.forEach((peer, b) -> liveness.add(b.liveness(peer)));
            return liveness;
          });
      metrics = HealthServer.start(metricsPort, registry, () -> "");
    }
    HealthServer started = metrics;
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sessions.forEach(BgpSession::close);
                  speaker.close();
                  if (started != null) {
                    started.close();
                  }
                  stop.countDown();
                }));
    stop.await();
  }

  static BgpSessionConfig parsePeer(String spec, long asn, IpAddress routerId) {
    String[] f = spec.split(",");
    // ASN "external": MetalLB dynamicASN external, any peer ASN but ours
    boolean external = f[1].equals("external");
    BgpSessionConfig c =
        BgpSessionConfig.of(
                asn, external ? asn : Long.parseLong(f[1]), IpAddress.parse(f[0]), routerId)
            .withConnectRetry(Duration.ofMillis(500), Duration.ofSeconds(4), Duration.ofSeconds(3));
    if (external) {
      c = c.withAnyExternalPeerAsn();
    }
    for (int i = 2; i < f.length; i++) {
      String[] kv = f[i].split("=", 2);
      c =
          switch (kv[0]) {
            case "password" -> c.withPassword(kv[1]);
            case "gr" -> c.withGracefulRestart(Duration.ofSeconds(Long.parseLong(kv[1])));
            case "hold" -> c.withHoldTime(Duration.ofSeconds(Long.parseLong(kv[1])));
            case "port" -> c.withPeerPort(Integer.parseInt(kv[1]));
            case "source" -> c.withSourceAddress(IpAddress.parse(kv[1]));
            case "multihop" -> c.withEbgpMultihop(Integer.parseInt(kv[1]));
            case "nh6" -> c.withIpv6NextHop(IpAddress.parse(kv[1]));
            case "bfd" -> {
              Duration iv = Duration.ofMillis(Long.parseLong(kv[1]));
              yield c.withBfd(new BfdSettings(iv, iv, 3, false));
            }
            case "bfdpassive" -> {
              Duration iv = Duration.ofMillis(Long.parseLong(kv[1]));
              yield c.withBfd(new BfdSettings(iv, iv, 3, false).withPassive(true));
            }
            case "bfdmh" -> {
              // MS or MS/MINIMUM_TTL
              String[] v = kv[1].split("/");
              Duration iv = Duration.ofMillis(Long.parseLong(v[0]));
              int minTtl = v.length > 1 ? Integer.parseInt(v[1]) : BfdSettings.DEFAULT_MINIMUM_TTL;
              yield c.withBfd(new BfdSettings(iv, iv, 3, true, minTtl));
            }
            default -> throw new IllegalArgumentException("unknown peer option " + kv[0]);
          };
    }
    return c;
  }

  static Advertisement parseAdv(String spec) {
    String[] f = spec.split(",");
    Advertisement a = Advertisement.of(Cidr.parse(f[0]));
    for (int i = 1; i < f.length; i++) {
      String[] kv = f[i].split("=", 2);
      switch (kv[0]) {
        case "c" -> {
          Set<Community> cs = new HashSet<>();
          for (String c : kv[1].split("\\+")) {
            cs.add(Community.parse(c));
          }
          a = a.withCommunities(cs);
        }
        case "l" -> {
          Set<LargeCommunity> ls = new HashSet<>();
          for (String c : kv[1].split("\\+")) {
            ls.add(LargeCommunity.parse(c));
          }
          a = a.withLargeCommunities(ls);
        }
        case "lp" -> a = a.withLocalPref(Long.parseLong(kv[1]));
        default -> throw new IllegalArgumentException("unknown advertisement option " + kv[0]);
      }
    }
    return a;
  }
}

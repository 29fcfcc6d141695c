package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.bfd.BfdSettings;
import io.ferrolb.domain.pool.IpAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One BGP session of this node's speaker. Build with {@link #of} and the {@code with...} methods.
 *
 * @param holdTime proposed hold time (0 or 3..65535 s; MetalLB default 90 s)
 * @param keepalive empty: a third of the negotiated hold time
 * @param password TCP-MD5 key (RFC 2385); never logged
 * @param ebgpMultihop TTL of outgoing packets; empty: 1 for eBGP, 64 for iBGP (see {@link #ttl})
 * @param gracefulRestartTime advertise RFC 4724 as restarting speaker with this restart time
 * @param ipv4NextHop next hop for IPv4 prefixes; empty: the session's local address if IPv4
 * @param ipv6NextHop global next hop for IPv6 prefixes; empty: the local address if global IPv6
 * @param ipv6LinkLocalNextHop second (link-local) IPv6 next hop, RFC 2545 §3
 * @param bfd BFD for this peer; a BFD Down takes the session down at once
 * @param anyExternalPeerAsn accept any peer ASN but ours (MetalLB {@code dynamicASN: external});
 *     {@code peerAsn} is then only a placeholder
 */
public record BgpSessionConfig(
    long myAsn,
    long peerAsn,
    IpAddress peerAddress,
    int peerPort,
    Optional<IpAddress> sourceAddress,
    IpAddress routerId,
    Duration holdTime,
    Optional<Duration> keepalive,
    Optional<String> password,
    Optional<Integer> ebgpMultihop,
    Optional<Duration> gracefulRestartTime,
    Optional<IpAddress> ipv4NextHop,
    Optional<IpAddress> ipv6NextHop,
    Optional<IpAddress> ipv6LinkLocalNextHop,
    Duration connectRetryMin,
    Duration connectRetryMax,
    Duration connectTimeout,
    Optional<BfdSettings> bfd,
    boolean anyExternalPeerAsn) {

  public static final int BGP_PORT = 179; // RFC 4271 §8.2.1

  public BgpSessionConfig {
    checkAsn("myAsn", myAsn);
    checkAsn("peerAsn", peerAsn);
    Objects.requireNonNull(peerAddress, "peerAddress");
    Objects.requireNonNull(sourceAddress, "sourceAddress");
    Objects.requireNonNull(routerId, "routerId");
    Objects.requireNonNull(holdTime, "holdTime");
    Objects.requireNonNull(keepalive, "keepalive");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(ebgpMultihop, "ebgpMultihop");
    Objects.requireNonNull(gracefulRestartTime, "gracefulRestartTime");
    Objects.requireNonNull(ipv4NextHop, "ipv4NextHop");
    Objects.requireNonNull(ipv6NextHop, "ipv6NextHop");
    Objects.requireNonNull(ipv6LinkLocalNextHop, "ipv6LinkLocalNextHop");
    Objects.requireNonNull(connectRetryMin, "connectRetryMin");
    Objects.requireNonNull(connectRetryMax, "connectRetryMax");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(bfd, "bfd");
    if (peerPort < 1 || peerPort > 65535) {
      throw new IllegalArgumentException("peerPort: " + peerPort + " (expected: 1..65535)");
    }
    long h = holdTime.toSeconds();
    if (h != 0 && (h < 3 || h > 65535)) {
      throw new IllegalArgumentException("holdTime: " + h + "s (expected: 0 or 3..65535)");
    }
    if (!routerId.isV4()) {
      throw new IllegalArgumentException("routerId: " + routerId + " (expected: IPv4)");
    }
    ebgpMultihop.ifPresent(
        t -> {
          if (t < 1 || t > 255) {
            throw new IllegalArgumentException("ebgpMultihop: " + t + " (expected: 1..255)");
          }
        });
    sourceAddress.ifPresent(
        s -> {
          if (s.family() != peerAddress.family()) {
            throw new IllegalArgumentException(
                "sourceAddress: " + s + " (expected: same family as peer " + peerAddress + ")");
          }
        });
    password.ifPresent(
        p -> {
          if (p.isEmpty() || p.length() > 80) { // TCP_MD5SIG_MAXKEYLEN (linux/tcp.h)
            throw new IllegalArgumentException(
                "password: " + p.length() + " characters (expected: 1..80)");
          }
        });
  }

  private static void checkAsn(String field, long asn) {
    if (asn < 1 || asn > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException(field + ": " + asn + " (expected: 1..4294967295)");
    }
  }

  /** Defaults: port 179, hold 90 s, back-off 1 s doubling to 2 min, 10 s dial timeout (MetalLB). */
  public static BgpSessionConfig of(
      long myAsn, long peerAsn, IpAddress peerAddress, IpAddress routerId) {
    return new BgpSessionConfig(
        myAsn,
        peerAsn,
        peerAddress,
        BGP_PORT,
        Optional.empty(),
        routerId,
        Duration.ofSeconds(90),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Duration.ofSeconds(1),
        Duration.ofMinutes(2),
        Duration.ofSeconds(10),
        Optional.empty(),
        false);
  }

  public boolean ibgp() {
    return !anyExternalPeerAsn && myAsn == peerAsn;
  }

  /** IP TTL / hop limit of the session's packets: multihop value, else 1 for eBGP, 64 iBGP. */
  public int ttl() {
    return ebgpMultihop.orElse(ibgp() ? 64 : 1);
  }

  public BgpSessionConfig withPeerPort(int port) {
    return with(d -> d.peerPort = port);
  }

  public BgpSessionConfig withSourceAddress(IpAddress a) {
    return with(d -> d.sourceAddress = Optional.of(a));
  }

  public BgpSessionConfig withHoldTime(Duration h) {
    return with(d -> d.holdTime = h);
  }

  public BgpSessionConfig withKeepalive(Duration k) {
    return with(d -> d.keepalive = Optional.of(k));
  }

  public BgpSessionConfig withPassword(String p) {
    return with(d -> d.password = Optional.of(p));
  }

  public BgpSessionConfig withEbgpMultihop(int ttl) {
    return with(d -> d.ebgpMultihop = Optional.of(ttl));
  }

  public BgpSessionConfig withGracefulRestart(Duration restartTime) {
    return with(d -> d.gracefulRestartTime = Optional.of(restartTime));
  }

  public BgpSessionConfig withIpv4NextHop(IpAddress a) {
    return with(d -> d.ipv4NextHop = Optional.of(a));
  }

  public BgpSessionConfig withIpv6NextHop(IpAddress a) {
    return with(d -> d.ipv6NextHop = Optional.of(a));
  }

  public BgpSessionConfig withIpv6LinkLocalNextHop(IpAddress a) {
    return with(d -> d.ipv6LinkLocalNextHop = Optional.of(a));
  }

  public BgpSessionConfig withConnectRetry(Duration min, Duration max, Duration timeout) {
    return with(
        d -> {
          d.connectRetryMin = min;
          d.connectRetryMax = max;
          d.connectTimeout = timeout;
        });
  }

  public BgpSessionConfig withBfd(BfdSettings b) {
    return with(d -> d.bfd = Optional.of(b));
  }

  /**
   * MetalLB {@code dynamicASN: external}: the session accepts whatever ASN but ours the peer sends
   * in its OPEN.
   */
  public BgpSessionConfig withAnyExternalPeerAsn() {
    return with(d -> d.anyExternalPeerAsn = true);
  }

  /** A copy with one change, checked again by the canonical constructor. */
  private BgpSessionConfig with(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /** The fields as mutable copies, so that each {@code with...} method states only its change. */
  private static final class Draft {
    long myAsn;
    long peerAsn;
    IpAddress peerAddress;
    int peerPort;
    Optional<IpAddress> sourceAddress;
    IpAddress routerId;
    Duration holdTime;
    Optional<Duration> keepalive;
    Optional<String> password;
    Optional<Integer> ebgpMultihop;
    Optional<Duration> gracefulRestartTime;
    Optional<IpAddress> ipv4NextHop;
    Optional<IpAddress> ipv6NextHop;
    Optional<IpAddress> ipv6LinkLocalNextHop;
    Duration connectRetryMin;
    Duration connectRetryMax;
    Duration connectTimeout;
    Optional<BfdSettings> bfd;
    boolean anyExternalPeerAsn;

    Draft(BgpSessionConfig c) {
      myAsn = c.myAsn;
      peerAsn = c.peerAsn;
      peerAddress = c.peerAddress;
      peerPort = c.peerPort;
      sourceAddress = c.sourceAddress;
      routerId = c.routerId;
      holdTime = c.holdTime;
      keepalive = c.keepalive;
      password = c.password;
      ebgpMultihop = c.ebgpMultihop;
      gracefulRestartTime = c.gracefulRestartTime;
      ipv4NextHop = c.ipv4NextHop;
      ipv6NextHop = c.ipv6NextHop;
      ipv6LinkLocalNextHop = c.ipv6LinkLocalNextHop;
      connectRetryMin = c.connectRetryMin;
      connectRetryMax = c.connectRetryMax;
      connectTimeout = c.connectTimeout;
      bfd = c.bfd;
      anyExternalPeerAsn = c.anyExternalPeerAsn;
    }

    BgpSessionConfig build() {
      return new BgpSessionConfig(
          myAsn,
          peerAsn,
          peerAddress,
          peerPort,
          sourceAddress,
          routerId,
          holdTime,
          keepalive,
          password,
          ebgpMultihop,
          gracefulRestartTime,
          ipv4NextHop,
          ipv6NextHop,
          ipv6LinkLocalNextHop,
          connectRetryMin,
          connectRetryMax,
          connectTimeout,
          bfd,
          anyExternalPeerAsn);
    }
  }

  /** Never print the password. */
  @Override
  public String toString() {
    return "BgpSessionConfig["
        + myAsn
        + "->"
        + (anyExternalPeerAsn ? "external" : String.valueOf(peerAsn))
        + "@"
        + peerAddress
        + ":"
        + peerPort
        + (password.isPresent() ? ", md5" : "")
        + "]";
  }
}

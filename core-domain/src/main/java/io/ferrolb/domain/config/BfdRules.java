package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.BgpAdDraft;
import io.ferrolb.domain.config.Drafts.PeerDraft;
import io.ferrolb.domain.config.Drafts.PoolDraft;
import io.ferrolb.domain.pool.IpFamily;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of one BFDProfile (CRD or legacy ConfigMap), and the checks of the peers that name one:
 * the profile must exist, and echo mode does not work over IPv6.
 */
final class BfdRules {

  private final ParseState state;
  private final Problems problems;
  private final List<PeerDraft> peers;
  private final List<BgpAdDraft> bgpAds;
  private final List<BfdProfile> bfdProfiles;

  BfdRules(ParseState state) {
    this.state = state;
    this.problems = state.problems;
    this.peers = state.peers;
    this.bgpAds = state.bgpAds;
    this.bfdProfiles = state.bfdProfiles;
  }

  void readBfdCrd(FieldReader r, RawObject o) {
    r.onlyKnown(
        o.spec(),
        "spec",
        "receiveInterval",
        "transmitInterval",
        "echoInterval",
        "detectMultiplier",
        "echoMode",
        "passiveMode",
        "minimumTtl");
    if (!state.define("BFDProfile", o.name(), r, "metadata.name")) {
      return;
    }
    readBfd(r, o.name(), o.spec(), "spec", PeerKeys.CRD);
  }

  void readBfd(FieldReader r, String name, Map<String, Object> m, String path, PeerKeys keys) {
    boolean legacy = keys == PeerKeys.LEGACY;
    ImmutableBfdProfile.Builder b = ImmutableBfdProfile.builder().name(name);
    // MetalLB api/v1beta1/bfdprofile_types.go: intervals 10..60000 ms, multiplier 2..255, TTL
    // 1..254
    r.lng(m, legacy ? "receive-interval" : "receiveInterval", path, 10, 60000)
        .ifPresent(v -> b.receiveInterval((int) (long) v));
    r.lng(m, legacy ? "transmit-interval" : "transmitInterval", path, 10, 60000)
        .ifPresent(v -> b.transmitInterval((int) (long) v));
    r.lng(m, legacy ? "echo-interval" : "echoInterval", path, 10, 60000)
        .ifPresent(v -> b.echoInterval((int) (long) v));
    r.lng(m, legacy ? "detect-multiplier" : "detectMultiplier", path, 2, 255)
        .ifPresent(v -> b.detectMultiplier((int) (long) v));
    r.lng(m, legacy ? "minimum-ttl" : "minimumTtl", path, 1, 254)
        .ifPresent(v -> b.minimumTtl((int) (long) v));
    r.bool(m, legacy ? "echo-mode" : "echoMode", path).ifPresent(b::echoMode);
    r.bool(m, legacy ? "passive-mode" : "passiveMode", path).ifPresent(b::passiveMode);
    bfdProfiles.add(b.build());
  }

  void checkBfdRef(PeerDraft p) {
    if (p.bfdProfile.isEmpty()) {
      return;
    }
    Optional<BfdProfile> profile =
        bfdProfiles.stream().filter(b -> b.name().equals(p.bfdProfile.get())).findFirst();
    if (profile.isEmpty()) {
      problems.error(
          p.src,
          p.bfdField,
          p.bfdProfile.get(),
          "no BFDProfile of that name (expected one of: "
              + (bfdProfiles.isEmpty()
                  ? "none defined"
                  : String.join(", ", bfdProfiles.stream().map(BfdProfile::name).toList()))
              + ")");
    } else if (profile.get().echoMode() && p.ipv6Peer) {
      // MetalLB judges echo mode by the pools announced (checkBfdEcho), not the peer's family
      problems.warn(
          p.src,
          p.bfdField,
          p.bfdProfile.get(),
          "BFD echo mode does not work on the IPv6 session to "
              + p.peerAddressText
              + ": echo is not used there (expected: a profile with echoMode false)");
    }
  }

  /**
   * MetalLB's {@code validateConfig}: a pool with IPv6 addresses must not be advertised over BGP to
   * a peer whose BFD profile has echo mode (an empty peer list is every peer).
   */
  void checkBfdEcho(Map<String, PoolDraft> poolsByName, Map<String, PeerDraft> peersByName) {
    Set<String> echo = new java.util.HashSet<>();
    for (BfdProfile b : bfdProfiles) {
      if (b.echoMode()) {
        echo.add(b.name());
      }
    }
    if (echo.isEmpty()) {
      return;
    }
    Set<String> reported = new java.util.HashSet<>();
    for (BgpAdDraft d : bgpAds) {
      Optional<String> v6Pool =
          d.refs.resolvedPools.stream()
              .filter(
                  name ->
                      poolsByName.containsKey(name)
                          && poolsByName.get(name).ranges().stream()
                              .anyMatch(x -> x.range().family() == IpFamily.IPV6))
              .findFirst();
      if (v6Pool.isEmpty()) {
        continue;
      }
      List<PeerDraft> targets =
          d.peers.isEmpty()
              ? peers
              : d.peers.values().stream().map(peersByName::get).filter(x -> x != null).toList();
      for (PeerDraft t : targets) {
        if (t.bfdProfile.isPresent() && echo.contains(t.bfdProfile.get()) && reported.add(t.name)) {
          problems.error(
              t.src,
              t.bfdField,
              t.bfdProfile.get(),
              "has echo mode, and "
                  + d.refs.src.object()
                  + " advertises pool \""
                  + v6Pool.get()
                  + "\", which has IPv6 addresses, to this peer: IPv6 cannot use BFD echo"
                  + " (expected: a profile with echoMode false, or no IPv6 pool advertised to"
                  + " this peer)");
        }
      }
    }
  }
}

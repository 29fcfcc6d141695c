package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.PeerDraft;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.LabelSelector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rules of one BGPPeer (v1beta1, v1beta2, or a legacy ConfigMap peer): AS numbers, address or
 * interface, port, router ID, password, BFD profile name and the fields ferrolb's native speaker
 * does not support. Timers and the password Secret have their own rules ({@link PeerTimers}, {@link
 * PeerPasswords}).
 */
final class PeerRules {

  private static final Set<String> PEER_V2_KEYS =
      FieldReader.setOf(
          "myASN",
          "peerASN",
          "dynamicASN",
          "localASN",
          "peerAddress",
          "interface",
          "sourceAddress",
          "peerPort",
          "holdTime",
          "keepaliveTime",
          "connectTime",
          "routerID",
          "nodeSelectors",
          "password",
          "passwordSecret",
          "bfdProfile",
          "enableGracefulRestart",
          "ebgpMultiHop",
          "vrf",
          "disableMP",
          "dualStackAddressFamily");

  private static final Set<String> PEER_V1_KEYS =
      FieldReader.setOf(
          "myASN",
          "peerASN",
          "peerAddress",
          "sourceAddress",
          "peerPort",
          "holdTime",
          "keepaliveTime",
          "routerID",
          "nodeSelectors",
          "password",
          "passwordSecret",
          "bfdProfile",
          "ebgpMultiHop",
          "vrf");

  private final ParseState state;
  private final List<PeerDraft> peers;
  private final PeerTimers timers;
  private final PeerPasswords passwords;

  PeerRules(ParseState state) {
    this.state = state;
    this.peers = state.peers;
    this.timers = new PeerTimers(state);
    this.passwords = new PeerPasswords(state);
  }

  void readPeerCrd(FieldReader r, RawObject o) {
    Map<String, Object> spec = o.spec();
    boolean v1 = o.apiVersion().equals(ConfigParser.GROUP_VERSION);
    if (v1) {
      r.warn(
          "apiVersion",
          o.apiVersion(),
          "BGPPeer v1beta1 is deprecated (expected: metallb.io/v1beta2; same fields, plus"
              + " dynamicASN, interface, connectTime, ...)");
      Map<String, Object> onlyV2 = new LinkedHashMap<>();
      Map<String, Object> rest = new LinkedHashMap<>();
      new TreeMap<>(spec).forEach((k, v) -> (PEER_V2_KEYS.contains(k) ? onlyV2 : rest).put(k, v));
      onlyV2.keySet().removeAll(PEER_V1_KEYS);
      onlyV2
          .keySet()
          .forEach(
              k ->
                  r.error(
                      FieldReader.at("spec", k),
                      null,
                      "not a BGPPeer v1beta1 field (expected: apiVersion metallb.io/v1beta2 to use"
                          + " it)"));
      r.onlyKnown(rest, "spec", PEER_V2_KEYS, "");
    } else {
      r.onlyKnown(spec, "spec", PEER_V2_KEYS, "");
    }
    if (!state.define("BGPPeer", o.name(), r, "metadata.name")) {
      return;
    }
    PeerDraft d = new PeerDraft(r.src, o.name(), "metadata.name", ImmutableBgpPeer.builder());
    d.builder.name(o.name()).sourceVersion(o.apiVersion());
    readPeer(r, d, spec, "spec", PeerKeys.CRD, false);
  }

  private static final long MAX_ASN = 0xFFFF_FFFFL; // RFC 6793: 4-octet AS numbers

  void readPeer(
      FieldReader r,
      PeerDraft d,
      Map<String, Object> m,
      String path,
      PeerKeys keys,
      boolean legacy) {
    String myKey = keys.k("myASN");
    String peerKey = keys.k("peerASN");
    // MetalLB: an AS number 0 is a missing one ("missing local ASN", "missing peer ASN")
    Optional<Long> myAsn = r.lng(m, myKey, path, 0, MAX_ASN);
    if (!m.containsKey(myKey)) {
      r.error(
          FieldReader.at(path, myKey),
          null,
          "missing (expected: the local AS number 1..4294967295)");
    } else if (myAsn.isPresent() && myAsn.get() == 0) {
      r.error(
          FieldReader.at(path, myKey),
          0L,
          "AS number 0 is a missing one (expected: 1..4294967295)");
    }
    myAsn.ifPresent(d.builder::myAsn);
    Optional<Long> peerAsn =
        r.lng(m, peerKey, path, 0, MAX_ASN).filter(asn -> asn != 0 || !m.containsKey("dynamicASN"));
    peerAsn.ifPresent(d.builder::peerAsn);
    Optional<DynamicAsn> dyn = Optional.empty();
    if (!legacy) {
      Optional<String> dynText = r.str(m, "dynamicASN", path);
      if (dynText.isPresent()) {
        dyn =
            switch (dynText.get()) {
              case "internal" -> Optional.of(DynamicAsn.INTERNAL);
              case "external" -> Optional.of(DynamicAsn.EXTERNAL);
              default -> {
                r.error(
                    FieldReader.at(path, "dynamicASN"),
                    dynText.get(),
                    "unknown value (expected: internal or external)");
                yield Optional.empty();
              }
            };
      }
      dyn.ifPresent(d.builder::dynamicAsn);
      r.lng(m, "localASN", path, 1, MAX_ASN)
          .ifPresent(
              asn -> {
                d.builder.localAsn(asn);
                r.warn(
                    FieldReader.at(path, "localASN"),
                    asn,
                    "not supported by ferrolb's native speaker (FRR local-as): ignored, the"
                        + " session speaks myASN (expected: remove localASN)");
              });
    }
    boolean peerAsnGiven = m.containsKey(peerKey) && !Long.valueOf(0).equals(m.get(peerKey));
    if (peerAsnGiven && m.containsKey("dynamicASN")) {
      r.error(
          FieldReader.at(path, "dynamicASN"),
          FieldReader.render(m.get("dynamicASN")),
          "set together with peerASN (expected: exactly one of peerASN, dynamicASN)");
    } else if (m.containsKey(peerKey) && !peerAsnGiven && !m.containsKey("dynamicASN")) {
      r.error(
          FieldReader.at(path, peerKey),
          0L,
          "AS number 0 is a missing one (expected: 1..4294967295"
              + (legacy ? ")" : ", or dynamicASN)"));
    } else if (!m.containsKey(peerKey) && !m.containsKey("dynamicASN")) {
      r.error(
          FieldReader.at(path, peerKey),
          null,
          legacy
              ? "missing (expected: the peer's AS number 0..4294967295)"
              : "missing (expected: exactly one of peerASN, dynamicASN)");
    }
    d.ibgp =
        (myAsn.isPresent() && peerAsn.isPresent() && myAsn.get().equals(peerAsn.get()))
            || dyn.orElse(DynamicAsn.EXTERNAL) == DynamicAsn.INTERNAL;

    // address or interface
    String addrKey = keys.k("peerAddress");
    Optional<String> addrText = r.str(m, addrKey, path);
    Optional<IpAddress> addr = addrText.flatMap(t -> ip(r, FieldReader.at(path, addrKey), t));
    addr.ifPresent(d.builder::peerAddress);
    addr.ifPresent(
        a -> {
          d.ipv6Peer = a.isV6();
          d.peerAddressText = a.toString();
        });
    Optional<String> nic = legacy ? Optional.empty() : r.nonEmptyStr(m, "interface", path);
    nic.ifPresent(
        n -> {
          d.builder.interfaceName(n);
          r.warn(
              FieldReader.at(path, "interface"),
              n,
              "unnumbered BGP is not supported by ferrolb's native speaker: this peer opens no"
                  + " session (expected: peerAddress)");
        });
    if (m.containsKey(addrKey) && m.containsKey("interface")) {
      r.error(
          FieldReader.at(path, "interface"),
          FieldReader.render(m.get("interface")),
          "set together with peerAddress (expected: exactly one of peerAddress, interface)");
    } else if (!m.containsKey(addrKey) && !m.containsKey("interface")) {
      r.error(
          FieldReader.at(path, addrKey),
          null,
          legacy
              ? "missing (expected: the peer's IP address)"
              : "missing (expected: exactly one of peerAddress, interface)");
    }
    String srcKey = keys.k("sourceAddress");
    Optional<IpAddress> srcAddr =
        r.str(m, srcKey, path).flatMap(t -> ip(r, FieldReader.at(path, srcKey), t));
    srcAddr.ifPresent(d.builder::sourceAddress);
    if (srcAddr.isPresent() && addr.isPresent() && srcAddr.get().family() != addr.get().family()) {
      r.error(
          FieldReader.at(path, srcKey),
          srcAddr.get(),
          "family "
              + srcAddr.get().family().k8sName()
              + " differs from peer address "
              + addr.get()
              + " (expected: an "
              + addr.get().family().k8sName()
              + " source address)");
    }
    // MetalLB CRD: peerPort maximum 16384 (api/v1beta2); port 0 cannot be dialled; the legacy
    // ConfigMap took any uint16
    long maxPort = legacy ? 65535 : 16384;
    r.lng(m, keys.k("peerPort"), path, 1, maxPort)
        .ifPresent(p -> d.builder.peerPort((int) (long) p));

    timers.read(r, d, m, path, keys, legacy);
    if (!legacy) {
      r.duration(m, "connectTime", path)
          .ifPresent(
              ct -> {
                // MetalLB: connectTime 1..65535 s, whole seconds (api/v1beta2, CEL rule)
                if (ct.getNano() != 0 || ct.getSeconds() < 1 || ct.getSeconds() > 65535) {
                  r.error(
                      FieldReader.at(path, "connectTime"),
                      FieldReader.render(m.get("connectTime")),
                      "out of range (expected: whole seconds 1s..65535s)");
                } else {
                  d.builder.connectTime(ct);
                }
              });
    }

    String ridKey = keys.k("routerID");
    r.str(m, ridKey, path)
        .flatMap(t -> ip(r, FieldReader.at(path, ridKey), t))
        .ifPresent(
            rid -> {
              if (rid.isV4()) {
                d.builder.routerId(rid);
              } else {
                r.error(
                    FieldReader.at(path, ridKey),
                    rid,
                    "router ID must be IPv4 (expected: a dotted quad, RFC 4271 §4.2 BGP"
                        + " Identifier)");
              }
            });
    List<LabelSelector> nodeSelectors = r.selectors(m, keys.k("nodeSelectors"), path);
    d.builder.nodeSelectors(nodeSelectors);

    // password XOR passwordSecret
    Optional<String> password = r.str(m, "password", path);
    boolean hasSecret = !legacy && m.containsKey("passwordSecret");
    if (password.isPresent() && hasSecret) {
      r.error(
          FieldReader.at(path, "passwordSecret"),
          null,
          "set together with password (expected: at most one of password, passwordSecret)");
    } else if (password.isPresent()) {
      d.builder.password(password.get());
    } else if (hasSecret) {
      r.map(m, "passwordSecret", path)
          .ifPresent(s -> passwords.read(r, d, s, FieldReader.at(path, "passwordSecret")));
    }

    String bfdKey = keys.k("bfdProfile");
    d.bfdField = FieldReader.at(path, bfdKey);
    d.bfdProfile = r.nonEmptyStr(m, bfdKey, path);
    d.bfdProfile.ifPresent(d.builder::bfdProfile);
    String ebgpKey = keys.k("ebgpMultiHop");
    boolean ebgp = r.bool(m, ebgpKey, path).orElse(false);
    d.builder.ebgpMultiHop(ebgp);
    boolean sameAsn = myAsn.isPresent() && peerAsn.isPresent() && myAsn.get().equals(peerAsn.get());
    if (ebgp && sameAsn) {
      r.error(
          FieldReader.at(path, ebgpKey),
          "true",
          "eBGP multi-hop on an iBGP session (peer ASN equals my ASN) (expected: false, or a"
              + " different peer ASN)");
    } else if (ebgp && d.ibgp) {
      // MetalLB only compares peerASN with myASN
      r.warn(
          FieldReader.at(path, ebgpKey),
          "true",
          "has no effect on an iBGP session (dynamicASN internal) (expected: false)");
    }
    if (!legacy) {
      r.bool(m, "enableGracefulRestart", path).ifPresent(d.builder::enableGracefulRestart);
      r.nonEmptyStr(m, "vrf", path)
          .ifPresent(
              v -> {
                d.builder.vrf(v);
                r.warn(
                    FieldReader.at(path, "vrf"),
                    v,
                    "host VRFs are not supported by ferrolb's native speaker: the session opens in"
                        + " the default VRF (expected: remove vrf, peer from the default VRF)");
              });
      r.bool(m, "dualStackAddressFamily", path).ifPresent(d.builder::dualStackAddressFamily);
      Optional<Boolean> disableMp = r.bool(m, "disableMP", path);
      disableMp.ifPresent(d.builder::disableMp);
      if (disableMp.orElse(false)) {
        r.warn(
            FieldReader.at(path, "disableMP"),
            "true",
            "deprecated and ignored since MetalLB v0.15.0 (expected: remove it; use"
                + " dualStackAddressFamily to control address families)");
      }
    }
    String vrf = legacy ? "" : r.str(m, "vrf", path).orElse("");
    d.sessionField =
        addr.isPresent() ? FieldReader.at(path, addrKey) : FieldReader.at(path, "interface");
    // MetalLB's PeerIdentifier: the address (or interface) and the VRF; not the port
    d.sessionKey =
        addr.map(IpAddress::toString).orElse("interface " + nic.orElse(""))
            + (vrf.isEmpty() ? "" : " in VRF " + vrf);
    d.vrf = vrf;
    d.nodeSelectors = nodeSelectors;
    d.myAsn = myAsn.orElse(-1L);
    d.routerId = r.str(m, ridKey, path).orElse("");
    d.routerIdField = FieldReader.at(path, ridKey);
    d.myAsnField = FieldReader.at(path, myKey);
    peers.add(d);
  }

  Optional<IpAddress> ip(FieldReader r, String field, String text) {
    // MetalLB: net.ParseIP, which does not trim
    Optional<IpAddress> a = IpAddress.tryParse(text);
    if (a.isEmpty()) {
      r.error(field, text, "not an IP address (expected: IPv4 a.b.c.d or IPv6 text)");
    }
    return a;
  }
}

package io.ferrolb.domain.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The parser never throws on hostile input: every leaf of valid objects is replaced by values of
 * every other type, and the parser must answer with a result (valid or a list of errors).
 */
class ConfigParserRobustnessTest {

  static final List<Object> ODD_VALUES =
      List.of(
          "",
          "x",
          "-1",
          "1:2",
          "large:1:2:3",
          "0.0.0.0/0",
          "::ffff:1.2.3.4",
          "2001:db8::/129",
          -1L,
          0L,
          4294967296L,
          Long.MAX_VALUE,
          1.5,
          Double.NaN,
          true,
          List.of(),
          List.of("a", 1L),
          List.of(Map.of()),
          Map.of(),
          Map.of("matchLabels", List.of()),
          Map.of("key", "a", "operator", "In"));

  static final List<RawObject> VALID =
      List.of(
          obj(
              "IPAddressPool",
              Map.of(
                  "addresses", List.of("198.51.100.0/24", "2001:db8::1-2001:db8::9"),
                  "avoidBuggyIPs", true,
                  "serviceAllocation",
                      Map.of(
                          "priority", 1L,
                          "namespaces", List.of("a"),
                          "serviceSelectors",
                              List.of(
                                  Map.of(
                                      "matchExpressions",
                                      List.of(
                                          Map.of(
                                              "key",
                                              "k",
                                              "operator",
                                              "In",
                                              "values",
                                              List.of("v")))))))),
          obj(
              "L2Advertisement",
              Map.of(
                  "ipAddressPools", List.of("x"),
                  "interfaces", List.of("eth0"),
                  "preferredNodeSelectors",
                      List.of(
                          Map.of("weight", 5L, "preference", Map.of("matchLabels", Map.of()))))),
          obj(
              "BGPAdvertisement",
              Map.of(
                  "aggregationLength",
                  24L,
                  "localPref",
                  5L,
                  "communities",
                  List.of("1:1", "c"),
                  "peers",
                  List.of("x"))),
          new RawObject(
              "metallb.io/v1beta2",
              "BGPPeer",
              "",
              "x",
              Map.of(),
              Map.of(
                  "myASN", 1L,
                  "peerASN", 2L,
                  "peerAddress", "198.51.100.1",
                  "holdTime", "9s",
                  "keepaliveTime", "3s",
                  "connectTime", "5s",
                  "passwordSecret", Map.of("name", "s"),
                  "bfdProfile", "b",
                  "nodeSelectors", List.of(Map.of("matchLabels", Map.of("a", "b")))),
              "t"),
          obj("BFDProfile", Map.of("receiveInterval", 10L, "echoMode", true)),
          obj("Community", Map.of("communities", List.of(Map.of("name", "c", "value", "1:2")))),
          new RawObject(
              "v1",
              RawObject.LEGACY_CONFIG_KIND,
              "",
              "config",
              Map.of(),
              Map.of(
                  "peers",
                  List.of(
                      Map.of(
                          "peer-address",
                          "198.51.100.2",
                          "peer-asn",
                          1L,
                          "my-asn",
                          1L,
                          "node-selectors",
                          List.of(Map.of("match-labels", Map.of("a", "b"))))),
                  "bgp-communities",
                  Map.of("c2", "1:3"),
                  "address-pools",
                  List.of(
                      Map.of(
                          "name",
                          "l",
                          "protocol",
                          "bgp",
                          "addresses",
                          List.of("203.0.113.0/24"),
                          "bgp-advertisements",
                          List.of(
                              Map.of("aggregation-length", 24L, "communities", List.of("c2"))))),
                  "bfd-profiles",
                  List.of(Map.of("name", "b2", "echo-interval", 20L))),
              "t"));

  static RawObject obj(String kind, Map<String, Object> spec) {
    return new RawObject("metallb.io/v1beta1", kind, "", "x", Map.of(), spec, "t");
  }

  @Test
  void parserNeverThrowsWhateverTheLeafTypes() {
    Random random = new Random(20261128);
    for (int i = 0; i < 500; i++) {
      List<RawObject> objects = new ArrayList<>();
      for (RawObject o : VALID) {
        Map<String, Object> spec = new LinkedHashMap<>();
        o.spec().forEach((k, x) -> spec.put(k, mutate(x, random)));
        objects.add(
            new RawObject(
                o.apiVersion(), o.kind(), o.namespace(), o.name(), o.labels(), spec, o.origin()));
      }
      try {
        ConfigParser.parse(objects, ParseContext.of("metallb-system"));
      } catch (RuntimeException e) {
        throw new AssertionError("iteration " + i + ": " + objects, e);
      }
    }
  }

  private static Object mutate(Object v, Random random) {
    if (random.nextInt(8) == 0) {
      return ODD_VALUES.get(random.nextInt(ODD_VALUES.size()));
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(String.valueOf(k), mutate(x, random)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(mutate(x, random)));
      return out;
    }
    return v;
  }
}

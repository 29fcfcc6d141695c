package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** BGPPeer fields the native speaker cannot honour are warned about, naming object and field. */
class UnsupportedPeerFieldsTest {

  private static ParseResult parse(String field, Object value) {
    Map<String, Object> spec = new HashMap<>();
    spec.put("myASN", 64500L);
    spec.put("peerASN", 64501L);
    if (!field.equals("interface")) {
      spec.put("peerAddress", "203.0.113.1");
    }
    spec.put(field, value);
    RawObject peer =
        new RawObject(
            "metallb.io/v1beta2", "BGPPeer", "metallb-system", "edge", Map.of(), spec, "t:edge");
    return ConfigParser.parse(List.of(peer), ConfigParserTest.CTX);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "interface, eth1, unnumbered BGP is not supported",
    "vrf, red, host VRFs are not supported",
    "localASN, 64999, not supported by ferrolb's native speaker (FRR local-as)",
  })
  void anUnsupportedFieldIsAWarningNamingObjectFieldAndValue(
      String field, String value, String message) {
    ParseResult r = parse(field, field.equals("localASN") ? Long.parseLong(value) : value);
    assertThat(r).isInstanceOf(ParseResult.Valid.class);
    assertThat(r.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.object()).contains("BGPPeer").contains("edge");
              assertThat(w.field()).isEqualTo("spec." + field);
              assertThat(w.value()).isEqualTo(value);
              assertThat(w.message()).contains(message);
            });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"connectTime, 5s", "dualStackAddressFamily, true", "dynamicASN, external"})
  void supportedFieldsAreNotWarnedAbout(String field, String value) {
    Object v = value.equals("true") ? (Object) Boolean.TRUE : value;
    ParseResult r;
    if (field.equals("dynamicASN")) {
      Map<String, Object> spec = new HashMap<>();
      spec.put("myASN", 64500L);
      spec.put("peerAddress", "203.0.113.1");
      spec.put("dynamicASN", value);
      r =
          ConfigParser.parse(
              List.of(
                  new RawObject(
                      "metallb.io/v1beta2",
                      "BGPPeer",
                      "metallb-system",
                      "edge",
                      Map.of(),
                      spec,
                      "t:edge")),
              ConfigParserTest.CTX);
    } else {
      r = parse(field, v);
    }
    assertThat(r).isInstanceOf(ParseResult.Valid.class);
    assertThat(r.warnings()).isEmpty();
  }
}

package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code ferrolb.io/announcer} label of an L2Advertisement: parsed, checked, carried. */
class L2AdvertisementAnnouncerTest {
  static final ParseContext CTX = ParseContext.of("metallb-system");
  static final String FIELD = "metadata.labels[\"ferrolb.io/announcer\"]";

  static RawObject pool() {
    return new RawObject(
        "metallb.io/v1beta1",
        "IPAddressPool",
        "",
        "lan",
        Map.of(),
        Map.of("addresses", List.of("203.0.113.0/24")),
        "t:pool");
  }

  static RawObject l2(String name, Map<String, String> labels) {
    return new RawObject(
        "metallb.io/v1beta1", "L2Advertisement", "", name, labels, Map.of(), "t:" + name);
  }

  static ParseResult parse(RawObject... objects) {
    return ConfigParser.parse(List.of(objects), CTX);
  }

  @ParameterizedTest(name = "label \"{0}\" selects announcer \"{1}\"")
  @CsvSource(
      delimiter = '|',
      value = {"layer2|layer2", "webhook|webhook", "my-plugin-2|my-plugin-2", "log|log", "x|x"})
  void aValidNameIsCarriedByTheAdvertisement(String label, String expected) {
    ParseResult r = parse(pool(), l2("edge", Map.of("ferrolb.io/announcer", label)));

    assertThat(r).isInstanceOf(ParseResult.Valid.class);
    assertThat(((ParseResult.Valid) r).config().l2Advertisements())
        .singleElement()
        .extracting(L2Advertisement::announcer)
        .isEqualTo(Optional.of(expected));
  }

  @Test
  void withoutTheLabelTheAdvertisementNamesNoAnnouncerAndOtherLabelsDoNotCount() {
    ParseResult r = parse(pool(), l2("plain", Map.of("team", "net", "announcer", "webhook")));

    assertThat(((ParseResult.Valid) r).config().l2Advertisements())
        .singleElement()
        .extracting(L2Advertisement::announcer)
        .isEqualTo(Optional.empty());
  }

  @ParameterizedTest(name = "label \"{0}\" is rejected")
  @CsvSource(
      delimiter = '|',
      value = {
        "Webhook|invalid announcer name",
        "web_hook|invalid announcer name",
        "-webhook|invalid announcer name",
        "webhook-|invalid announcer name",
        "web hook|invalid announcer name",
        "''|invalid announcer name",
        "bgp|bgp is chosen by BGPAdvertisements, not by an L2Advertisement",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|invalid announcer name"
      })
  void anInvalidNameIsAConfigErrorNamingObjectFieldAndValue(String label, String message) {
    ParseResult r = parse(pool(), l2("edge", Map.of("ferrolb.io/announcer", label)));

    assertThat(r).isInstanceOf(ParseResult.Invalid.class);
    assertThat(((ParseResult.Invalid) r).errors())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.object()).isEqualTo("L2Advertisement \"edge\"");
              assertThat(e.field()).isEqualTo(FIELD);
              assertThat(e.value()).isEqualTo(FieldReader.render(label));
              assertThat(e.message()).startsWith(message).contains("expected:");
            });
  }

  @Test
  void theLabelOnABgpAdvertisementIsAWarningNotAnError() {
    RawObject bgp =
        new RawObject(
            "metallb.io/v1beta1",
            "BGPAdvertisement",
            "",
            "routes",
            Map.of("ferrolb.io/announcer", "webhook"),
            Map.of(),
            "t:routes");

    ParseResult r = parse(pool(), bgp);

    assertThat(r).isInstanceOf(ParseResult.Valid.class);
    assertThat(r.warnings())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.object()).isEqualTo("BGPAdvertisement \"routes\"");
              assertThat(w.field()).isEqualTo(FIELD);
              assertThat(w.message()).startsWith("has no effect on a BGPAdvertisement");
            });
  }

  @Test
  void theLegacyConfigMapCannotNameAnAnnouncer() {
    RawObject legacy =
        new RawObject(
            "v1",
            RawObject.LEGACY_CONFIG_KIND,
            "",
            "config",
            Map.of("ferrolb.io/announcer", "webhook"),
            Map.of(
                "address-pools",
                List.of(
                    Map.of(
                        "name",
                        "lan",
                        "protocol",
                        "layer2",
                        "addresses",
                        List.of("203.0.113.0/24")))),
            "t:cm");

    ParseResult r = parse(legacy);

    assertThat(((ParseResult.Valid) r).config().l2Advertisements())
        .singleElement()
        .extracting(L2Advertisement::announcer)
        .isEqualTo(Optional.empty());
  }
}

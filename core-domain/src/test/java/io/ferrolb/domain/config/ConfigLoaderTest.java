package io.ferrolb.domain.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parse, keep the last good configuration, report once: a story of loads, step by step. */
class ConfigLoaderTest {

  static final ParseContext CTX = ParseContext.of("metallb-system");

  static DecodedObject pool(String name, String addresses) {
    return DecodedObject.of(
        new RawObject(
            "metallb.io/v1beta1",
            "IPAddressPool",
            "metallb-system",
            name,
            Map.of(),
            Map.of("addresses", List.of(addresses)),
            "IPAddressPool metallb-system/" + name));
  }

  static DecodedObject l2() {
    return DecodedObject.of(
        new RawObject(
            "metallb.io/v1beta1",
            "L2Advertisement",
            "metallb-system",
            "l2",
            Map.of(),
            Map.of(),
            "L2Advertisement metallb-system/l2"));
  }

  static final DecodedObject BROKEN_CONFIGMAP =
      new DecodedObject.Undecodable(
          "v1",
          RawObject.LEGACY_CONFIG_KIND,
          "metallb-system",
          "config",
          "ConfigMap metallb-system/config",
          "data.config",
          "mapping values are not allowed here");

  /** One step: the objects loaded, and what the outcome must say. */
  record Step(
      String story,
      List<DecodedObject> objects,
      Class<? extends ConfigLoader.Outcome> outcome,
      int poolsInForce,
      boolean reportDue) {}

  @Test
  void eachLoadSaysWhatIsInForceAndReportsOnlyWhatChanged() {
    var blue = pool("blue", "198.51.100.0/30");
    var green = pool("green", "203.0.113.0/30");
    var bad = pool("blue", "198.51.100.0/33");
    List<Step> steps =
        List.of(
            new Step(
                "no objects: nothing in force, said once",
                List.of(),
                ConfigLoader.Unchanged.class,
                -1,
                true),
            new Step(
                "still none: nothing new to say",
                List.of(),
                ConfigLoader.Unchanged.class,
                -1,
                false),
            new Step("a pool: loaded", List.of(blue, l2()), ConfigLoader.Loaded.class, 1, true),
            new Step(
                "the same pool: unchanged, silent",
                List.of(blue, l2()),
                ConfigLoader.Unchanged.class,
                1,
                false),
            new Step(
                "a second pool: loaded, valid as before, silent",
                List.of(blue, green, l2()),
                ConfigLoader.Loaded.class,
                2,
                false),
            new Step(
                "an invalid pool: the last good stays, said",
                List.of(bad, green, l2()),
                ConfigLoader.KeptLastGood.class,
                2,
                true),
            new Step(
                "the same mistake: kept, silent",
                List.of(bad, green, l2()),
                ConfigLoader.KeptLastGood.class,
                2,
                false),
            new Step(
                "an undecodable ConfigMap too: kept, the new error said",
                List.of(bad, green, l2(), BROKEN_CONFIGMAP),
                ConfigLoader.KeptLastGood.class,
                2,
                true),
            new Step(
                "fixed: in force again, said",
                List.of(blue, green, l2()),
                ConfigLoader.Unchanged.class,
                2,
                true),
            new Step(
                "all deleted: nothing in force, said",
                List.of(),
                ConfigLoader.Loaded.class,
                -1,
                true));
    ConfigLoader loader = new ConfigLoader();
    List<String> wrong = new ArrayList<>();
    for (Step s : steps) {
      ConfigLoader.Outcome o = loader.load(s.objects(), CTX);
      int pools = o.config().map(c -> c.pools().size()).orElse(-1);
      if (!s.outcome().isInstance(o)
          || pools != s.poolsInForce()
          || o.reportDue() != s.reportDue()) {
        wrong.add(s.story() + ": " + o);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void anUndecodableObjectIsAnErrorAgainstItInTheParsersForm() {
    ParseResult r = ConfigLoader.parse(List.of(BROKEN_CONFIGMAP), CTX);

    assertThat(r).isInstanceOf(ParseResult.Invalid.class);
    assertThat(((ParseResult.Invalid) r).errors())
        .extracting(ConfigError::withOrigin)
        .containsExactly(
            "ConfigMap metallb-system/config: ConfigMap \"config\": data.config:"
                + " mapping values are not allowed here");
  }

  @Test
  void forgettingReportsAgainAndKeepsNothing() {
    ConfigLoader loader = new ConfigLoader();
    loader.load(List.of(pool("blue", "198.51.100.0/30"), l2()), CTX);
    loader.forget();

    ConfigLoader.Outcome o = loader.load(List.of(pool("blue", "198.51.100.0/33")), CTX);

    assertThat(o).isInstanceOf(ConfigLoader.KeptLastGood.class);
    assertThat(o.config()).isEmpty();
    assertThat(o.reportDue()).isTrue();
  }
}

package io.ferrolb.adapters.k8s.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import io.ferrolb.domain.config.RawObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Jazzer fuzz test of the configuration entry points a user's file (or a ConfigMap's {@code
 * data.config}) goes through: {@link YamlConfigDecoder#decode(String, String)}, then {@link
 * ConfigLoader#parse}, which dispatches CRDs and the legacy ConfigMap to {@code ConfigParser}.
 *
 * <ul>
 *   <li>The decoder returns objects or throws {@link YamlDecodeException} whose message starts with
 *       the file name (and the document or line); never anything else.
 *   <li>The parser returns a {@link ParseResult}, never throws; every error and warning names its
 *       object and origin and says what is wrong.
 * </ul>
 *
 * Seeds: each case of {@code testdata/metallb-corpus/*.cases} (one file per case, named after it),
 * {@code examples/*.yaml} and this module's {@code src/test/resources/yaml/} files.
 */
class YamlConfigFuzzTest {
  private static final String FILE = "fuzz.yaml";
  private static final ParseContext CTX = ParseContext.offline("metallb-system", true);

  @FuzzTest(maxDuration = "90s")
  void configIsReadOrRejectedByName(FuzzedDataProvider data) {
    String yaml = data.consumeRemainingAsString();
    List<RawObject> objects;
    try {
      objects = YamlConfigDecoder.decode(FILE, yaml);
    } catch (YamlDecodeException rejected) {
      assertThat(rejected).hasMessageStartingWith(FILE);
      return;
    }
    List<DecodedObject> decoded = new ArrayList<>();
    for (RawObject o : objects) {
      decoded.add(new DecodedObject.Decoded(o));
    }
    ParseResult result = ConfigLoader.parse(decoded, CTX);
    List<ConfigError> problems = new ArrayList<>(result.warnings());
    if (result instanceof ParseResult.Invalid invalid) {
      problems.addAll(invalid.errors());
    }
    for (ConfigError e : problems) {
      assertThat(e.origin()).startsWith(FILE);
      assertThat(e.object()).isNotBlank();
      assertThat(e.message()).isNotBlank();
    }
  }
}

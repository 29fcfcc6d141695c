package io.ferrolb.adapters.k8s.yaml;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * The YAML 1.2 core schema plus the YAML 1.1 booleans that kubectl and MetalLB read: both decode
 * YAML with go-yaml v2 (through sigs.k8s.io/yaml), where plain {@code yes}, {@code no}, {@code on},
 * {@code off}, {@code y}, {@code n} are booleans. So {@code avoid-buggy-ips: yes} means true here
 * as it did in MetalLB, and {@code matchLabels: {bgp: yes}} is a boolean where a string is
 * expected, as the API server would say. Quoted scalars stay strings.
 */
final class KubectlYamlSchema implements Schema {

  private static final Tag YAML11_BOOL = new Tag("tag:ferrolb.io,2026:yaml11-bool");

  // go-yaml v2 resolve.go: the YAML 1.1 boolean words that YAML 1.2 core does not have
  private static final Pattern YAML11_WORDS =
      Pattern.compile("^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$");

  private final CoreSchema core = new CoreSchema();

  @Override
  public ScalarResolver getScalarResolver() {
    CoreScalarResolver resolver = new CoreScalarResolver(true);
    resolver.addImplicitResolver(YAML11_BOOL, YAML11_WORDS, "yYnNoO");
    return resolver;
  }

  @Override
  public Map<Tag, ConstructNode> getSchemaTagConstructors() {
    Map<Tag, ConstructNode> constructors = new HashMap<>(core.getSchemaTagConstructors());
    constructors.put(
        YAML11_BOOL,
        node -> {
          String v = ((ScalarNode) node).getValue();
          char c = v.charAt(0);
          return c == 'y' || c == 'Y' || v.equalsIgnoreCase("on");
        });
    return constructors;
  }
}

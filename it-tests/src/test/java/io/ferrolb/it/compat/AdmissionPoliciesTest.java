package io.ferrolb.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The ValidatingAdmissionPolicies of deploy/overlays/webhook, their exact expressions compiled and
 * run by a real CEL engine with the variables the API server binds ({@code object}, {@code
 * oldObject}, {@code params}, {@code request}; dynamic, as for CRDs and BGPPeer params).
 */
class AdmissionPoliciesTest {
  static final Path FILE =
      Path.of("..").resolve("deploy/overlays/webhook/admission-policies.yaml").normalize();

  static final Cel CEL =
      CelFactory.standardCelBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("object", SimpleType.DYN)
          .addVar("oldObject", SimpleType.DYN)
          .addVar("params", SimpleType.DYN)
          .addVar("request", SimpleType.DYN)
          .build();

  /** The policy {@code name}'s first validation: expression and message expression. */
  @SuppressWarnings("unchecked")
  static List<String> validation(String name) throws IOException {
    for (Object doc :
        new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(FILE))) {
      Map<String, Object> m = (Map<String, Object>) doc;
      if ("ValidatingAdmissionPolicy".equals(m.get("kind"))
          && name.equals(((Map<String, Object>) m.get("metadata")).get("name"))) {
        Map<String, Object> spec = (Map<String, Object>) m.get("spec");
        Map<String, Object> v = ((List<Map<String, Object>>) spec.get("validations")).get(0);
        return List.of(
            ((String) v.get("expression")).trim(), ((String) v.get("messageExpression")).trim());
      }
    }
    throw new AssertionError("no ValidatingAdmissionPolicy " + name + " in " + FILE);
  }

  static Object eval(String expression, Map<String, Object> vars) throws Exception {
    CelAbstractSyntaxTree ast = CEL.compile(expression).getAst();
    Map<String, Object> all = new HashMap<>();
    for (String k : List.of("object", "oldObject", "params", "request")) {
      all.put(k, vars.getOrDefault(k, Map.of()));
    }
    return CEL.createProgram(ast).eval(all);
  }

  static Map<String, Object> obj(String kind, String name, Map<String, Object> spec) {
    Map<String, Object> o = new HashMap<>();
    o.put("kind", kind);
    o.put("metadata", Map.of("name", name));
    if (spec != null) {
      o.put("spec", spec);
    }
    return o;
  }

  @Test
  void aBfdProfileNamedByABgpPeerCannotBeDeleted() throws Exception {
    List<String> v = validation("ferrolb-bfdprofile-in-use");
    Map<String, Object> fast = obj("BFDProfile", "fast", Map.of());

    Map<String, Object> user =
        Map.of("oldObject", fast, "params", obj("BGPPeer", "tor", Map.of("bfdProfile", "fast")));
    assertThat(eval(v.get(0), user)).isEqualTo(false);
    assertThat(eval(v.get(1), user))
        .isEqualTo(
            "BFDProfile fast is used by BGPPeer tor (spec.bfdProfile); remove it there first");

    List<Map<String, Object>> others = new ArrayList<>();
    others.add(obj("BGPPeer", "a", Map.of("bfdProfile", "slow")));
    others.add(obj("BGPPeer", "b", Map.of("myASN", 64500)));
    others.add(obj("BGPPeer", "c", null));
    for (Map<String, Object> p : others) {
      assertThat(eval(v.get(0), Map.of("oldObject", fast, "params", p)))
          .as("BGPPeer %s", p)
          .isEqualTo(true);
    }
  }

  @Test
  void configurationOutsideFerrolbsNamespaceIsRefusedNamingIt() throws Exception {
    List<String> v = validation("ferrolb-config-namespace");
    Map<String, Object> pool = obj("IPAddressPool", "lan", Map.of());

    assertThat(
            eval(
                v.get(0), Map.of("object", pool, "request", Map.of("namespace", "ferrolb-system"))))
        .isEqualTo(true);
    Map<String, Object> elsewhere =
        Map.of("object", pool, "request", Map.of("namespace", "metallb-system"));
    assertThat(eval(v.get(0), elsewhere)).isEqualTo(false);
    assertThat(eval(v.get(1), elsewhere))
        .isEqualTo(
            "IPAddressPool metallb-system/lan: ferrolb reads metallb.io objects only in namespace"
                + " ferrolb-system; here it would be ignored");
  }
}

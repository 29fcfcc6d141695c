package io.ferrolb.app.security;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The RBAC rules deploy/ binds to a ServiceAccount, and how the API server applies them. */
final class Rbac {
  private Rbac() {}

  /**
   * One rule of a Role or ClusterRole as granted to a subject.
   *
   * @param namespace where the rule applies: a Role's (or a RoleBinding's) namespace; "" for a
   *     ClusterRole bound by a ClusterRoleBinding (everywhere)
   * @param from e.g. "Role ferrolb-system/speaker"
   */
  record Rule(
      String from,
      String namespace,
      Set<String> apiGroups,
      Set<String> resources,
      Set<String> verbs,
      Set<String> resourceNames,
      Set<String> nonResourceUrls) {

    boolean allows(ApiRequest r) {
      return (namespace.isEmpty() || namespace.equals(r.namespace()))
          && apiGroups.contains(r.group())
          && resources.contains(r.qualifiedResource())
          && verbs.contains(r.verb())
          && (resourceNames.isEmpty() || resourceNames.contains(r.name()));
    }

    @Override
    public String toString() {
      return from
          + ": apiGroups "
          + apiGroups
          + " resources "
          + resources
          + (resourceNames.isEmpty() ? "" : " resourceNames " + resourceNames)
          + " verbs "
          + verbs;
    }
  }

  /** The rules of every Role and ClusterRole bound to ServiceAccount namespace/name. */
  static List<Rule> rulesOf(List<Map<String, Object>> objects, String namespace, String name) {
    List<Rule> out = new ArrayList<>();
    for (Map<String, Object> b : objects) {
      Object kind = b.get("kind");
      if (!"RoleBinding".equals(kind) && !"ClusterRoleBinding".equals(kind)) {
        continue;
      }
      boolean bound =
          list(b.get("subjects")).stream()
              .anyMatch(
                  s ->
                      "ServiceAccount".equals(s.get("kind"))
                          && name.equals(s.get("name"))
                          && namespace.equals(s.get("namespace")));
      if (!bound) {
        continue;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> ref = (Map<String, Object>) b.get("roleRef");
      String bindingNs = "RoleBinding".equals(kind) ? DeployManifests.namespace(b) : "";
      Map<String, Object> role =
          objects.stream()
              .filter(
                  o ->
                      ref.get("kind").equals(o.get("kind"))
                          && ref.get("name").equals(DeployManifests.name(o))
                          && ("ClusterRole".equals(o.get("kind"))
                              || Objects.equals(DeployManifests.namespace(o), bindingNs)))
              .findFirst()
              .orElseThrow(
                  () ->
                      new AssertionError(
                          kind
                              + " "
                              + DeployManifests.name(b)
                              + ": no "
                              + ref.get("kind")
                              + " "
                              + ref.get("name")));
      String from =
          role.get("kind")
              + " "
              + ("Role".equals(role.get("kind")) ? DeployManifests.namespace(role) + "/" : "")
              + DeployManifests.name(role);
      for (Map<String, Object> r : list(role.get("rules"))) {
        out.add(
            new Rule(
                from,
                bindingNs,
                strings(r.get("apiGroups")),
                strings(r.get("resources")),
                strings(r.get("verbs")),
                strings(r.get("resourceNames")),
                strings(r.get("nonResourceURLs"))));
      }
    }
    return out;
  }

  /** Every Role and ClusterRole rule of {@code objects}, bound or not. */
  static List<Rule> allRules(List<Map<String, Object>> objects) {
    List<Rule> out = new ArrayList<>();
    for (Map<String, Object> o : objects) {
      if ("Role".equals(o.get("kind")) || "ClusterRole".equals(o.get("kind"))) {
        for (Map<String, Object> r : list(o.get("rules"))) {
          out.add(
              new Rule(
                  o.get("kind") + " " + DeployManifests.name(o),
                  "",
                  strings(r.get("apiGroups")),
                  strings(r.get("resources")),
                  strings(r.get("verbs")),
                  strings(r.get("resourceNames")),
                  strings(r.get("nonResourceURLs"))));
        }
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object v) {
    return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  private static Set<String> strings(Object v) {
    Set<String> out = new LinkedHashSet<>();
    if (v instanceof List<?> l) {
      l.forEach(i -> out.add(String.valueOf(i)));
    }
    return out;
  }
}

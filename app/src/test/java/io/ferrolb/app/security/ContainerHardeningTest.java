package io.ferrolb.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Every container deploy/ runs (base and each overlay, patches applied) is locked down: read-only
 * root filesystem, no privilege escalation, not privileged, the runtime's default seccomp profile
 * (pod or container level), every capability dropped and only the needed ones added back, and the
 * controller not root. Each finding names the install, the workload, the container and the field.
 */
class ContainerHardeningTest {
  static final List<String> INSTALLS = DeployManifests.INSTALLS;

  /** Workload kinds that carry a pod template, and where it is. */
  private static final Set<String> WORKLOADS =
      Set.of("Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job");

  /**
   * The capabilities each container may add. The speaker: NET_RAW for the raw ARP/NDP sockets,
   * NET_ADMIN for interface state and TCP MD5 on BGP sockets. Any other container: none.
   */
  private static final Map<String, Set<String>> ADDED_CAPABILITIES =
      Map.of("speaker", Set.of("NET_ADMIN", "NET_RAW"));

  /** Containers that must run as a non-root user (the speaker needs root for its capabilities). */
  private static final Set<String> NON_ROOT = Set.of("controller");

  @ParameterizedTest
  @FieldSource("INSTALLS")
  void everyContainerIsLockedDown(String install) {
    List<String> findings = new ArrayList<>();
    int containers = 0;
    for (Map<String, Object> o : DeployManifests.render(install)) {
      if (!WORKLOADS.contains(o.get("kind"))) {
        continue;
      }
      Map<String, Object> pod = map(map(map(o, "spec"), "template"), "spec");
      Map<String, Object> podSc = map(pod, "securityContext");
      List<Map<String, Object>> all = new ArrayList<>(list(pod, "initContainers"));
      all.addAll(list(pod, "containers"));
      for (Map<String, Object> c : all) {
        containers++;
        String where =
            install
                + ": "
                + o.get("kind")
                + " "
                + DeployManifests.name(o)
                + " container "
                + c.get("name");
        Map<String, Object> sc = map(c, "securityContext");
        if (!Boolean.TRUE.equals(sc.get("readOnlyRootFilesystem"))) {
          findings.add(where + ": securityContext.readOnlyRootFilesystem is not true");
        }
        if (!Boolean.FALSE.equals(sc.get("allowPrivilegeEscalation"))) {
          findings.add(where + ": securityContext.allowPrivilegeEscalation is not false");
        }
        if (Boolean.TRUE.equals(sc.get("privileged"))) {
          findings.add(where + ": securityContext.privileged is true");
        }
        Object seccomp =
            map(sc, "seccompProfile").isEmpty()
                ? map(podSc, "seccompProfile").get("type")
                : map(sc, "seccompProfile").get("type");
        if (!"RuntimeDefault".equals(seccomp)) {
          findings.add(
              where
                  + ": seccompProfile.type is "
                  + seccomp
                  + " (expected: RuntimeDefault, pod or container level)");
        }
        Map<String, Object> caps = map(sc, "capabilities");
        if (!strings(caps.get("drop")).contains("ALL")) {
          findings.add(where + ": capabilities.drop " + caps.get("drop") + " (expected: [ALL])");
        }
        Set<String> added = new TreeSet<>(strings(caps.get("add")));
        Set<String> allowed = ADDED_CAPABILITIES.getOrDefault((String) c.get("name"), Set.of());
        if (!allowed.containsAll(added)) {
          findings.add(
              where
                  + ": capabilities.add "
                  + added
                  + " (expected: at most "
                  + new TreeSet<>(allowed)
                  + ")");
        }
        if (NON_ROOT.contains(c.get("name"))) {
          Object nonRoot =
              sc.containsKey("runAsNonRoot") ? sc.get("runAsNonRoot") : podSc.get("runAsNonRoot");
          Object user = sc.containsKey("runAsUser") ? sc.get("runAsUser") : podSc.get("runAsUser");
          if (!Boolean.TRUE.equals(nonRoot)) {
            findings.add(where + ": runAsNonRoot is not true (pod or container level)");
          }
          if (user instanceof Number n && n.longValue() == 0) {
            findings.add(where + ": runAsUser is 0");
          }
        }
      }
    }
    assertThat(containers).as("%s: containers found", install).isGreaterThanOrEqualTo(2);
    assertThat(findings).as("%s: container hardening", install).isEmpty();
  }

  /**
   * The speaker adds exactly what it needs: an unexplained extra fails above, a missing one here.
   */
  @ParameterizedTest
  @FieldSource("INSTALLS")
  void theSpeakerAddsNetAdminAndNetRawOnly(String install) {
    Map<String, Object> speaker =
        DeployManifests.render(install).stream()
            .filter(
                o -> "DaemonSet".equals(o.get("kind")) && "speaker".equals(DeployManifests.name(o)))
            .findFirst()
            .orElseThrow();
    Map<String, Object> c =
        list(map(map(map(speaker, "spec"), "template"), "spec"), "containers").get(0);
    assertThat(new TreeSet<>(strings(map(map(c, "securityContext"), "capabilities").get("add"))))
        .containsExactly("NET_ADMIN", "NET_RAW");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    Object v = parent.get(key);
    return v instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }

  private static List<String> strings(Object v) {
    return v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }
}

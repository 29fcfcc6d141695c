package io.ferrolb.it.ship;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.ferrolb.it.support.Sh;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * podman with a storage of its own under target/ (nothing of the machine's containers is touched),
 * and the translation of a pod template's container into {@code podman run} flags: user, dropped
 * and added capabilities, read-only root, no privilege escalation, memory limit, emptyDir volumes,
 * env from values and field references, args with {@code $(VAR)} expanded — so a container runs
 * with what deploy/ grants it, not with what a test finds convenient.
 */
final class Podman {
  private final Path root;
  private final Path runRoot;
  private String runtime;

  /**
   * Storage under {@code root}; the run root (sockets, locks) in /tmp, because podman refuses a run
   * root path longer than 50 characters ("the specified runroot is longer than 50 characters"),
   * which a checkout's target/ easily is.
   */
  Podman(Path root) {
    this.root = root;
    this.runRoot = Path.of("/tmp", "flbimg-run-" + ProcessHandle.current().pid());
  }

  /** The directories this podman writes: its storage and its run root. */
  List<Path> dirs() {
    return List.of(root, runRoot);
  }

  /** Whether podman is installed. */
  static boolean installed() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "podman"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Picks the first OCI runtime of {@code candidates} that starts {@code probe} in {@code image};
   * returns the errors of those that could not (empty when one could: then {@link #runtime()}).
   */
  List<String> pickRuntime(String image, List<String> candidates, String... probe) {
    List<String> errors = new ArrayList<>();
    for (String r : candidates) {
      runtime = r;
      List<String> cmd = new ArrayList<>(List.of("run", "--rm", "--network", "none"));
      cmd.addAll(limits());
      cmd.addAll(List.of("--entrypoint", probe[0], image));
      cmd.addAll(List.of(probe).subList(1, probe.length));
      try {
        Sh.Result res = run(60, cmd);
        if (res.ok()) {
          return errors;
        }
        errors.add(r + ": " + res.out().strip());
      } catch (IllegalStateException e) { // timed out
        errors.add(r + ": " + e.getMessage());
      }
    }
    runtime = null;
    return errors;
  }

  String runtime() {
    return runtime;
  }

  /**
   * The container's resource limits. podman asks for RLIMIT_NOFILE and RLIMIT_NPROC of 1,048,576 by
   * default; raising a hard limit needs CAP_SYS_RESOURCE, which some sandboxes (this CI's among
   * them) do not give even to root. The limits asked for here are this process's own hard limit for
   * files (what a kubelet's containerd passes on) and 4,096 processes.
   */
  static List<String> limits() {
    return LIMITS;
  }

  private static final List<String> LIMITS = limitFlags();

  private static List<String> limitFlags() {
    String hard = Sh.shQuiet("ulimit -Hn").strip();
    long nofile;
    try {
      nofile = hard.equals("unlimited") ? 1048576 : Math.min(1048576, Long.parseLong(hard));
    } catch (NumberFormatException e) {
      nofile = 1024;
    }
    return List.of("--ulimit", "nofile=" + nofile + ":" + nofile, "--ulimit", "nproc=4096:4096");
  }

  /** Runs {@code podman --root ... args}, waiting up to {@code seconds}. */
  Sh.Result run(int seconds, List<String> args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "podman",
                "--root",
                root.resolve("storage").toString(),
                "--runroot",
                runRoot.toString(),
                "--tmpdir",
                root.resolve("tmp").toString(),
                "--cgroup-manager",
                "cgroupfs",
                "--events-backend",
                "file"));
    if (runtime != null) {
      cmd.addAll(List.of("--runtime", runtime));
    }
    cmd.addAll(args);
    try {
      Files.createDirectories(root.resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Sh.run(cmd, Duration.ofSeconds(seconds));
  }

  Sh.Result run(int seconds, String... args) {
    return run(seconds, List.of(args));
  }

  /**
   * {@code podman run} flags for {@code container} of {@code pod}, as a kubelet would set it up.
   */
  static List<String> runFlags(
      PodSpec pod,
      Container container,
      Map<String, String> fieldRefs,
      Map<String, Path> emptyDirs) {
    List<String> flags = new ArrayList<>();
    SecurityContext sc =
        Optional.ofNullable(container.getSecurityContext()).orElse(new SecurityContext());
    PodSecurityContext psc =
        Optional.ofNullable(pod.getSecurityContext()).orElse(new PodSecurityContext());
    Long uid = sc.getRunAsUser() != null ? sc.getRunAsUser() : psc.getRunAsUser();
    Long gid = sc.getRunAsGroup() != null ? sc.getRunAsGroup() : psc.getRunAsGroup();
    if (uid != null) {
      flags.addAll(List.of("--user", uid + ":" + (gid != null ? gid : uid == 0 ? 0 : uid)));
    }
    if (sc.getCapabilities() != null) {
      for (String c : Optional.ofNullable(sc.getCapabilities().getDrop()).orElse(List.of())) {
        flags.add("--cap-drop=" + c.toLowerCase(java.util.Locale.ROOT));
      }
      for (String c : Optional.ofNullable(sc.getCapabilities().getAdd()).orElse(List.of())) {
        flags.add("--cap-add=" + c);
      }
    }
    if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
      // Kubernetes mounts nothing writable but the volumes; podman would add tmpfs on /tmp and /run
      flags.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
    }
    if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
      flags.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    if (Boolean.TRUE.equals(sc.getPrivileged())) {
      flags.add("--privileged");
    }
    // seccompProfile RuntimeDefault: podman's default profile, which is what it applies anyway
    if (container.getResources() != null && container.getResources().getLimits() != null) {
      Quantity memory = container.getResources().getLimits().get("memory");
      if (memory != null) {
        flags.addAll(
            List.of("--memory", Quantity.getAmountInBytes(memory).toBigInteger().toString()));
      }
    }
    for (VolumeMount m : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
      Path dir = emptyDirs.get(m.getName());
      if (dir == null) {
        throw new IllegalArgumentException("volume " + m.getName() + " is no emptyDir given here");
      }
      flags.addAll(List.of("-v", dir + ":" + m.getMountPath()));
    }
    env(container, fieldRefs).forEach((k, v) -> flags.addAll(List.of("-e", k + "=" + v)));
    return flags;
  }

  /** The container's args with {@code $(VAR)} replaced by its env, as the kubelet expands them. */
  static List<String> args(Container container, Map<String, String> fieldRefs) {
    Map<String, String> env = env(container, fieldRefs);
    Pattern ref = Pattern.compile("\\$\\(([A-Z_][A-Z0-9_]*)\\)");
    List<String> out = new ArrayList<>();
    for (String a : container.getArgs()) {
      Matcher m = ref.matcher(a);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        m.appendReplacement(sb, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
      }
      m.appendTail(sb);
      out.add(sb.toString());
    }
    return out;
  }

  /**
   * The container's env, in its order: values, and field references resolved from {@code
   * fieldRefs}.
   */
  private static Map<String, String> env(Container container, Map<String, String> fieldRefs) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (EnvVar e : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      String value =
          e.getValueFrom() != null
              ? fieldRefs.get(e.getValueFrom().getFieldRef().getFieldPath())
              : e.getValue();
      if (value == null) {
        throw new IllegalArgumentException("no value for env " + e.getName());
      }
      env.put(e.getName(), value);
    }
    return env;
  }
}

package io.ferrolb.it.ship;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
  /** One result of a podman command. */
  record Result(int code, String out) {
    boolean ok() {
      return code == 0;
    }
  }

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
      Result res = run(60, cmd);
      if (res.ok()) {
        return errors;
      }
      errors.add(r + ": " + res.out().strip());
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
    return List.of(
        "--ulimit", "nofile=" + hardNofile() + ":" + hardNofile(), "--ulimit", "nproc=4096:4096");
  }

  private static long hardNofile() {
    try {
      Process p = new ProcessBuilder("sh", "-c", "ulimit -Hn").start();
      String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(5, TimeUnit.SECONDS);
      return s.equals("unlimited") ? 1048576 : Math.min(1048576, Long.parseLong(s));
    } catch (IOException | InterruptedException | NumberFormatException e) {
      return 1024;
    }
  }

  /** Runs {@code podman --root ... args}, waiting up to {@code seconds}. */
  Result run(int seconds, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
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
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out after " + seconds + " s: " + cmd);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Result run(int seconds, String... args) {
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
    env.forEach((k, v) -> flags.addAll(List.of("-e", k + "=" + v)));
    return flags;
  }

  /** The container's args with {@code $(VAR)} replaced by its env, as the kubelet expands them. */
  static List<String> args(Container container, Map<String, String> fieldRefs) {
    Map<String, String> env = new java.util.HashMap<>();
    for (EnvVar e : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
      env.put(
          e.getName(),
          e.getValueFrom() != null
              ? fieldRefs.get(e.getValueFrom().getFieldRef().getFieldPath())
              : e.getValue());
    }
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
}

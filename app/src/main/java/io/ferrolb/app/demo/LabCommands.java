package io.ferrolb.app.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * How the lab runs programs: short commands through {@link ProcessBuilder} with argument lists and
 * timeouts, never through a shell; long-running daemons with their output in {@code <name>.log} in
 * the lab's directory; and polling the network until it shows what a step waits for.
 */
final class LabCommands {
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  static final Duration NETWORK_WAIT = Duration.ofSeconds(60);

  private final Path ip;
  private final Path dir;
  private final List<Process> spawned = new ArrayList<>();

  LabCommands(Path ip, Path dir) {
    this.ip = ip;
    this.dir = dir;
  }

  /** Runs {@code ip args...}; a non-zero exit is an error. */
  String ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ip.toString());
    cmd.addAll(List.of(args));
    return run(COMMAND_TIMEOUT, cmd, true);
  }

  /** Runs {@code args} in the namespace {@code ns}; a non-zero exit is an error. */
  void inNs(String ns, String... args) throws IOException, InterruptedException {
    run(COMMAND_TIMEOUT, netnsExec(ns, List.of(args)), true);
  }

  /** The command line that runs {@code cmd} in the namespace {@code ns}. */
  List<String> netnsExec(String ns, List<String> cmd) {
    List<String> all = new ArrayList<>(List.of(ip.toString(), "netns", "exec", ns));
    all.addAll(cmd);
    return all;
  }

  /**
   * Runs {@code cmd} and returns its output (stdout and stderr); with {@code check}, a non-zero
   * exit is an error.
   */
  static String run(Duration timeout, List<String> cmd, boolean check)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile(Lab.PREFIX + "-cmd", ".out"); // a file: no pipe to drain
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            String.join(" ", cmd) + ": no exit after " + timeout.toSeconds() + " s");
      }
      String text = Files.readString(output);
      if (check && p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + text.strip());
      }
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  /** Starts the daemon {@code name}; {@link #spawned()} lists it for the teardown. */
  Process spawn(String name, List<String> cmd) throws IOException {
    Process p = start(name, new ProcessBuilder(cmd));
    spawned.add(p);
    return p;
  }

  /** Starts {@code pb} with its output appended to {@link #log}. */
  Process start(String name, ProcessBuilder pb) throws IOException {
    return pb.redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()))
        .start();
  }

  /** The daemons {@link #spawn} started, in order. */
  List<Process> spawned() {
    return List.copyOf(spawned);
  }

  /** Where the output of the process {@code name} goes. */
  Path log(String name) {
    return dir.resolve(name + ".log");
  }

  /** Waits for the socket or file {@code f} that the daemon {@code name} creates when up. */
  void awaitFile(Path f, String name, Process p) throws InterruptedException {
    poll(
        name + " to create " + f,
        () -> {
          if (!p.isAlive()) {
            throw new IllegalStateException(
                name + " exited (" + p.exitValue() + "): " + tail(log(name), 5));
          }
          return Files.exists(f) ? "yes" : "";
        },
        "yes"::equals);
  }

  /** Stops {@code all}: SIGTERM to each, then up to 5 s each to exit before SIGKILL. */
  static void stop(List<Process> all) {
    for (Process p : all) {
      p.destroy(); // SIGTERM: the speaker closes its BGP sessions, the routers exit cleanly
    }
    for (Process p : all) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
  }

  interface Probe {
    String get() throws IOException, InterruptedException;
  }

  /** Asks {@code probe} every 250 ms until {@code done}; fails after {@link #NETWORK_WAIT}. */
  static String poll(String what, Probe probe, Predicate<String> done) throws InterruptedException {
    Instant end = Instant.now().plus(NETWORK_WAIT);
    String last = "";
    while (Instant.now().isBefore(end)) {
      try {
        last = probe.get();
        if (done.test(last)) {
          return last;
        }
      } catch (IOException e) {
        last = e.getMessage();
      }
      Thread.sleep(250); // a console demo polling a network, not a test
    }
    throw new IllegalStateException(
        "demo --lab: waited "
            + NETWORK_WAIT.toSeconds()
            + " s for "
            + what
            + "; last seen: "
            + last.strip());
  }

  /** The last {@code lines} lines of {@code file}, or why there are none. */
  static String tail(Path file, int lines) {
    try (Stream<String> all = Files.lines(file)) {
      List<String> l = all.toList();
      return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a temp directory left behind is harmless
    }
  }
}

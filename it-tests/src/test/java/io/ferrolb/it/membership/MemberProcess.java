package io.ferrolb.it.membership;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** A {@link MembershipNodeMain} running in its own JVM; collects the views it prints. */
final class MemberProcess implements AutoCloseable {
  /** One {@code VIEW} line: when the child saw it (its wall clock) and the names. */
  record ViewLine(long atMillis, Set<String> alive) {}

  final String name;
  final int port;
  private final Process process;
  private final List<ViewLine> views = new CopyOnWriteArrayList<>();
  private volatile long readyAt;

  private MemberProcess(String name, int port, Process process) {
    this.name = name;
    this.port = port;
    this.process = process;
    Thread reader = new Thread(this::readStdout, "stdout-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  static MemberProcess launch(
      String name, int port, String secret, List<Integer> seedPorts, Path logDir) {
    return launch(
        name,
        "127.0.0.1",
        port,
        secret,
        seedPorts.stream().map(String::valueOf).collect(Collectors.toList()),
        logDir);
  }

  /** A member bound to {@code host}; seeds are {@code port} (127.0.0.1) or {@code host:port}. */
  static MemberProcess launch(
      String name, String host, int port, String secret, List<String> seedList, Path logDir) {
    String classpath =
        Optional.ofNullable(System.getProperty("surefire.test.class.path"))
            .orElse(System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String seeds = seedList.isEmpty() ? "-" : String.join(",", seedList);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                // the speaker's JVM flags (the Dockerfile's JAVA_TOOL_OPTIONS): small heap,
                // SerialGC, C1 only
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xss256k",
                "-Djava.net.preferIPv4Stack=true",
                "-Dlogback.configurationFile="
                    + Path.of("src/test/resources/membership-node-logback.xml").toAbsolutePath(),
                "-cp",
                classpath,
                MembershipNodeMain.class.getName(),
                name,
                String.valueOf(port),
                secret,
                seeds,
                host));
    try {
      logDir.toFile().mkdirs();
      Process p =
          new ProcessBuilder(cmd)
              .redirectError(new File(logDir.toFile(), name + ".stderr.log"))
              .start();
      return new MemberProcess(name, port, p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void readStdout() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] parts = line.split(" ");
        if (parts[0].equals("VIEW") && parts.length == 3) {
          views.add(
              new ViewLine(
                  Long.parseLong(parts[1]), Set.copyOf(Arrays.asList(parts[2].split(",")))));
        } else if (parts[0].equals("READY")) {
          readyAt = Long.parseLong(parts[1]);
        }
      }
    } catch (IOException e) {
      // process gone
    }
  }

  boolean ready() {
    return readyAt > 0;
  }

  Set<String> currentView() {
    return views.isEmpty() ? Set.of() : views.get(views.size() - 1).alive();
  }

  List<ViewLine> views() {
    return List.copyOf(views);
  }

  /**
   * The first view printed at or after {@code sinceMillis} that does not contain {@code member}.
   */
  Optional<ViewLine> firstViewWithout(String member, long sinceMillis) {
    return views.stream()
        .filter(v -> v.atMillis() >= sinceMillis && !v.alive().contains(member))
        .findFirst();
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  void kill9() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL on Linux
    process.waitFor(5, TimeUnit.SECONDS);
  }

  void signal(String sig) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + sig, String.valueOf(pid())).inheritIO().start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + sig + " " + pid() + " failed");
    }
  }

  /** SIGSTOP, then SIGCONT after {@code pause}, timed by one shell so the pause is precise. */
  void pauseFor(java.time.Duration pause) throws IOException, InterruptedException {
    String seconds = String.format(java.util.Locale.ROOT, "%.3f", pause.toMillis() / 1000.0);
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "kill -STOP " + pid() + " && sleep " + seconds + " && kill -CONT " + pid())
            .inheritIO()
            .start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("pausing " + pid() + " failed");
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      signal("CONT"); // a stopped JVM cannot even die gracefully
    } catch (IOException | InterruptedException | IllegalStateException ignored) {
      // best effort
    }
    process.destroyForcibly();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.ferrolb.it.controller;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A process bench/controller started: the API server or one controller. Its CPU time is read from
 * {@code /proc/<pid>/stat} (utime + stime, in clock ticks); the last reading is kept, so a process
 * that has exited still reports what it used up to its last sample (the harness samples every 100
 * ms, and once more right before it stops or kills one).
 */
final class BenchProcess {
  /** Clock ticks per second of {@code /proc/<pid>/stat} ({@code getconf CLK_TCK}). */
  static final long CLK_TCK = clockTicks();

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  final String name;
  private final Process process;
  private final int httpPort;
  private volatile long lastTicks;

  private BenchProcess(String name, Process process, int httpPort) {
    this.name = name;
    this.process = process;
    this.httpPort = httpPort;
  }

  /**
   * Starts {@code command} in {@code dir}, with {@code env} added to (or, for a null value, removed
   * from) this process's environment, output to {@code log}; appends its pid to {@code pids} (the
   * bench script's safety net kills those on exit).
   *
   * @param httpPort the port of its /metrics and /readyz, or -1
   */
  static BenchProcess start(
      String name,
      List<String> command,
      Map<String, String> env,
      Path dir,
      Path log,
      Path pids,
      int httpPort)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    env.forEach(
        (k, v) -> {
          if (v == null) {
            pb.environment().remove(k);
          } else {
            pb.environment().put(k, v);
          }
        });
    Process p = pb.start();
    Files.writeString(pids, p.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return new BenchProcess(name, p, httpPort);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Samples and returns the CPU seconds used so far (user + system). */
  double cpuSeconds() {
    sample();
    return (double) lastTicks / CLK_TCK;
  }

  /** Reads utime + stime now, if the process is still there; keeps the last value otherwise. */
  void sample() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // fields after the command name, which is in parentheses and may hold spaces: proc(5)
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15: utime, stime
      if (ticks >= lastTicks) {
        lastTicks = ticks;
      }
    } catch (IOException | RuntimeException e) {
      // gone: keep the last sample
    }
  }

  /** SIGKILL (Process.destroyForcibly on Linux), after a last CPU sample; waits for the exit. */
  void kill9() throws InterruptedException {
    sample();
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + ": still running 10 s after SIGKILL");
    }
  }

  /** SIGTERM, a clean stop; fails if the process does not exit within {@code timeout}. */
  void stop(Duration timeout) throws InterruptedException {
    sample();
    process.destroy();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (process.isAlive() && System.nanoTime() < deadline) {
      sample(); // the shutdown's CPU counts too
      process.waitFor(50, TimeUnit.MILLISECONDS);
    }
    if (process.isAlive()) {
      throw new IllegalStateException(name + ": still running " + timeout + " after SIGTERM");
    }
  }

  /** Kills it, if still running, without a word (clean-up after a failure). */
  void destroyQuietly() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * HTTP GET of {@code path} on the process's port: status and body, empty if it does not answer.
   */
  Optional<HttpResponse<String>> get(String path) {
    return get(httpPort, path);
  }

  static Optional<HttpResponse<String>> get(int port, String path) {
    try {
      return Optional.of(
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  boolean ready() {
    return get("/readyz").map(r -> r.statusCode() == 200).orElse(false);
  }

  /** The value of an unlabelled metric in /metrics, if the process answers and exposes it. */
  OptionalDouble metric(String metric) {
    Optional<HttpResponse<String>> r = get("/metrics");
    if (r.isEmpty() || r.get().statusCode() != 200) {
      return OptionalDouble.empty();
    }
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(metric) + "(?:\\{\\})? (\\S+)$")
            .matcher(r.get().body());
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | RuntimeException e) {
      return 100; // USER_HZ on every Linux architecture we run on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 100;
    }
  }
}

package io.ferrolb.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs host commands for the network tests (every network command goes through a namespace) and the
 * tools they drive (podman, tar, jlink).
 */
public final class Sh {
  private Sh() {}

  public record Result(int exit, String out) {
    public boolean ok() {
      return exit == 0;
    }
  }

  /** Runs {@code cmd}, output and errors together, for at most 60 s. */
  public static Result run(List<String> cmd) {
    return run(cmd, Duration.ofSeconds(60));
  }

  /**
   * Runs {@code cmd}, output and errors together; throws when it takes longer than {@code limit}.
   */
  public static Result run(List<String> cmd, Duration limit) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + cmd);
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + cmd, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + cmd, e);
    }
  }

  /** bash -c; fails on a non-zero exit. */
  public static String sh(String script) {
    Result r = run(List.of("bash", "-c", script));
    if (r.exit() != 0) {
      throw new IllegalStateException("exit " + r.exit() + ": " + script + "\n" + r.out());
    }
    return r.out();
  }

  /** bash -c; returns the output whatever the exit. */
  public static String shQuiet(String script) {
    return run(List.of("bash", "-c", script)).out();
  }

  public static boolean isRoot() {
    return shQuiet("id -u").trim().equals("0");
  }

  public static boolean hasBinary(String path) {
    return new java.io.File(path).canExecute();
  }
}

package io.ferrolb.it.bgp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands for the lab; every network command goes through a namespace. */
final class Sh {
  private Sh() {}

  record Result(int exit, String out) {}

  static Result run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
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
  static String sh(String script) {
    Result r = run(List.of("bash", "-c", script));
    if (r.exit() != 0) {
      throw new IllegalStateException("exit " + r.exit() + ": " + script + "\n" + r.out());
    }
    return r.out();
  }

  /** bash -c; returns the output whatever the exit. */
  static String shQuiet(String script) {
    return run(List.of("bash", "-c", script)).out();
  }

  static boolean isRoot() {
    return shQuiet("id -u").trim().equals("0");
  }

  static boolean hasBinary(String path) {
    return new java.io.File(path).canExecute();
  }
}

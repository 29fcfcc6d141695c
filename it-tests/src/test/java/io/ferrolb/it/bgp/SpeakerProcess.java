package io.ferrolb.it.bgp;

import io.ferrolb.it.support.Sh;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A ferrolb speaker ({@link SpeakerMain}) in its own JVM inside a namespace: a JVM cannot enter a
 * network namespace per thread, so each node is a process started with {@code ip netns exec}.
 */
final class SpeakerProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private SpeakerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static SpeakerProcess start(String ns, List<String> args) throws IOException {
    Path log = Files.createTempFile("flbb-speaker-" + ns, ".log");
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "ip",
            "netns",
            "exec",
            ns,
            System.getProperty("java.home") + "/bin/java",
            "-Xmx192m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-cp",
            System.getProperty("java.class.path"),
            SpeakerMain.class.getName()));
    cmd.addAll(args);
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new SpeakerProcess(p, log);
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  long pid() {
    return process.pid();
  }

  /** SIGSTOP: the process goes silent without closing anything (a hung node). */
  void freeze() {
    Sh.sh("kill -STOP " + process.pid());
  }

  /** SIGKILL: no NOTIFICATION; the kernel still closes the TCP connection. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(5, TimeUnit.SECONDS);
    new File(log.toString()).delete();
  }

  @Override
  public void close() throws InterruptedException {
    Sh.shQuiet("kill -CONT " + process.pid());
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    new File(log.toString()).delete();
  }
}

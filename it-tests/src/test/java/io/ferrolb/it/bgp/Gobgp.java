package io.ferrolb.it.bgp;

import io.ferrolb.it.support.Sh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** gobgpd 3.10 as the router (foreground process; gRPC API on the namespace's loopback). */
final class Gobgp implements AutoCloseable {
  static final String BIN = "/usr/bin/gobgpd";
  private final String ns;
  private final Process process;
  private final Path dir;

  private Gobgp(String ns, Process process, Path dir) {
    this.ns = ns;
    this.process = process;
    this.dir = dir;
  }

  static Gobgp start(String ns, String toml) throws Exception {
    Path dir = Files.createTempDirectory("flbb-gobgp");
    Files.writeString(dir.resolve("gobgpd.toml"), toml);
    Process p =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                ns,
                "gobgpd",
                "-f",
                dir + "/gobgpd.toml",
                "--api-hosts",
                "127.0.0.1:50051",
                "--pprof-disable",
                "-p",
                "-l",
                "info")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("gobgpd.log").toFile())
            .start();
    Gobgp g = new Gobgp(ns, p, dir);
    Sh.sh(
        "for i in $(seq 100); do ip netns exec "
            + ns
            + " gobgp global >/dev/null 2>&1 && break; sleep 0.1; done");
    return g;
  }

  String gobgp(String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "gobgp"));
    cmd.addAll(List.of(args));
    return Sh.run(cmd).out();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    Sh.shQuiet("rm -rf " + dir);
  }
}

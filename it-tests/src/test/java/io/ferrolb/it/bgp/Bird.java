package io.ferrolb.it.bgp;

import io.ferrolb.it.support.Sh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** BIRD 2 in a namespace (forks itself; stopped through its PID file). */
final class Bird implements AutoCloseable {
  static final String BIN = "/usr/sbin/bird";
  private final String ns;
  private final Path dir;

  private Bird(String ns, Path dir) {
    this.ns = ns;
    this.dir = dir;
  }

  static Bird start(String ns, String conf) throws Exception {
    Path dir = Files.createTempDirectory("flbb-bird");
    Files.writeString(dir.resolve("bird.conf"), conf);
    String d = dir.toString();
    Sh.sh(
        "ip netns exec "
            + ns
            + " bird -c "
            + d
            + "/bird.conf -s "
            + d
            + "/bird.ctl -P "
            + d
            + "/bird.pid && for i in $(seq 100); do [ -S "
            + d
            + "/bird.ctl ] && break; sleep 0.1; done");
    return new Bird(ns, dir);
  }

  String birdc(String command) {
    return Sh.run(List.of("birdc", "-s", dir + "/bird.ctl", command)).out();
  }

  String kernelRoute(String prefix) {
    return Sh.shQuiet(
        "ip -n " + ns + (prefix.contains(":") ? " -6" : "") + " route show " + prefix);
  }

  @Override
  public void close() {
    Sh.shQuiet(
        "f="
            + dir
            + "/bird.pid; [ -s $f ] && p=$(cat $f) && grep -q '^bird' /proc/$p/comm && kill $p;"
            + " sleep 0.3; rm -rf "
            + dir);
  }
}

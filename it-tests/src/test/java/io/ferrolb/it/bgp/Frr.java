package io.ferrolb.it.bgp;

import io.ferrolb.it.support.Sh;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** FRR 8.4 zebra + bgpd (+ bfdd) in a namespace, run as user frr. */
final class Frr implements AutoCloseable {
  static final String ZEBRA = "/usr/lib/frr/zebra";
  private final String ns;
  private final Path dir;

  private Frr(String ns, Path dir) {
    this.ns = ns;
    this.dir = dir;
  }

  static Frr start(String ns, String bgpdConf, String bfddConf) throws Exception {
    Path dir = Files.createTempDirectory("flbb-frr");
    Files.writeString(dir.resolve("zebra.conf"), "hostname " + ns + "\n");
    Files.writeString(dir.resolve("bgpd.conf"), bgpdConf);
    if (bfddConf != null) {
      Files.writeString(dir.resolve("bfdd.conf"), bfddConf);
    }
    String d = dir.toString();
    Sh.sh("chmod 755 " + d + " && chown -R frr:frr " + d);
    String common = " -d -u frr -g frr -P 0 -z " + d + "/zserv.api --vty_socket " + d;
    Sh.sh(
        "ip netns exec "
            + ns
            + " /usr/lib/frr/zebra"
            + common
            + " -f "
            + d
            + "/zebra.conf -i "
            + d
            + "/zebra.pid --log file:"
            + d
            + "/zebra.log");
    Sh.sh("for i in $(seq 100); do [ -S " + d + "/zserv.api ] && break; sleep 0.1; done");
    if (bfddConf != null) {
      Sh.sh(
          "ip netns exec "
              + ns
              + " /usr/lib/frr/bfdd"
              + common
              + " -f "
              + d
              + "/bfdd.conf -i "
              + d
              + "/bfdd.pid --bfdctl "
              + d
              + "/bfdd.sock --log file:"
              + d
              + "/bfdd.log");
    }
    Sh.sh(
        "ip netns exec "
            + ns
            + " /usr/lib/frr/bgpd"
            + common
            + " -f "
            + d
            + "/bgpd.conf -i "
            + d
            + "/bgpd.pid --log file:"
            + d
            + "/bgpd.log");
    Sh.sh("for i in $(seq 100); do [ -S " + d + "/bgpd.vty ] && break; sleep 0.1; done");
    return new Frr(ns, dir);
  }

  String vtysh(String... commands) {
    List<String> cmd = new ArrayList<>(List.of("vtysh", "--vty_socket", dir.toString()));
    for (String c : commands) {
      cmd.add("-c");
      cmd.add(c);
    }
    return Sh.run(cmd).out();
  }

  java.nio.file.Path dir() {
    return dir;
  }

  String kernelRoute(String prefix) {
    return Sh.shQuiet(
        "ip -n " + ns + (prefix.contains(":") ? " -6" : "") + " route show " + prefix);
  }

  @Override
  public void close() {
    for (String d : List.of("bgpd", "bfdd", "zebra")) {
      Sh.shQuiet(
          "f="
              + dir
              + "/"
              + d
              + ".pid; [ -s $f ] && p=$(cat $f) && grep -q '^"
              + d
              + "' /proc/$p/comm && kill $p");
    }
    Sh.shQuiet("sleep 0.3; rm -rf " + dir);
  }
}

package io.ferrolb.it.l2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The L2 test topology: namespace {@code flbl2-sw} with bridge {@code flbl2br0}; hosts {@code
 * flbl2-n1..n3} and {@code flbl2-cli}, each with {@code flbl2e0} on 203.0.113.0/24 and
 * 2001:db8:77::/64 (RFC 5737, RFC 3849). Nothing is created in the root namespace: veths are made
 * inside the bridge namespace with their peer moved straight into the host namespace.
 */
final class Netns {
  static final String PREFIX = "flbl2-";
  static final String SW = "flbl2-sw";
  static final String BRIDGE = "flbl2br0";
  static final String IF = "flbl2e0";
  static final String[] HOSTS = {"n1", "n2", "n3", "cli"};

  private Netns() {}

  static String ns(String host) {
    return PREFIX + host;
  }

  static int hostNumber(String host) {
    return host.equals("cli") ? 100 : 10 + Integer.parseInt(host.substring(1));
  }

  static String v4(String host) {
    return "203.0.113." + hostNumber(host);
  }

  static String v6(String host) {
    return "2001:db8:77::" + hostNumber(host);
  }

  static String mac(String host) {
    return String.format("02:77:02:00:00:%02x", hostNumber(host));
  }

  /** True when this process may build namespaces and the given binaries exist. */
  static String missingPrerequisite(String... binaries) {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "not root (user " + System.getProperty("user.name") + ")";
    }
    for (String b : binaries) {
      boolean found = false;
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        if (Files.isExecutable(Path.of(dir, b))) {
          found = true;
        }
      }
      if (!found && !Files.isExecutable(Path.of("/usr/sbin", b))) {
        return "binary " + b + " not found";
      }
    }
    return null;
  }

  static void up() throws IOException {
    down();
    sh("ip", "netns", "add", SW);
    sh(
        "ip",
        "-n",
        SW,
        "link",
        "add",
        BRIDGE,
        "type",
        "bridge",
        "stp_state",
        "0",
        "mcast_snooping",
        "0");
    sh("ip", "netns", "exec", SW, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
    sh("ip", "-n", SW, "link", "set", BRIDGE, "up");
    for (String h : HOSTS) {
      String n = ns(h);
      String port = "flbl2p-" + h;
      sh("ip", "netns", "add", n);
      sh(
          "ip",
          "netns",
          "exec",
          n,
          "sysctl",
          "-q",
          "-w",
          "net.ipv6.conf.all.accept_dad=0",
          "net.ipv6.conf.default.accept_dad=0",
          "net.ipv6.conf.default.accept_ra=0",
          "net.ipv6.conf.all.accept_ra=0");
      sh("ip", "-n", SW, "link", "add", port, "type", "veth", "peer", "name", IF, "netns", n);
      sh("ip", "-n", SW, "link", "set", port, "master", BRIDGE, "up");
      sh("ip", "-n", n, "link", "set", IF, "address", mac(h));
      sh("ip", "-n", n, "addr", "add", v4(h) + "/24", "dev", IF);
      sh("ip", "-n", n, "addr", "add", v6(h) + "/64", "dev", IF, "nodad");
      sh("ip", "-n", n, "link", "set", IF, "up");
      sh("ip", "-n", n, "link", "set", "lo", "up");
    }
  }

  /** Deletes every flbl2-* namespace (stale ones from a crashed run too). */
  static void down() throws IOException {
    for (String line : run("ip", "netns", "list").split("\n")) {
      String name = line.trim().split("\\s+")[0];
      if (name.startsWith(PREFIX)) {
        run("ip", "netns", "del", name);
      }
    }
  }

  /** Runs a command, fails on a non-zero exit. */
  static String sh(String... cmd) throws IOException {
    Result r = exec(cmd);
    if (r.exit != 0) {
      throw new IOException(String.join(" ", cmd) + " -> exit " + r.exit + ": " + r.output);
    }
    return r.output;
  }

  /** Runs a command, returns its output whatever the exit code. */
  static String run(String... cmd) throws IOException {
    return exec(cmd).output;
  }

  record Result(int exit, String output) {}

  static Result exec(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
    return new Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** {@code ip netns exec NS java -cp <test classpath> MAIN ARGS}, output to {@code log}. */
  static Process java(String host, Path log, String main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-XX:+UseSerialGC", "-Xss512k", "-Xmx96m", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(List.of("-cp", classpath(), main));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }
}

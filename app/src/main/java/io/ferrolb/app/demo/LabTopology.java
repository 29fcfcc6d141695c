package io.ferrolb.app.demo;

import static io.ferrolb.app.demo.Lab.API_ADDRESS;
import static io.ferrolb.app.demo.Lab.API_IF;
import static io.ferrolb.app.demo.Lab.API_IF_NODE;
import static io.ferrolb.app.demo.Lab.API_NODE_ADDRESS;
import static io.ferrolb.app.demo.Lab.BRIDGE;
import static io.ferrolb.app.demo.Lab.CLIENT_IP;
import static io.ferrolb.app.demo.Lab.CLIENT_NS;
import static io.ferrolb.app.demo.Lab.LAN_IF;
import static io.ferrolb.app.demo.Lab.LAN_NS;
import static io.ferrolb.app.demo.Lab.NODE_IP;
import static io.ferrolb.app.demo.Lab.NODE_NS;
import static io.ferrolb.app.demo.Lab.PREFIX;
import static io.ferrolb.app.demo.Lab.ROUTER_IP;
import static io.ferrolb.app.demo.Lab.ROUTER_NS;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab's namespaces and links (the picture in {@link Lab}): built by {@link #build}, removed by
 * {@link #removeLeftovers}, which also finds what an earlier run left behind.
 */
final class LabTopology {
  private final LabCommands commands;
  private final PrintStream out;

  LabTopology(LabCommands commands, PrintStream out) {
    this.commands = commands;
    this.out = out;
  }

  /** The four namespaces, the LAN bridge with a port per host, and the API link to the node. */
  void build() throws IOException, InterruptedException {
    for (String ns : List.of(LAN_NS, NODE_NS, CLIENT_NS, ROUTER_NS)) {
      commands.ip("netns", "add", ns);
      // IPv4 only: no IPv6 link-local, DAD or router solicitations on the demo's links
      commands.inNs(
          ns,
          "sysctl",
          "-q",
          "-w",
          "net.ipv6.conf.all.disable_ipv6=1",
          "net.ipv6.conf.default.disable_ipv6=1");
      commands.ip("-n", ns, "link", "set", "lo", "up");
    }
    commands.ip("-n", LAN_NS, "link", "add", BRIDGE, "type", "bridge", "stp_state", "0");
    commands.ip("-n", LAN_NS, "link", "set", BRIDGE, "up");
    host(NODE_NS, "flbdemo-pnode", NODE_IP, "02:fd:00:00:00:0b");
    host(CLIENT_NS, "flbdemo-pclient", CLIENT_IP, "02:fd:00:00:00:64");
    host(ROUTER_NS, "flbdemo-prouter", ROUTER_IP, "02:fd:00:00:00:01");
    commands.ip(
        "link", "add", API_IF, "type", "veth", "peer", "name", API_IF_NODE, "netns", NODE_NS);
    Files.writeString(Path.of("/proc/sys/net/ipv6/conf", API_IF, "disable_ipv6"), "1\n");
    commands.ip("addr", "add", API_ADDRESS + "/30", "dev", API_IF);
    commands.ip("link", "set", API_IF, "up");
    commands.ip("-n", NODE_NS, "addr", "add", API_NODE_ADDRESS + "/30", "dev", API_IF_NODE);
    commands.ip("-n", NODE_NS, "link", "set", API_IF_NODE, "up");
    out.println(
        "namespaces "
            + String.join(" ", LAN_NS, NODE_NS, CLIENT_NS, ROUTER_NS)
            + ": LAN 203.0.113.0/24 on bridge "
            + BRIDGE
            + " (node "
            + NODE_IP
            + ", client "
            + CLIENT_IP
            + ", router "
            + ROUTER_IP
            + "); API link "
            + API_IF
            + " "
            + API_ADDRESS
            + "/30 to the node");
  }

  /** A namespace on the LAN: a bridge port and its peer {@code flbdemo-eth0} with an address. */
  private void host(String ns, String port, String address, String mac)
      throws IOException, InterruptedException {
    commands.ip(
        "-n", LAN_NS, "link", "add", port, "type", "veth", "peer", "name", LAN_IF, "netns", ns);
    commands.ip("-n", LAN_NS, "link", "set", port, "master", BRIDGE, "up");
    commands.ip("-n", ns, "link", "set", LAN_IF, "address", mac);
    commands.ip("-n", ns, "addr", "add", address + "/24", "dev", LAN_IF);
    commands.ip("-n", ns, "link", "set", LAN_IF, "up");
  }

  /** The MAC of {@code dev} in {@code ns}, lower case. */
  String mac(String ns, String dev) throws IOException, InterruptedException {
    String brief = commands.ip("-n", ns, "-br", "link", "show", "dev", dev);
    Matcher m = Pattern.compile("\\b([0-9a-f]{2}(:[0-9a-f]{2}){5})\\b").matcher(brief);
    if (!m.find()) {
      throw new IllegalStateException("no MAC in: " + brief);
    }
    return m.group(1);
  }

  /**
   * Deletes every {@code flbdemo*} root link, then kills the processes in, and deletes, every
   * {@code flbdemo*} namespace. Links go first: deleting a veth end removes its peer at once, while
   * a deleted namespace's devices are destroyed later by the kernel, so a root link listed after a
   * namespace deletion could vanish before its own {@code ip link del} ("Cannot find device").
   *
   * @return the names of the links and namespaces removed
   */
  List<String> removeLeftovers() throws IOException, InterruptedException {
    List<String> removed = new ArrayList<>();
    for (String link : names(commands.ip("-br", "link", "show"))) {
      String name = link.replaceFirst("@.*", "");
      removed.add(name);
      commands.ip("link", "del", name);
    }
    for (String ns : names(commands.ip("netns", "list"))) {
      removed.add(ns);
      for (String pid : commands.ip("netns", "pids", ns).split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      commands.ip("netns", "del", ns);
    }
    return removed;
  }

  /** First words of the lines of {@code listing} that start with the prefix. */
  static List<String> names(String listing) {
    return listing
        .lines()
        .map(String::strip)
        .filter(l -> l.startsWith(PREFIX))
        .map(l -> l.split("\\s+")[0])
        .toList();
  }
}

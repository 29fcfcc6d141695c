package io.ferrolb.app.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The network of {@code ferrolb demo --lab}: Linux network namespaces joined by a bridge, with a
 * real {@code ferrolb speaker} process in a node namespace, a client that resolves the service
 * address with {@code arping}, and a router (FRR, else BIRD) that learns it over BGP.
 *
 * <pre>
 *  namespace flbdemo-lan: bridge flbdemo-br, LAN 203.0.113.0/24 (RFC 5737)
 *     |                     |                       |
 *  flbdemo-node .11      flbdemo-client .100     flbdemo-router .1
 *  ferrolb speaker       arping                  FRR or BIRD, AS 64496
 *     | flbdemo-api0 198.19.250.2/30
 *  root namespace: flbdemo-api 198.19.250.1/30, the embedded Kubernetes API listens here
 * </pre>
 *
 * Every namespace and link is named {@code flbdemo*}; no namespace has a default route. Commands
 * run through {@link ProcessBuilder} with argument lists and timeouts, never through a shell.
 * {@link #close()} (also run by a shutdown hook, so Ctrl-C cleans up) stops every process and
 * deletes every namespace and link; {@link #start} first removes what an earlier run left behind.
 *
 * <p>This class is the lab's address plan and the story's steps; the parts are {@link LabTools}
 * (what is installed), {@link LabTopology} (namespaces and links), {@link LabRouter} (FRR or BIRD),
 * {@link LabSpeaker} (the speaker process) and {@link LabCommands} (running programs).
 */
public final class Lab implements AutoCloseable {
  static final String PREFIX = "flbdemo";
  static final String LAN_NS = "flbdemo-lan";
  static final String NODE_NS = "flbdemo-node";
  static final String CLIENT_NS = "flbdemo-client";
  static final String ROUTER_NS = "flbdemo-router";
  static final String BRIDGE = "flbdemo-br";
  static final String LAN_IF = "flbdemo-eth0";
  static final String API_IF = "flbdemo-api";
  static final String API_IF_NODE = "flbdemo-api0";

  /** The API link: a /30 of its own in 198.18.0.0/15 (RFC 2544), nothing else routed over it. */
  public static final String API_ADDRESS = "198.19.250.1";

  static final String API_NODE_ADDRESS = "198.19.250.2";
  static final String NODE_IP = "203.0.113.11";
  static final String ROUTER_IP = "203.0.113.1";
  static final String CLIENT_IP = "203.0.113.100";
  static final long ROUTER_ASN = 64496; // RFC 5398 documentation ASNs, as in examples/
  static final long NODE_ASN = 64500;

  /** Which router to run: the first installed (FRR, then BIRD), a named one, or none. */
  public enum RouterChoice {
    AUTO,
    FRR,
    BIRD,
    NONE
  }

  private final LabTools tools;
  private final Path dir;
  private final PrintStream out;
  private final LabCommands commands;
  private final LabTopology topology;
  private final Optional<LabRouter> router;
  private final LabSpeaker speaker;
  private final Thread hook;
  private boolean closed;

  private Lab(LabTools tools, Path dir, PrintStream out) {
    this.tools = tools;
    this.dir = dir;
    this.out = out;
    this.commands = new LabCommands(tools.ip(), dir);
    this.topology = new LabTopology(commands, out);
    this.router = tools.router().map(r -> new LabRouter(r, dir, commands));
    this.speaker = new LabSpeaker(commands, dir, router.isPresent());
    this.hook = new Thread(this::close, "flbdemo-teardown");
  }

  /**
   * Why the lab cannot run here, or empty when it can.
   *
   * @param root whether this process runs as root (effective UID 0)
   * @param ip the {@code ip} program of iproute2, if found
   */
  static Optional<String> missing(boolean root, Optional<Path> ip) {
    if (root && ip.isPresent()) {
      return Optional.empty();
    }
    if (root) {
      return Optional.of(
          "demo --lab: needs iproute2 (ip), which is not installed (apt-get install iproute2);"
              + " or run `bin/ferrolb demo` without --lab");
    }
    return Optional.of(
        "demo --lab: needs root"
            + (ip.isEmpty() ? " and iproute2 (ip)" : "")
            + "; run `sudo bin/ferrolb demo --lab`, or `bin/ferrolb demo` without --lab");
  }

  /** Why the lab cannot run on this machine, or empty when it can. */
  public static Optional<String> missingHere() {
    return missing(LabTools.isRoot(), LabTools.find("ip"));
  }

  /**
   * Removes what an earlier run left, builds the namespaces and links, and starts the router. Call
   * {@link #missingHere()} first.
   */
  public static Lab start(PrintStream out, RouterChoice router)
      throws IOException, InterruptedException {
    Path ip =
        LabTools.find("ip").orElseThrow(() -> new IllegalStateException("ip is not installed"));
    LabTools tools = LabTools.detect(ip, router);
    // readable by others: FRR's daemons run as user frr and need to reach their directory
    Path dir =
        Files.createTempDirectory(
            PREFIX + "-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Lab lab = new Lab(tools, dir, out);
    Runtime.getRuntime().addShutdownHook(lab.hook);
    try {
      List<String> old = lab.topology.removeLeftovers();
      if (!old.isEmpty()) {
        out.println("removed what an earlier run left: " + String.join(" ", old));
      }
      lab.topology.build();
      lab.startRouter(router);
    } catch (IOException | InterruptedException | RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  public boolean hasRouter() {
    return router.isPresent();
  }

  private void startRouter(RouterChoice choice) throws IOException, InterruptedException {
    if (router.isEmpty()) {
      out.println(
          "no router: "
              + (choice == RouterChoice.NONE
                  ? "--lab-router NONE"
                  : "neither FRR (/usr/lib/frr/bgpd, vtysh) nor BIRD (bird, birdc) is installed")
              + "; router step skipped, the speaker announces by ARP only");
      return;
    }
    router.get().start(out);
  }

  // --- the speaker ---

  /**
   * Starts {@code ferrolb speaker} in the node namespace with this JVM's java and classpath,
   * talking to the API at {@code apiUrl}.
   */
  void startSpeaker(String apiUrl, String node, String namespace)
      throws IOException, InterruptedException {
    speaker.start(apiUrl, node, namespace);
  }

  /** The speaker's /readyz answers 200 (asked over the API link). */
  boolean speakerReady() {
    return speaker.ready();
  }

  /** Waits for the speaker's /readyz; prints where it runs. */
  void awaitSpeakerReady() throws InterruptedException {
    speaker.awaitReady(out);
  }

  public String speakerLogTail(int lines) {
    return speaker.logTail(lines);
  }

  // --- the story's network steps ---

  /** The client ARPs for {@code vip}; prints arping's reply and the node's MAC. */
  void showArp(String vip) throws IOException, InterruptedException {
    if (tools.arping().isEmpty()) {
      out.println("arping is not installed (package iputils-arping): client step skipped");
      return;
    }
    String nodeMac = topology.mac(NODE_NS, LAN_IF);
    out.println("$ ip netns exec " + CLIENT_NS + " arping -c 1 -I " + LAN_IF + " " + vip);
    List<String> arping =
        commands.netnsExec(
            CLIENT_NS,
            List.of(tools.arping().get().toString(), "-c", "1", "-w", "2", "-I", LAN_IF, vip));
    String reply =
        LabCommands.poll(
            "an ARP reply for " + vip + " at the client",
            () -> LabCommands.run(LabCommands.COMMAND_TIMEOUT, arping, false),
            s -> s.contains("reply from " + vip));
    String line =
        reply.lines().filter(l -> l.contains("reply from")).findFirst().orElse("").strip();
    out.println(line);
    Matcher m = Pattern.compile("\\[([0-9A-Fa-f:]{17})\\]").matcher(line);
    String answered = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : "?";
    out.println("node " + NODE_NS + " " + LAN_IF + " has MAC " + nodeMac);
    if (!answered.equals(nodeMac)) {
      throw new IllegalStateException(
          "demo --lab: " + vip + " is at " + answered + ", not at the node's MAC " + nodeMac);
    }
    out.println("client: " + vip + " is at " + answered + ", the node's MAC");
  }

  /** Waits until the router has {@code vip}/32 via the node; prints the router's view. */
  void showRoute(String vip) throws IOException, InterruptedException {
    if (router.isEmpty()) {
      return;
    }
    LabRouter r = router.get();
    String prefix = vip + "/32";
    out.println("$ " + r.command(prefix) + "   # in " + ROUTER_NS);
    String shown =
        LabCommands.poll(
            "the router to learn " + prefix,
            () -> r.shows(prefix),
            s -> s.contains(prefix) && s.contains(NODE_IP));
    out.println(shown);
    out.println(
        "router: learned " + prefix + " via " + NODE_IP + " (the node) from BGP, AS " + NODE_ASN);
  }

  /** Waits until the router has no route to {@code vip}/32 any more. */
  void showWithdrawn(String vip) throws IOException, InterruptedException {
    if (router.isEmpty()) {
      return;
    }
    LabRouter r = router.get();
    String prefix = vip + "/32";
    out.println("$ " + r.command(prefix) + "   # in " + ROUTER_NS);
    String shown =
        LabCommands.poll(
            "the router to drop " + prefix, () -> r.shows(prefix), s -> !s.contains(NODE_IP));
    out.println(shown);
    out.println("router: " + prefix + " withdrawn");
  }

  // --- teardown ---

  /** Stops every process this lab started and deletes its namespaces, links and files. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs or ran; this close is the one that counts
      }
    }
    List<Process> all = new ArrayList<>();
    speaker.process().ifPresent(all::add);
    all.addAll(commands.spawned());
    LabCommands.stop(all);
    try {
      topology.removeLeftovers();
      out.println("lab removed: processes stopped, namespaces and links " + PREFIX + "* deleted");
    } catch (IOException | InterruptedException | RuntimeException e) {
      out.println("lab cleanup incomplete: " + e.getMessage());
    }
    LabCommands.deleteTree(dir);
  }
}

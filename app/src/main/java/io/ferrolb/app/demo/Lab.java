package io.ferrolb.app.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
  static final int METRICS_PORT = 7472; // the speaker's default, free inside its own namespace
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
  static final Duration NETWORK_WAIT = Duration.ofSeconds(60);
  static final List<String> SEARCH_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  /** The router implementations the lab can run, in order of preference. */
  enum RouterKind {
    FRR,
    BIRD
  }

  /** The programs found on this machine. */
  record Tools(Path ip, Optional<Path> arping, Optional<Router> router) {}

  /** A router implementation and its command-line client (vtysh, birdc). */
  record Router(RouterKind kind, Path cli) {}

  private final Tools tools;
  private final Path dir;
  private final PrintStream out;
  private final List<Process> processes = new ArrayList<>();
  private final Thread hook;
  private Process speaker;
  private boolean closed;

  private Lab(Tools tools, Path dir, PrintStream out) {
    this.tools = tools;
    this.dir = dir;
    this.out = out;
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
    return missing(isRoot(), find("ip"));
  }

  /** Effective UID 0, from {@code /proc/self/status} ("Uid: real effective saved fs"). */
  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return false;
    }
    return false;
  }

  /** A program on $PATH or in the usual system directories (sudo's PATH may lack sbin). */
  static Optional<Path> find(String program) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(SEARCH_DIRS);
    return dirs.stream()
        .filter(d -> !d.isBlank())
        .map(d -> Path.of(d, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Which router to run: the first installed (FRR, then BIRD), a named one, or none. */
  public enum RouterChoice {
    AUTO,
    FRR,
    BIRD,
    NONE
  }

  static Tools tools(Path ip, RouterChoice choice) {
    Optional<Path> vtysh = find("vtysh");
    Optional<Path> birdc = find("birdc");
    boolean frr =
        Files.isExecutable(Path.of("/usr/lib/frr/bgpd"))
            && Files.isExecutable(Path.of("/usr/lib/frr/zebra"))
            && vtysh.isPresent();
    boolean bird = find("bird").isPresent() && birdc.isPresent();
    if ((choice == RouterChoice.FRR && !frr) || (choice == RouterChoice.BIRD && !bird)) {
      throw new IllegalArgumentException(
          "demo --lab-router "
              + choice.name().toLowerCase(Locale.ROOT)
              + ": not installed (expected: "
              + (choice == RouterChoice.FRR
                  ? "/usr/lib/frr/bgpd, /usr/lib/frr/zebra, vtysh"
                  : "bird, birdc")
              + ")");
    }
    Optional<Path> arping = find("arping");
    boolean useFrr = frr && (choice == RouterChoice.AUTO || choice == RouterChoice.FRR);
    boolean useBird =
        !useFrr && bird && (choice == RouterChoice.AUTO || choice == RouterChoice.BIRD);
    if (useFrr) {
      return new Tools(ip, arping, Optional.of(new Router(RouterKind.FRR, vtysh.get())));
    }
    if (useBird) {
      return new Tools(ip, arping, Optional.of(new Router(RouterKind.BIRD, birdc.get())));
    }
    return new Tools(ip, arping, Optional.empty());
  }

  /**
   * Removes what an earlier run left, builds the namespaces and links, and starts the router. Call
   * {@link #missingHere()} first.
   */
  public static Lab start(PrintStream out, RouterChoice router)
      throws IOException, InterruptedException {
    Path ip = find("ip").orElseThrow(() -> new IllegalStateException("ip is not installed"));
    Tools tools = tools(ip, router);
    // readable by others: FRR's daemons run as user frr and need to reach their directory
    Path dir =
        Files.createTempDirectory(
            PREFIX + "-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Lab lab = new Lab(tools, dir, out);
    Runtime.getRuntime().addShutdownHook(lab.hook);
    try {
      List<String> old = lab.removeLeftovers();
      if (!old.isEmpty()) {
        out.println("removed what an earlier run left: " + String.join(" ", old));
      }
      lab.build();
      lab.startRouter(router);
    } catch (IOException | InterruptedException | RuntimeException e) {
      lab.close();
      throw e;
    }
    return lab;
  }

  public boolean hasRouter() {
    return tools.router().isPresent();
  }

  private void build() throws IOException, InterruptedException {
    for (String ns : List.of(LAN_NS, NODE_NS, CLIENT_NS, ROUTER_NS)) {
      ip("netns", "add", ns);
      // IPv4 only: no IPv6 link-local, DAD or router solicitations on the demo's links
      inNs(
          ns,
          "sysctl",
          "-q",
          "-w",
          "net.ipv6.conf.all.disable_ipv6=1",
          "net.ipv6.conf.default.disable_ipv6=1");
      ip("-n", ns, "link", "set", "lo", "up");
    }
    ip("-n", LAN_NS, "link", "add", BRIDGE, "type", "bridge", "stp_state", "0");
    ip("-n", LAN_NS, "link", "set", BRIDGE, "up");
    host(NODE_NS, "flbdemo-pnode", NODE_IP, "02:fd:00:00:00:0b");
    host(CLIENT_NS, "flbdemo-pclient", CLIENT_IP, "02:fd:00:00:00:64");
    host(ROUTER_NS, "flbdemo-prouter", ROUTER_IP, "02:fd:00:00:00:01");
    ip("link", "add", API_IF, "type", "veth", "peer", "name", API_IF_NODE, "netns", NODE_NS);
    Files.writeString(Path.of("/proc/sys/net/ipv6/conf", API_IF, "disable_ipv6"), "1\n");
    ip("addr", "add", API_ADDRESS + "/30", "dev", API_IF);
    ip("link", "set", API_IF, "up");
    ip("-n", NODE_NS, "addr", "add", API_NODE_ADDRESS + "/30", "dev", API_IF_NODE);
    ip("-n", NODE_NS, "link", "set", API_IF_NODE, "up");
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
    ip("-n", LAN_NS, "link", "add", port, "type", "veth", "peer", "name", LAN_IF, "netns", ns);
    ip("-n", LAN_NS, "link", "set", port, "master", BRIDGE, "up");
    ip("-n", ns, "link", "set", LAN_IF, "address", mac);
    ip("-n", ns, "addr", "add", address + "/24", "dev", LAN_IF);
    ip("-n", ns, "link", "set", LAN_IF, "up");
  }

  // --- the router ---

  private void startRouter(RouterChoice choice) throws IOException, InterruptedException {
    if (tools.router().isEmpty()) {
      out.println(
          "no router: "
              + (choice == RouterChoice.NONE
                  ? "--lab-router NONE"
                  : "neither FRR (/usr/lib/frr/bgpd, vtysh) nor BIRD (bird, birdc) is installed")
              + "; router step skipped, the speaker announces by ARP only");
      return;
    }
    switch (tools.router().get().kind()) {
      case FRR -> startFrr();
      case BIRD -> startBird();
    }
    out.println(
        "router "
            + ROUTER_NS
            + ": "
            + tools.router().get().kind()
            + ", AS "
            + ROUTER_ASN
            + ", expects the node "
            + NODE_IP
            + " (AS "
            + NODE_ASN
            + ") as a BGP peer");
  }

  /** FRR: zebra (to install routes) and bgpd, in the foreground as user frr, own sockets. */
  private void startFrr() throws IOException, InterruptedException {
    Path frr = Files.createDirectories(dir.resolve("frr"));
    Files.writeString(frr.resolve("zebra.conf"), "hostname " + ROUTER_NS + "\n");
    Files.writeString(
        frr.resolve("bgpd.conf"),
        String.join(
            "\n",
            "router bgp " + ROUTER_ASN,
            " bgp router-id " + ROUTER_IP,
            " no bgp ebgp-requires-policy", // FRR's RFC 8212 default would drop every eBGP route
            " no bgp default ipv4-unicast",
            " neighbor " + NODE_IP + " remote-as " + NODE_ASN,
            " neighbor " + NODE_IP + " timers connect 1", // FRR's default retry is 120 s
            " address-family ipv4 unicast",
            "  neighbor " + NODE_IP + " activate",
            " exit-address-family",
            ""));
    run(COMMAND_TIMEOUT, List.of("chown", "-R", "frr:frr", frr.toString()), true);
    for (String daemon : List.of("zebra", "bgpd")) {
      Process p =
          spawn(
              daemon,
              List.of(
                  tools.ip().toString(),
                  "netns",
                  "exec",
                  ROUTER_NS,
                  "/usr/lib/frr/" + daemon,
                  "-u",
                  "frr",
                  "-g",
                  "frr",
                  "-P",
                  "0", // no TCP vty
                  "-f",
                  frr.resolve(daemon + ".conf").toString(),
                  "-i",
                  frr.resolve(daemon + ".pid").toString(),
                  "-z",
                  frr.resolve("zserv.api").toString(),
                  "--vty_socket",
                  frr.toString(),
                  "--log",
                  "file:" + frr.resolve(daemon + ".log")));
      awaitFile(frr.resolve(daemon.equals("zebra") ? "zserv.api" : "bgpd.vty"), daemon, p);
    }
  }

  private void startBird() throws IOException, InterruptedException {
    Path bird = Files.createDirectories(dir.resolve("bird"));
    Files.writeString(
        bird.resolve("bird.conf"),
        String.join(
            "\n",
            "router id " + ROUTER_IP + ";",
            "protocol device { }",
            "protocol kernel { ipv4 { export where source = RTS_BGP; }; }",
            "protocol bgp node {",
            "  local " + ROUTER_IP + " as " + ROUTER_ASN + ";",
            "  neighbor " + NODE_IP + " as " + NODE_ASN + ";",
            // BIRD's defaults (5 s, 120 s, 60-300 s) would delay the first session
            "  connect delay time 1; connect retry time 1; error wait time 1, 10;",
            "  ipv4 { import all; export none; };",
            "}",
            ""));
    Process p =
        spawn(
            "bird",
            List.of(
                tools.ip().toString(),
                "netns",
                "exec",
                ROUTER_NS,
                find("bird").orElseThrow().toString(),
                "-f",
                "-c",
                bird.resolve("bird.conf").toString(),
                "-s",
                bird.resolve("bird.ctl").toString(),
                "-P",
                bird.resolve("bird.pid").toString()));
    awaitFile(bird.resolve("bird.ctl"), "bird", p);
  }

  /** The router's own view of {@code prefix}: vtysh or birdc output. */
  String routerShows(String prefix) throws IOException, InterruptedException {
    List<String> cmd =
        switch (tools.router().orElseThrow().kind()) {
          case FRR ->
              List.of(
                  tools.router().get().cli().toString(),
                  "--vty_socket",
                  dir.resolve("frr").toString(),
                  "-c",
                  "show ip route " + prefix);
          case BIRD ->
              List.of(
                  tools.router().get().cli().toString(),
                  "-s",
                  dir.resolve("bird").resolve("bird.ctl").toString(),
                  "show",
                  "route",
                  prefix);
        };
    return run(COMMAND_TIMEOUT, cmd, false).strip();
  }

  String routerCommand(String prefix) {
    return switch (tools.router().orElseThrow().kind()) {
      case FRR -> "vtysh -c 'show ip route " + prefix + "'";
      case BIRD -> "birdc show route " + prefix;
    };
  }

  // --- the speaker ---

  /**
   * Starts {@code ferrolb speaker} in the node namespace with this JVM's java and classpath,
   * talking to the API at {@code apiUrl}.
   */
  void startSpeaker(String apiUrl, String node, String namespace)
      throws IOException, InterruptedException {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, kubeconfig(apiUrl));
    List<String> cmd =
        List.of(
            tools.ip().toString(),
            "netns",
            "exec",
            NODE_NS,
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC", // the small-memory defaults of bin/ferrolb
            "-XX:TieredStopAtLevel=1",
            "-Xss512k",
            "-cp",
            System.getProperty("java.class.path"),
            "io.ferrolb.app.Main",
            "speaker",
            "--node-name",
            node,
            "--namespace",
            namespace,
            "--announcers",
            hasRouter() ? "layer2,bgp" : "layer2",
            "--host-ip",
            NODE_IP,
            "--ml-bindport",
            "0", // one node: no gossip
            "--metrics-port",
            Integer.toString(METRICS_PORT));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    for (String proxy : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
      pb.environment().remove(proxy); // the API is on a link of our own, never behind a proxy
    }
    speaker = start("speaker", pb);
  }

  /** The speaker's /readyz answers 200 (asked over the API link). */
  boolean speakerReady() {
    if (speaker == null || !speaker.isAlive()) {
      throw new IllegalStateException(
          "the speaker exited; its log:\n" + tail(dir.resolve("speaker.log"), 20));
    }
    HttpClient http =
        HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + API_NODE_ADDRESS + ":" + METRICS_PORT + "/readyz"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits for the speaker's /readyz; prints where it runs. */
  void awaitSpeakerReady() throws InterruptedException {
    poll("the speaker's /readyz", () -> speakerReady() ? "ready" : "", "ready"::equals);
    out.println(
        "speaker ready: ferrolb speaker (pid "
            + speaker.pid()
            + ") in "
            + NODE_NS
            + ", announcers "
            + (hasRouter() ? "layer2,bgp" : "layer2")
            + ", GET http://"
            + API_NODE_ADDRESS
            + ":"
            + METRICS_PORT
            + "/readyz -> 200");
  }

  public String speakerLogTail(int lines) {
    return tail(dir.resolve("speaker.log"), lines);
  }

  // --- the story's network steps ---

  /** The client ARPs for {@code vip}; prints arping's reply and the node's MAC. */
  void showArp(String vip) throws IOException, InterruptedException {
    if (tools.arping().isEmpty()) {
      out.println("arping is not installed (package iputils-arping): client step skipped");
      return;
    }
    String nodeMac = mac(NODE_NS, LAN_IF);
    out.println("$ ip netns exec " + CLIENT_NS + " arping -c 1 -I " + LAN_IF + " " + vip);
    String reply =
        poll(
            "an ARP reply for " + vip + " at the client",
            () ->
                run(
                    COMMAND_TIMEOUT,
                    List.of(
                        tools.ip().toString(),
                        "netns",
                        "exec",
                        CLIENT_NS,
                        tools.arping().get().toString(),
                        "-c",
                        "1",
                        "-w",
                        "2",
                        "-I",
                        LAN_IF,
                        vip),
                    false),
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
    if (!hasRouter()) {
      return;
    }
    String prefix = vip + "/32";
    out.println("$ " + routerCommand(prefix) + "   # in " + ROUTER_NS);
    String shown =
        poll(
            "the router to learn " + prefix,
            () -> routerShows(prefix),
            s -> s.contains(prefix) && s.contains(NODE_IP));
    out.println(shown);
    out.println(
        "router: learned " + prefix + " via " + NODE_IP + " (the node) from BGP, AS " + NODE_ASN);
  }

  /** Waits until the router has no route to {@code vip}/32 any more. */
  void showWithdrawn(String vip) throws IOException, InterruptedException {
    if (!hasRouter()) {
      return;
    }
    String prefix = vip + "/32";
    out.println("$ " + routerCommand(prefix) + "   # in " + ROUTER_NS);
    String shown =
        poll("the router to drop " + prefix, () -> routerShows(prefix), s -> !s.contains(NODE_IP));
    out.println(shown);
    out.println("router: " + prefix + " withdrawn");
  }

  /** The MAC of {@code dev} in {@code ns}, lower case. */
  String mac(String ns, String dev) throws IOException, InterruptedException {
    String brief = ip("-n", ns, "-br", "link", "show", "dev", dev);
    Matcher m = Pattern.compile("\\b([0-9a-f]{2}(:[0-9a-f]{2}){5})\\b").matcher(brief);
    if (!m.find()) {
      throw new IllegalStateException("no MAC in: " + brief);
    }
    return m.group(1);
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
    List<Process> all = new ArrayList<>(processes);
    if (speaker != null) {
      all.add(0, speaker);
    }
    for (Process p : all) {
      p.destroy(); // SIGTERM: the speaker closes its BGP sessions, the routers exit cleanly
    }
    for (Process p : all) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
    try {
      removeLeftovers();
      out.println("lab removed: processes stopped, namespaces and links " + PREFIX + "* deleted");
    } catch (IOException | InterruptedException | RuntimeException e) {
      out.println("lab cleanup incomplete: " + e.getMessage());
    }
    deleteTree(dir);
  }

  /**
   * Deletes every {@code flbdemo*} root link, then kills the processes in, and deletes, every
   * {@code flbdemo*} namespace. Links go first: deleting a veth end removes its peer at once, while
   * a deleted namespace's devices are destroyed later by the kernel, so a root link listed after a
   * namespace deletion could vanish before its own {@code ip link del} ("Cannot find device").
   */
  private List<String> removeLeftovers() throws IOException, InterruptedException {
    List<String> removed = new ArrayList<>();
    for (String link : names(ip("-br", "link", "show"))) {
      String name = link.replaceFirst("@.*", "");
      removed.add(name);
      ip("link", "del", name);
    }
    for (String ns : names(ip("netns", "list"))) {
      removed.add(ns);
      for (String pid : ip("netns", "pids", ns).split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
      ip("netns", "del", ns);
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

  // --- process helpers ---

  private String ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(tools.ip().toString());
    cmd.addAll(List.of(args));
    return run(COMMAND_TIMEOUT, cmd, true);
  }

  private void inNs(String ns, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(tools.ip().toString(), "netns", "exec", ns));
    cmd.addAll(List.of(args));
    run(COMMAND_TIMEOUT, cmd, true);
  }

  /**
   * Runs {@code cmd} and returns its output (stdout and stderr); with {@code check}, a non-zero
   * exit is an error.
   */
  static String run(Duration timeout, List<String> cmd, boolean check)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile(PREFIX + "-cmd", ".out"); // a file: no pipe to drain
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            String.join(" ", cmd) + ": no exit after " + timeout.toSeconds() + " s");
      }
      String text = Files.readString(output);
      if (check && p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + text.strip());
      }
      return text;
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private Process spawn(String name, List<String> cmd) throws IOException {
    Process p = start(name, new ProcessBuilder(cmd));
    processes.add(p);
    return p;
  }

  private Process start(String name, ProcessBuilder pb) throws IOException {
    return pb.redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile()))
        .start();
  }

  /** Waits for the socket or file {@code f} that the daemon {@code name} creates when up. */
  private void awaitFile(Path f, String name, Process p) throws InterruptedException {
    poll(
        name + " to create " + f,
        () -> {
          if (!p.isAlive()) {
            throw new IllegalStateException(
                name + " exited (" + p.exitValue() + "): " + tail(dir.resolve(name + ".log"), 5));
          }
          return Files.exists(f) ? "yes" : "";
        },
        "yes"::equals);
  }

  interface Probe {
    String get() throws IOException, InterruptedException;
  }

  /** Asks {@code probe} every 250 ms until {@code done}; fails after {@link #NETWORK_WAIT}. */
  private static String poll(String what, Probe probe, Predicate<String> done)
      throws InterruptedException {
    Instant end = Instant.now().plus(NETWORK_WAIT);
    String last = "";
    while (Instant.now().isBefore(end)) {
      try {
        last = probe.get();
        if (done.test(last)) {
          return last;
        }
      } catch (IOException e) {
        last = e.getMessage();
      }
      Thread.sleep(250); // a console demo polling a network, not a test
    }
    throw new IllegalStateException(
        "demo --lab: waited "
            + NETWORK_WAIT.toSeconds()
            + " s for "
            + what
            + "; last seen: "
            + last.strip());
  }

  private static String tail(Path file, int lines) {
    try (Stream<String> all = Files.lines(file)) {
      List<String> l = all.toList();
      return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a temp directory left behind is harmless
    }
  }

  static String kubeconfig(String url) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: flbdemo, cluster: {server: '" + url + "'}}]",
        "contexts: [{name: flbdemo, context: {cluster: flbdemo, user: flbdemo}}]",
        "current-context: flbdemo",
        "users: [{name: flbdemo, user: {token: flbdemo}}]",
        "");
  }
}

package io.ferrolb.app.demo;

import static io.ferrolb.app.demo.Lab.NODE_ASN;
import static io.ferrolb.app.demo.Lab.NODE_IP;
import static io.ferrolb.app.demo.Lab.ROUTER_ASN;
import static io.ferrolb.app.demo.Lab.ROUTER_IP;
import static io.ferrolb.app.demo.Lab.ROUTER_NS;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The lab's router in {@code flbdemo-router}: FRR (zebra and bgpd) or BIRD, configured to expect
 * the node as an eBGP peer, and asked through its own client (vtysh, birdc) what it learned. Its
 * configuration, sockets and logs live under the lab's directory ({@code frr/} or {@code bird/}).
 */
final class LabRouter {
  private final LabTools.Router router;
  private final Path dir;
  private final LabCommands commands;

  LabRouter(LabTools.Router router, Path dir, LabCommands commands) {
    this.router = router;
    this.dir = dir;
    this.commands = commands;
  }

  LabTools.RouterKind kind() {
    return router.kind();
  }

  /** Writes the configuration, starts the daemons and waits for their sockets. */
  void start(PrintStream out) throws IOException, InterruptedException {
    switch (router.kind()) {
      case FRR -> startFrr();
      case BIRD -> startBird();
    }
    out.println(
        "router "
            + ROUTER_NS
            + ": "
            + router.kind()
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
    LabCommands.run(
        LabCommands.COMMAND_TIMEOUT, List.of("chown", "-R", "frr:frr", frr.toString()), true);
    for (String daemon : List.of("zebra", "bgpd")) {
      Process p =
          commands.spawn(
              daemon,
              commands.netnsExec(
                  ROUTER_NS,
                  List.of(
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
                      "file:" + frr.resolve(daemon + ".log"))));
      commands.awaitFile(frr.resolve(daemon.equals("zebra") ? "zserv.api" : "bgpd.vty"), daemon, p);
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
        commands.spawn(
            "bird",
            commands.netnsExec(
                ROUTER_NS,
                List.of(
                    LabTools.find("bird").orElseThrow().toString(),
                    "-f",
                    "-c",
                    bird.resolve("bird.conf").toString(),
                    "-s",
                    bird.resolve("bird.ctl").toString(),
                    "-P",
                    bird.resolve("bird.pid").toString())));
    commands.awaitFile(bird.resolve("bird.ctl"), "bird", p);
  }

  /** The router's own view of {@code prefix}: vtysh or birdc output. */
  String shows(String prefix) throws IOException, InterruptedException {
    List<String> cmd =
        switch (router.kind()) {
          case FRR ->
              List.of(
                  router.cli().toString(),
                  "--vty_socket",
                  dir.resolve("frr").toString(),
                  "-c",
                  "show ip route " + prefix);
          case BIRD ->
              List.of(
                  router.cli().toString(),
                  "-s",
                  dir.resolve("bird").resolve("bird.ctl").toString(),
                  "show",
                  "route",
                  prefix);
        };
    return LabCommands.run(LabCommands.COMMAND_TIMEOUT, cmd, false).strip();
  }

  /** How a user would ask the router about {@code prefix}, for the story's output. */
  String command(String prefix) {
    return switch (router.kind()) {
      case FRR -> "vtysh -c 'show ip route " + prefix + "'";
      case BIRD -> "birdc show route " + prefix;
    };
  }
}

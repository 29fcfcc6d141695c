package io.ferrolb.it.l2;

import static io.ferrolb.it.l2.Netns.mac;
import static io.ferrolb.it.l2.Netns.ns;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real network: responders as separate JVMs in node namespaces, probed from a client namespace with
 * arping, ndisc6, ping and a hand-made NUD probe. Root only; skips otherwise.
 */
class L2ResponderNetworkIT {

  static final String VIP4 = "203.0.113.200";
  static final String VIP6 = "2001:db8:77::200";
  static final String OTHER_VIP4 = "203.0.113.201";

  @TempDir static Path logs;
  final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void topology() throws IOException {
    String missing = Netns.missingPrerequisite("ip", "arping", "ndisc6");
    Assumptions.assumeTrue(missing == null, () -> "L2 network IT skipped: " + missing);
    Netns.up();
  }

  @AfterAll
  static void teardown() throws IOException {
    if (Netns.missingPrerequisite("ip") == null) {
      Netns.down();
    }
  }

  @AfterEach
  void stopProcesses() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor();
    }
    processes.clear();
  }

  private Process responder(String host, String... vips) throws IOException {
    Path log = logs.resolve("responder-" + host + "-" + System.nanoTime() + ".log");
    Process p = Netns.java(host, log, L2ResponderMain.class.getName(), vips);
    processes.add(p);
    await()
        .atMost(Duration.ofSeconds(60))
        .failFast(() -> !p.isAlive())
        .until(() -> Files.readString(log).contains("READY"));
    return p;
  }

  private static Set<String> arpingMacs(String vip, int count) throws IOException {
    String out =
        Netns.run(
            "ip",
            "netns",
            "exec",
            ns("cli"),
            "arping",
            "-c",
            "" + count,
            "-w",
            "" + (count + 2),
            "-I",
            Netns.IF,
            vip);
    Set<String> macs = new TreeSet<>();
    Matcher m = Pattern.compile("reply from \\S+ \\[([0-9A-Fa-f:]+)\\]").matcher(out);
    int replies = 0;
    while (m.find()) {
      macs.add(m.group(1).toLowerCase(Locale.ROOT));
      replies++;
    }
    assertThat(replies).as(out).isGreaterThanOrEqualTo(count);
    return macs;
  }

  private static String neighbour(String ip) throws IOException {
    return Netns.run("ip", "-n", ns("cli"), "neigh", "show", "dev", Netns.IF, ip);
  }

  @Test
  void arpingSeesExactlyOneMacAndItIsTheOwners() throws IOException {
    responder("n1", VIP4, VIP6);
    responder("n2", OTHER_VIP4);

    assertThat(arpingMacs(VIP4, 3)).containsExactly(mac("n1"));
    assertThat(arpingMacs(OTHER_VIP4, 1)).containsExactly(mac("n2"));
  }

  @Test
  void ndisc6ResolvesTheIpv6VipToTheOwnerOnly() throws IOException {
    responder("n1", VIP4, VIP6);
    responder("n2", OTHER_VIP4);

    String out =
        Netns.run(
            "ip", "netns", "exec", ns("cli"), "ndisc6", "-m", "-n", "-r", "2", VIP6, Netns.IF);

    Matcher m = Pattern.compile("Target link-layer address: ([0-9A-Fa-f:]+)").matcher(out);
    Set<String> macs = new TreeSet<>();
    while (m.find()) {
      macs.add(m.group(1).toLowerCase(Locale.ROOT));
    }
    assertThat(macs).as(out).containsExactly(mac("n1")); // one answer per retry, all from n1
  }

  @Test
  void unicastNeighborSolicitationWithoutSourceLinkLayerOptionIsAnswered() throws IOException {
    responder("n1", VIP6);

    Netns.Result r =
        Netns.exec(
            "ip",
            "netns",
            "exec",
            ns("cli"),
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            Netns.classpath(),
            NsProbeMain.class.getName(),
            Netns.IF,
            mac("cli"),
            Netns.v6("cli"),
            mac("n1"),
            VIP6);

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output())
        .contains("NA target " + VIP6 + " from " + mac("n1") + " to " + mac("cli") + " S=1 O=0");
  }

  @Test
  void killingTheOwnerAndOwningOnAnotherNodeMovesTheClientsNeighbourEntries()
      throws IOException, InterruptedException {
    Process owner = responder("n1", VIP4, VIP6);
    // the client's kernel resolves the VIPs for a datagram (bash /dev/udp; no ping installed)
    Netns.run(
        "ip",
        "netns",
        "exec",
        ns("cli"),
        "bash",
        "-c",
        "echo x > /dev/udp/" + VIP4 + "/9; echo x > /dev/udp/" + VIP6 + "/9");
    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () -> {
              assertThat(neighbour(VIP4)).contains(mac("n1"));
              assertThat(neighbour(VIP6)).contains(mac("n1"));
            });

    owner.destroyForcibly(); // kill -9: no goodbye packets
    owner.waitFor();
    responder("n2", VIP4, VIP6);

    await()
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(
            () -> {
              assertThat(neighbour(VIP4)).contains(mac("n2"));
              assertThat(neighbour(VIP6)).contains(mac("n2"));
            });
  }
}

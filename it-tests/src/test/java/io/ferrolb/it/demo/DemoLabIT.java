package io.ferrolb.it.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ferrolb demo --lab} as a user runs it: a separate JVM ({@code io.ferrolb.app.Main demo
 * --lab}) that builds the {@code flbdemo*} namespaces, starts a speaker process and a router, tells
 * the tutorial's story and removes everything. The test reads only what the demo prints, then
 * checks that no namespace or link is left. Root and iproute2 only; skips with a message otherwise.
 */
class DemoLabIT {
  static final Duration RUN = Duration.ofMinutes(4);
  static final Path OUT = Path.of("target", "demo-lab-it");

  @BeforeAll
  static void needsRootAndIproute2() throws IOException {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        () ->
            "demo --lab IT skipped: needs root (running as "
                + System.getProperty("user.name")
                + ")");
    Assumptions.assumeTrue(
        installed("ip"), "demo --lab IT skipped: iproute2 (ip) is not installed");
    Files.createDirectories(OUT);
  }

  /** The demo removes its lab itself; this is for a demo that was killed before it could. */
  @AfterAll
  static void removeWhatAKilledDemoLeft() throws Exception {
    if (!installed("ip")) {
      return;
    }
    for (String line : run("ip", "netns", "list").split("\n")) {
      String ns = line.strip().split("\\s+")[0];
      if (ns.startsWith("flbdemo")) {
        for (String pid : run("ip", "netns", "pids", ns).split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        run("ip", "netns", "del", ns);
      }
    }
    run("ip", "link", "del", "flbdemo-api");
  }

  @Test
  void theClientArpsTheNodesMacAndTheRouterLearnsAndDropsTheRoute() throws Exception {
    String out = demo("auto.out", "AUTO", null);

    assertThat(out)
        .containsPattern("desoapp +LoadBalancer +10\\.105\\.105\\.211 +203\\.0\\.113\\.200 ")
        .contains(
            "0 of 51 addresses of pool metallb-ip-space in use  (203.0.113.200 is free again)")
        .contains("lab removed: processes stopped, namespaces and links flbdemo* deleted");
    if (installed("arping")) {
      assertArpAnswersWithTheNodesMac(out);
    }
    if (Files.isExecutable(Path.of("/usr/lib/frr/bgpd")) || installed("bird")) {
      assertRouteLearnedAndWithdrawn(out);
    } else {
      assertThat(out).contains("router step skipped");
    }
    assertNothingLeft();
  }

  @Test
  void birdLearnsTheRouteWhenItIsTheRouter() throws Exception {
    Assumptions.assumeTrue(installed("bird") && installed("birdc"), "BIRD is not installed");

    String out = demo("bird.out", "BIRD", null);

    assertThat(out).contains("router flbdemo-router: BIRD, AS 64496");
    assertRouteLearnedAndWithdrawn(out);
    assertThat(out).contains("via 203.0.113.11 on flbdemo-eth0");
    assertNothingLeft();
  }

  @Test
  void stoppingTheDemoMidwayStillRemovesTheLab() throws Exception {
    String out = demo("stopped.out", "AUTO", "speaker ready:");

    assertThat(out)
        .contains("speaker ready:")
        .contains("lab removed: processes stopped, namespaces and links flbdemo* deleted")
        .doesNotContain("is free again");
    assertNothingLeft();
  }

  static void assertArpAnswersWithTheNodesMac(String out) {
    Matcher reply =
        Pattern.compile("Unicast reply from 203\\.0\\.113\\.200 \\[([0-9A-Fa-f:]{17})\\]")
            .matcher(out);
    Matcher node =
        Pattern.compile("node flbdemo-node flbdemo-eth0 has MAC ([0-9a-f:]{17})").matcher(out);
    assertThat(reply.find()).as(out).isTrue();
    assertThat(node.find()).as(out).isTrue();
    assertThat(reply.group(1).toLowerCase()).isEqualTo(node.group(1));
  }

  static void assertRouteLearnedAndWithdrawn(String out) {
    assertThat(out)
        .contains("router: learned 203.0.113.200/32 via 203.0.113.11 (the node) from BGP")
        .contains("router: 203.0.113.200/32 withdrawn");
    int learned = out.indexOf("router: learned");
    // the router's own output, between its command line and the summary, names the next hop
    String shown = out.substring(out.lastIndexOf("# in flbdemo-router", learned), learned);
    assertThat(shown).contains("203.0.113.200/32").contains("203.0.113.11");
  }

  /**
   * Runs the demo to its end, or until it printed {@code stopAfter} and then got SIGTERM (what a
   * Ctrl-C does to the JVM's shutdown hooks); returns what it printed.
   */
  static String demo(String file, String router, String stopAfter) throws Exception {
    Path log = OUT.resolve(file);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath(),
                "io.ferrolb.app.Main",
                "demo",
                "--lab",
                "--lab-router",
                router));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Instant end = Instant.now().plus(RUN);
    try {
      if (stopAfter != null) {
        await()
            .atMost(RUN)
            .pollInterval(Duration.ofMillis(200))
            .until(() -> Files.readString(log).contains(stopAfter) || !p.isAlive());
        assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
        p.destroy();
      }
      assertThat(p.waitFor(Duration.between(Instant.now(), end).toMillis(), TimeUnit.MILLISECONDS))
          .as("demo exited within %s", RUN)
          .isTrue();
    } finally {
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    if (stopAfter == null) {
      assertThat(p.exitValue()).as(out).isZero();
    }
    return out;
  }

  static void assertNothingLeft() throws Exception {
    assertThat(run("ip", "netns", "list")).doesNotContain("flbdemo");
    assertThat(run("ip", "-br", "link", "show")).doesNotContain("flbdemo");
  }

  static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  static boolean installed(String program) {
    return Stream.of("/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/")
        .anyMatch(d -> Files.isExecutable(Path.of(d + program)));
  }

  static String classpath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }
}

package io.ferrolb.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  @Test
  void theTutorialRunsEndToEndOnTheEmbeddedApi() {
    PrintStream original = System.out;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      exit = Main.commandLine().execute("demo");
    } finally {
      System.setOut(original);
    }
    String out = buffer.toString(StandardCharsets.UTF_8);

    assertThat(exit).as(out).isZero();
    assertThat(out)
        .contains("configmap/config created")
        .containsPattern("desoapp +LoadBalancer +10\\.105\\.105\\.211 +203\\.0\\.113\\.200 ")
        .contains("speaker demo-node: owns 203.0.113.200 for test-loadbalancer/desoapp")
        .contains("1 of 51 addresses of pool metallb-ip-space in use")
        .contains("True Layer2: 203.0.113.200 answered in Layer 2 by node \"demo-node\"")
        .contains(
            "0 of 51 addresses of pool metallb-ip-space in use  (203.0.113.200 is free again)");
  }

  @Test
  void theLabRunsOnTheEmbeddedApiOnly() {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
      exit = Main.commandLine().execute("demo", "--lab", "--kubeconfig", "/nonexistent");
    } finally {
      System.setErr(original);
    }

    assertThat(exit).isEqualTo(2);
    assertThat(buffer.toString(StandardCharsets.UTF_8))
        .isEqualTo("demo --lab: runs on the embedded API only; drop --kubeconfig\n");
  }
}

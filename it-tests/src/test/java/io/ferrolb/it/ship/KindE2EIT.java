package io.ferrolb.it.ship;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * scripts/kind-e2e.sh as a test: only with {@code -Pkind} (system property ferrolb.kind=true), and
 * skipped with the script's own line where docker, a docker daemon, kind or kubectl is missing.
 */
class KindE2EIT {
  private static final Path SCRIPT = Path.of("..", "scripts", "kind-e2e.sh").toAbsolutePath();
  private static final Path LOG = Path.of("target", "kind-e2e.log").toAbsolutePath();

  @Test
  void theTutorialRunsOnAKindClusterAndThePageAnswersAtTheExternalIp() throws Exception {
    Assumptions.assumeTrue(
        Boolean.getBoolean("ferrolb.kind"),
        "skipped: the kind end-to-end runs only with -Pkind (mvn -Pkind verify -pl it-tests -am)");
    Files.createDirectories(LOG.getParent());
    Process p =
        new ProcessBuilder("bash", SCRIPT.toString())
            .redirectErrorStream(true)
            .redirectOutput(LOG.toFile())
            .start();
    try {
      // cluster creation, an image build and pulls: generous, but bounded
      assertThat(p.waitFor(30, TimeUnit.MINUTES)).as("kind-e2e.sh finished in 30 min").isTrue();
    } finally {
      if (p.isAlive()) {
        p.destroy(); // SIGTERM: the script's trap deletes the cluster
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    List<String> lines = Files.readAllLines(LOG);
    String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    assertThat(p.exitValue()).as("exit code of kind-e2e.sh; see " + LOG).isZero();
    Assumptions.assumeFalse(last.startsWith("kind-e2e: skipped:"), last);
    assertThat(last).as("last line of " + LOG).startsWith("kind-e2e: OK ").contains("whoami-");
  }
}

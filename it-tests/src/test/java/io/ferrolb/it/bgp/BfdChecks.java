package io.ferrolb.it.bgp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferrolb.it.support.Sh;
import java.time.Duration;
import java.util.concurrent.Callable;

/** The two BFD failure checks every BFD interop test makes, with 300 ms x 3 profiles. */
final class BfdChecks {
  private BfdChecks() {}

  /**
   * Freezes the speaker (no FIN, no NOTIFICATION: only BFD can tell) and waits until {@code
   * routeGone} holds; returns the milliseconds it took, which must stay under 3 x 300 ms detection
   * plus polling.
   */
  static long frozenSpeakerWithdrawn(String what, SpeakerProcess s, Callable<Boolean> routeGone)
      throws Exception {
    long t0 = System.nanoTime();
    s.freeze();
    await("route withdrawn")
        .atMost(Duration.ofSeconds(3))
        .pollInterval(Duration.ofMillis(20))
        .until(routeGone);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.println(what + ": route withdrawn " + ms + " ms after the speaker froze");
    assertThat(ms).isLessThan(1200);
    return ms;
  }

  /**
   * Freezes FRR's bfdd and waits until the speaker took its BGP session to {@code peer} down with
   * CEASE/BFD-down and logged BFD Down with diagnostic 1 (detection time expired).
   */
  static void frozenBfddTakesSessionDown(String what, Frr frr, SpeakerProcess s, String peer)
      throws Exception {
    long t0 = System.nanoTime();
    Sh.sh("kill -STOP $(cat " + frr.dir() + "/bfdd.pid)");
    try {
      await("speaker closed the BGP session")
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> s.log().contains("sending NOTIFICATION CEASE_BFD_DOWN(6"));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println(what + ": speaker took BGP down " + ms + " ms after bfdd froze");
      assertThat(ms).isLessThan(1500);
      assertThat(s.log()).contains("BFD " + peer + ": UP -> DOWN (diag 1)");
    } finally {
      Sh.sh("kill -CONT $(cat " + frr.dir() + "/bfdd.pid)");
    }
  }
}

package io.ferrolb.adapters.l2.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalFailureDetectorTest {
  private static final long MS = 1_000_000L;
  private final LocalFailureDetector<String> detector =
      new LocalFailureDetector<>(Duration.ofMillis(550), Duration.ofMillis(150));

  @Test
  void newMembersCountAsJustHeard() {
    detector.view(List.of("b", "c"), 0);

    assertThat(detector.dead(549 * MS)).isEmpty();
    assertThat(detector.dead(550 * MS)).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void aMemberThatKeepsTalkingIsNeverDead() {
    detector.view(List.of("b"), 0);
    for (long t = 100; t <= 5_000; t += 100) {
      detector.heard("b", t * MS);
      assertThat(detector.dead(t * MS + 99 * MS)).isEmpty();
    }
  }

  @Test
  void aSilentMemberIsDeadAfterTheSilenceLimitOnly() {
    detector.view(List.of("b", "c"), 0);
    detector.heard("b", 1_000 * MS);
    detector.heard("c", 1_000 * MS);
    detector.heard("c", 1_400 * MS);

    assertThat(detector.dead(1_549 * MS)).isEmpty();
    assertThat(detector.dead(1_550 * MS)).containsExactly("b");
    assertThat(detector.dead(1_950 * MS)).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void aDeadMemberThatSpeaksAgainIsAliveAgain() {
    detector.view(List.of("b"), 0);
    assertThat(detector.dead(600 * MS)).containsExactly("b");

    detector.heard("b", 700 * MS);

    assertThat(detector.dead(700 * MS)).isEmpty();
  }

  @Test
  void aClosedConnectionIsConfirmedByAShortSilence() {
    detector.view(List.of("b", "c"), 0);
    detector.heard("b", 1_000 * MS);
    detector.heard("c", 1_000 * MS);

    detector.reportedDead(List.of("b"), 1_020 * MS);

    assertThat(detector.dead(1_149 * MS)).isEmpty();
    assertThat(detector.dead(1_150 * MS)).containsExactly("b");
  }

  @Test
  void aReportedMemberThatStillTalksIsKeptAndTheReportForgotten() {
    detector.view(List.of("b"), 0);
    detector.heard("b", 1_000 * MS);
    detector.reportedDead(List.of("b"), 1_010 * MS);

    // a message in flight when the report came does not refute it ...
    detector.heard("b", 1_050 * MS);
    assertThat(detector.dead(1_200 * MS)).containsExactly("b");
    // ... one sent well after it does: the process is alive, its connection only broke
    detector.heard("b", 1_160 * MS);
    assertThat(detector.dead(1_300 * MS)).isEmpty();
    assertThat(detector.dead(1_500 * MS)).as("the report was forgotten").isEmpty();
    assertThat(detector.dead(1_710 * MS)).as("plain silence still counts").containsExactly("b");
  }

  @Test
  void reportsAndMessagesAboutNonMembersAreIgnored() {
    detector.view(List.of("b"), 0);

    detector.reportedDead(List.of("x"), 10 * MS);
    detector.heard("x", 10 * MS);

    assertThat(detector.dead(500 * MS)).isEmpty();
    detector.heard("b", 500 * MS);
    detector.view(List.of("b", "x"), 500 * MS);
    assertThat(detector.dead(600 * MS)).as("x joined at 500 ms, its old report is gone").isEmpty();
  }

  @Test
  void aNewViewForgetsMembersThatLeftItAndKeepsTheOthersState() {
    detector.view(List.of("b", "c"), 0);
    detector.heard("c", 400 * MS);
    detector.reportedDead(List.of("b"), 400 * MS);

    detector.view(List.of("c"), 450 * MS);

    assertThat(detector.dead(949 * MS)).isEmpty();
    assertThat(detector.dead(950 * MS)).containsExactly("c");
    detector.view(List.of("b", "c"), 960 * MS);
    assertThat(detector.dead(1_000 * MS))
        .as("b rejoined: a new start, the old report does not apply")
        .containsExactly("c");
  }

  @Test
  void rejectsTimingsThatCannotWork() {
    assertThatThrownBy(() -> new LocalFailureDetector<String>(Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("silenceLimit: 0 ms");
    assertThatThrownBy(
            () -> new LocalFailureDetector<String>(Duration.ofMillis(100), Duration.ofMillis(200)))
        .hasMessageContaining("deathConfirm: 200 ms (expected: 0..100 ms)");
  }
}

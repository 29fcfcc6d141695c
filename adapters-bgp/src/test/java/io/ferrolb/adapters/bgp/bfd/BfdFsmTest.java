package io.ferrolb.adapters.bgp.bfd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BfdFsmTest {
  private static BfdFsm.Session in(BfdState s) {
    return BfdFsm.Session.initial(42).withState(s, 0);
  }

  private static BfdPacket from(BfdState s) {
    return new BfdPacket(
        0, s, false, false, 3, 7, s == BfdState.DOWN ? 0 : 42, 300_000, 300_000, 0);
  }

  static List<Arguments> table() {
    return List.of(
        Arguments.of(BfdState.DOWN, BfdState.DOWN, BfdState.INIT),
        Arguments.of(BfdState.DOWN, BfdState.INIT, BfdState.UP),
        Arguments.of(BfdState.DOWN, BfdState.UP, BfdState.DOWN),
        Arguments.of(BfdState.INIT, BfdState.INIT, BfdState.UP),
        Arguments.of(BfdState.INIT, BfdState.UP, BfdState.UP),
        Arguments.of(BfdState.INIT, BfdState.DOWN, BfdState.INIT),
        Arguments.of(BfdState.UP, BfdState.UP, BfdState.UP),
        Arguments.of(BfdState.UP, BfdState.INIT, BfdState.UP),
        Arguments.of(BfdState.UP, BfdState.DOWN, BfdState.DOWN),
        Arguments.of(BfdState.UP, BfdState.ADMIN_DOWN, BfdState.DOWN));
  }

  @ParameterizedTest(name = "local {0}, remote says {1} -> {2}")
  @MethodSource("table")
  void receptionFollowsRfc5880Section682(BfdState local, BfdState remote, BfdState next) {
    assertThat(BfdFsm.receive(in(local), from(remote)).session().state()).isEqualTo(next);
  }

  @Test
  void goingUpStartsAPollToAnnounceTheFasterInterval() {
    BfdFsm.Session up = BfdFsm.receive(in(BfdState.INIT), from(BfdState.UP)).session();
    assertThat(up.pollPending()).isTrue();
    assertThat(BfdFsm.packet(up, false, 3, 300_000, 300_000).poll()).isTrue();
    BfdPacket fin = new BfdPacket(0, BfdState.UP, false, true, 3, 7, 42, 300_000, 300_000, 0);
    assertThat(BfdFsm.receive(up, fin).session().pollPending()).isFalse();
  }

  @Test
  void aPollIsAnsweredWithFinal() {
    BfdPacket poll = new BfdPacket(0, BfdState.UP, true, false, 3, 7, 42, 300_000, 300_000, 0);
    assertThat(BfdFsm.receive(in(BfdState.UP), poll).sendFinal()).isTrue();
  }

  @Test
  void aPassiveSessionSendsOnlyOnceItHasHeardThePeerAndStopsAgainAfterATimeout() {
    BfdFsm.Session fresh = BfdFsm.Session.initial(42);
    assertThat(BfdFsm.maySend(fresh, false)).as("active: from the start").isTrue();
    assertThat(BfdFsm.maySend(fresh, true)).as("passive: not before the peer's packet").isFalse();

    BfdFsm.Session heard = BfdFsm.receive(fresh, from(BfdState.DOWN)).session();
    assertThat(BfdFsm.maySend(heard, true)).isTrue();

    BfdFsm.Session up = BfdFsm.receive(heard, from(BfdState.INIT)).session();
    BfdFsm.Session timedOut = BfdFsm.detectionTimeout(up);
    assertThat(BfdFsm.maySend(timedOut, true))
        .as("RemoteDiscr is zero again after a detection timeout (RFC 5880 §6.8.1)")
        .isFalse();
  }

  @Test
  void detectionTimeoutTakesUpDownWithDiagnostic1() {
    BfdFsm.Session up = BfdFsm.receive(in(BfdState.UP), from(BfdState.UP)).session();
    assertThat(BfdFsm.detectionTime(up, 300_000)).isEqualTo(900_000);
    BfdFsm.Session down = BfdFsm.detectionTimeout(up);
    assertThat(down.state()).isEqualTo(BfdState.DOWN);
    assertThat(down.localDiagnostic()).isEqualTo(BfdPacket.DIAG_DETECTION_TIME_EXPIRED);
  }

  @Test
  void transmitsNoFasterThanOncePerSecondUntilUp() {
    assertThat(BfdFsm.txInterval(in(BfdState.DOWN), 300_000)).isEqualTo(1_000_000);
    BfdFsm.Session up = BfdFsm.receive(in(BfdState.UP), from(BfdState.UP)).session();
    assertThat(BfdFsm.txInterval(up, 300_000)).isEqualTo(300_000);
  }
}

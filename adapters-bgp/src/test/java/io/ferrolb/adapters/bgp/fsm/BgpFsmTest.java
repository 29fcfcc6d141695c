package io.ferrolb.adapters.bgp.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.BgpError;
import io.ferrolb.adapters.bgp.codec.Capability;
import io.ferrolb.adapters.bgp.codec.Notification;
import io.ferrolb.adapters.bgp.codec.Octets;
import io.ferrolb.adapters.bgp.codec.Open;
import io.ferrolb.adapters.bgp.codec.RouteRefresh;
import io.ferrolb.adapters.bgp.codec.Update;
import io.ferrolb.adapters.bgp.fsm.Action.CloseConnection;
import io.ferrolb.adapters.bgp.fsm.Action.Connect;
import io.ferrolb.adapters.bgp.fsm.Action.CountUpdate;
import io.ferrolb.adapters.bgp.fsm.Action.Negotiate;
import io.ferrolb.adapters.bgp.fsm.Action.ResendRoutes;
import io.ferrolb.adapters.bgp.fsm.Action.SendKeepalive;
import io.ferrolb.adapters.bgp.fsm.Action.SendNotification;
import io.ferrolb.adapters.bgp.fsm.Action.SendOpen;
import io.ferrolb.adapters.bgp.fsm.Action.SessionDown;
import io.ferrolb.adapters.bgp.fsm.Action.SessionUp;
import io.ferrolb.adapters.bgp.fsm.Action.StartTimer;
import io.ferrolb.adapters.bgp.fsm.Action.StopTimer;
import io.ferrolb.domain.pool.IpAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BgpFsmTest {
  private static final long ME = 4_200_000_001L;
  private static final long PEER = 64496;
  private static final FsmConfig CONFIG =
      new FsmConfig(
          ME,
          PEER,
          IpAddress.parse("203.0.113.11"),
          Duration.ofSeconds(90),
          Optional.empty(),
          Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST),
          Optional.of(Duration.ofSeconds(120)),
          Duration.ofSeconds(1),
          Duration.ofSeconds(120),
          Duration.ofSeconds(10));
  private static final BgpFsm FSM = new BgpFsm(CONFIG);

  private static final Open PEER_OPEN =
      Open.of(
          PEER,
          180,
          IpAddress.parse("203.0.113.1"),
          List.of(
              new Capability.MultiProtocol(AddressFamily.IPV4_UNICAST),
              new Capability.RouteRefreshCapability(),
              new Capability.FourOctetAs(PEER)));
  private static final Negotiated NEG =
      new Negotiated(
          PEER,
          IpAddress.parse("203.0.113.1"),
          Duration.ofSeconds(90),
          Duration.ofSeconds(30),
          true,
          Set.of(AddressFamily.IPV4_UNICAST),
          true,
          false);

  private static FsmState st(SessionState s) {
    boolean neg = s == SessionState.OPEN_CONFIRM || s == SessionState.ESTABLISHED;
    return new FsmState(s, 0, neg ? Optional.of(NEG) : Optional.empty());
  }

  private static List<Action> failActions(Optional<BgpError> notify, Reason r, String detail) {
    Stream<Action> n =
        notify
            .map(e -> Stream.<Action>of(new SendNotification(Notification.of(e))))
            .orElse(Stream.empty());
    return Stream.concat(
            n,
            Stream.of(
                new CloseConnection(),
                new StopTimer(TimerKind.HOLD),
                new StopTimer(TimerKind.KEEPALIVE),
                new SessionDown(r, detail),
                new StartTimer(TimerKind.CONNECT_RETRY, Duration.ofSeconds(1))))
        .toList();
  }

  static List<Arguments> table() {
    Optional<BgpError> none = Optional.empty();
    return List.of(
        Arguments.of(
            "idle, start: dial",
            SessionState.IDLE,
            new Event.ManualStart(),
            SessionState.CONNECT,
            List.of(
                new Connect(), new StartTimer(TimerKind.CONNECT_RETRY, Duration.ofSeconds(10)))),
        Arguments.of(
            "idle, back-off over: dial again",
            SessionState.IDLE,
            new Event.ConnectRetryExpired(),
            SessionState.CONNECT,
            List.of(
                new Connect(), new StartTimer(TimerKind.CONNECT_RETRY, Duration.ofSeconds(10)))),
        Arguments.of(
            "idle, stale hold timer: ignored",
            SessionState.IDLE,
            new Event.HoldTimerExpired(),
            SessionState.IDLE,
            List.of()),
        Arguments.of(
            "connect, TCP up: send OPEN, 4 min hold",
            SessionState.CONNECT,
            new Event.TcpConnected(),
            SessionState.OPEN_SENT,
            List.of(
                new StopTimer(TimerKind.CONNECT_RETRY),
                new SendOpen(FSM.localOpen()),
                new StartTimer(TimerKind.HOLD, Duration.ofMinutes(4)))),
        Arguments.of(
            "connect, dial timed out: dial again",
            SessionState.CONNECT,
            new Event.ConnectRetryExpired(),
            SessionState.CONNECT,
            List.of(
                new CloseConnection(),
                new Connect(),
                new StartTimer(TimerKind.CONNECT_RETRY, Duration.ofSeconds(10)))),
        Arguments.of(
            "connect, refused: idle with back-off",
            SessionState.CONNECT,
            new Event.TcpFailed("refused"),
            SessionState.IDLE,
            failActions(none, Reason.TCP_FAILED, "refused")),
        Arguments.of(
            "open sent, good OPEN: keepalive, negotiated hold 90 s",
            SessionState.OPEN_SENT,
            new Event.OpenReceived(PEER_OPEN),
            SessionState.OPEN_CONFIRM,
            List.of(
                new Negotiate(NEG),
                new SendKeepalive(),
                new StartTimer(TimerKind.KEEPALIVE, Duration.ofSeconds(30)),
                new StartTimer(TimerKind.HOLD, Duration.ofSeconds(90)))),
        Arguments.of(
            "open sent, OPEN from the wrong AS: bad peer AS",
            SessionState.OPEN_SENT,
            new Event.OpenReceived(Open.of(65000, 180, IpAddress.parse("203.0.113.1"), List.of())),
            SessionState.IDLE,
            failActions(
                Optional.of(BgpError.BAD_PEER_AS),
                Reason.OPEN_REJECTED,
                "peer AS 65000 (expected: 64496)")),
        Arguments.of(
            "open sent, KEEPALIVE before OPEN: FSM error",
            SessionState.OPEN_SENT,
            new Event.KeepaliveReceived(),
            SessionState.IDLE,
            failActions(
                Optional.of(BgpError.FSM_ERROR),
                Reason.FSM_ERROR,
                "KeepaliveReceived in OPEN_SENT")),
        Arguments.of(
            "open sent, hold timer: hold timer expired",
            SessionState.OPEN_SENT,
            new Event.HoldTimerExpired(),
            SessionState.IDLE,
            failActions(
                Optional.of(BgpError.HOLD_TIMER_EXPIRED),
                Reason.HOLD_TIMER_EXPIRED,
                "no KEEPALIVE or UPDATE within the hold time")),
        Arguments.of(
            "open confirm, KEEPALIVE: established",
            SessionState.OPEN_CONFIRM,
            new Event.KeepaliveReceived(),
            SessionState.ESTABLISHED,
            List.of(new StartTimer(TimerKind.HOLD, Duration.ofSeconds(90)), new SessionUp(NEG))),
        Arguments.of(
            "open confirm, keepalive timer: send keepalive",
            SessionState.OPEN_CONFIRM,
            new Event.KeepaliveTimerExpired(),
            SessionState.OPEN_CONFIRM,
            List.of(
                new SendKeepalive(), new StartTimer(TimerKind.KEEPALIVE, Duration.ofSeconds(30)))),
        Arguments.of(
            "open confirm, NOTIFICATION: idle, no answer",
            SessionState.OPEN_CONFIRM,
            new Event.NotificationReceived(Notification.of(BgpError.CEASE)),
            SessionState.IDLE,
            failActions(none, Reason.NOTIFICATION_RECEIVED, "NOTIFICATION CEASE(6/0)")),
        Arguments.of(
            "established, KEEPALIVE: restart hold",
            SessionState.ESTABLISHED,
            new Event.KeepaliveReceived(),
            SessionState.ESTABLISHED,
            List.of(new StartTimer(TimerKind.HOLD, Duration.ofSeconds(90)))),
        Arguments.of(
            "established, UPDATE: counted and dropped",
            SessionState.ESTABLISHED,
            new Event.UpdateReceived(Update.endOfRib(AddressFamily.IPV4_UNICAST)),
            SessionState.ESTABLISHED,
            List.of(new StartTimer(TimerKind.HOLD, Duration.ofSeconds(90)), new CountUpdate())),
        Arguments.of(
            "established, ROUTE-REFRESH ipv4: re-send",
            SessionState.ESTABLISHED,
            new Event.RouteRefreshReceived(new RouteRefresh(AddressFamily.IPV4_UNICAST)),
            SessionState.ESTABLISHED,
            List.of(new ResendRoutes(AddressFamily.IPV4_UNICAST))),
        Arguments.of(
            "established, ROUTE-REFRESH of a family not negotiated: nothing",
            SessionState.ESTABLISHED,
            new Event.RouteRefreshReceived(new RouteRefresh(AddressFamily.IPV6_UNICAST)),
            SessionState.ESTABLISHED,
            List.of()),
        Arguments.of(
            "established, malformed UPDATE: its NOTIFICATION",
            SessionState.ESTABLISHED,
            new Event.DecodeFailed(BgpError.MALFORMED_AS_PATH, Octets.EMPTY, "bad"),
            SessionState.IDLE,
            failActions(Optional.of(BgpError.MALFORMED_AS_PATH), Reason.MALFORMED_MESSAGE, "bad")),
        Arguments.of(
            "established, BFD down: cease at once",
            SessionState.ESTABLISHED,
            new Event.BfdDown(),
            SessionState.IDLE,
            failActions(Optional.of(BgpError.CEASE_BFD_DOWN), Reason.BFD_DOWN, "BFD session down")),
        Arguments.of(
            "established, OPEN again: FSM error",
            SessionState.ESTABLISHED,
            new Event.OpenReceived(PEER_OPEN),
            SessionState.IDLE,
            failActions(
                Optional.of(BgpError.FSM_ERROR), Reason.FSM_ERROR, "OpenReceived in ESTABLISHED")),
        Arguments.of(
            "established, stop: cease administrative shutdown",
            SessionState.ESTABLISHED,
            new Event.ManualStop(),
            SessionState.IDLE,
            List.of(
                new SendNotification(Notification.of(BgpError.CEASE_ADMINISTRATIVE_SHUTDOWN)),
                new CloseConnection(),
                new StopTimer(TimerKind.CONNECT_RETRY),
                new StopTimer(TimerKind.HOLD),
                new StopTimer(TimerKind.KEEPALIVE),
                new SessionDown(Reason.MANUAL_STOP, "stopped"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void transitionTable(
      String name, SessionState from, Event event, SessionState to, List<Action> actions) {
    Transition t = FSM.on(st(from), event);
    assertThat(t.next().state()).isEqualTo(to);
    assertThat(t.actions()).containsExactlyElementsOf(actions);
  }

  @Test
  void localOpenCarriesAsTransAndAllCapabilities() {
    Open o = FSM.localOpen();
    assertThat(o.myAsField()).isEqualTo(Open.AS_TRANS);
    assertThat(o.asn()).isEqualTo(ME);
    assertThat(o.supports(AddressFamily.IPV6_UNICAST)).isTrue();
    assertThat(o.supportsRouteRefresh()).isTrue();
    assertThat(o.gracefulRestart().orElseThrow().restartTimeSeconds()).isEqualTo(120);
    assertThat(o.gracefulRestart().orElseThrow().restarting()).isTrue();
  }

  @Test
  void backoffDoublesUpToTheMaximum() {
    assertThat(FSM.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(FSM.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(FSM.backoff(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(FSM.backoff(30)).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void failuresAccumulateAndEstablishedResetsThem() {
    FsmState s = new FsmState(SessionState.CONNECT, 3, Optional.empty());
    Transition t = FSM.on(s, new Event.TcpFailed("x"));
    assertThat(t.next().failures()).isEqualTo(4);
    assertThat(t.actions())
        .contains(new StartTimer(TimerKind.CONNECT_RETRY, Duration.ofSeconds(8)));
    Transition up =
        FSM.on(
            new FsmState(SessionState.OPEN_CONFIRM, 4, Optional.of(NEG)),
            new Event.KeepaliveReceived());
    assertThat(up.next().failures()).isZero();
  }

  @ParameterizedTest(name = "dynamicASN external, peer AS {0}: accepted={1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "64496, true",
    "65000, true",
    "4200000002, true",
    // our own AS would make it iBGP: not what "external" accepts
    "4200000001, false"
  })
  void dynamicExternalAsnAcceptsAnyAsButOurs(long peerAs, boolean accepted) {
    FsmConfig dynamic =
        new FsmConfig(
            ME,
            ME, // placeholder: ignored when any external AS is accepted
            IpAddress.parse("203.0.113.11"),
            Duration.ofSeconds(90),
            Optional.empty(),
            Set.of(AddressFamily.IPV4_UNICAST),
            Optional.empty(),
            Duration.ofSeconds(1),
            Duration.ofSeconds(120),
            Duration.ofSeconds(10),
            true);
    assertThat(dynamic.ibgp()).isFalse();
    Open open =
        Open.of(
            peerAs,
            180,
            IpAddress.parse("203.0.113.1"),
            List.of(
                new Capability.MultiProtocol(AddressFamily.IPV4_UNICAST),
                new Capability.FourOctetAs(peerAs)));
    Transition t = new BgpFsm(dynamic).on(st(SessionState.OPEN_SENT), new Event.OpenReceived(open));
    assertThat(t.next().state())
        .isEqualTo(accepted ? SessionState.OPEN_CONFIRM : SessionState.IDLE);
    if (!accepted) {
      assertThat(t.actions())
          .first()
          .isEqualTo(new SendNotification(Notification.of(BgpError.BAD_PEER_AS)));
    }
  }

  @Test
  void peerWithoutFourOctetSupportIsRejectedForOurFourOctetAsn() {
    Open old = new Open(4, (int) PEER, 180, IpAddress.parse("203.0.113.1"), List.of());
    Transition t = FSM.on(st(SessionState.OPEN_SENT), new Event.OpenReceived(old));
    assertThat(t.next().state()).isEqualTo(SessionState.IDLE);
    assertThat(t.actions())
        .first()
        .isEqualTo(
            new SendNotification(
                Notification.of(BgpError.UNSUPPORTED_CAPABILITY, Octets.of(65, 4))));
  }

  @Test
  void holdTimeZeroMeansNoKeepalives() {
    Open zero =
        Open.of(PEER, 0, IpAddress.parse("203.0.113.1"), List.of(new Capability.FourOctetAs(PEER)));
    Transition t = FSM.on(st(SessionState.OPEN_SENT), new Event.OpenReceived(zero));
    assertThat(t.next().negotiated().orElseThrow().holdTime()).isZero();
    assertThat(t.actions()).contains(new StopTimer(TimerKind.HOLD));
    assertThat(t.actions()).noneMatch(a -> a instanceof StartTimer);
  }
}

package io.ferrolb.adapters.bgp.fsm;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.BgpError;
import io.ferrolb.adapters.bgp.codec.Capability;
import io.ferrolb.adapters.bgp.codec.Notification;
import io.ferrolb.adapters.bgp.codec.Octets;
import io.ferrolb.adapters.bgp.codec.Open;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The BGP FSM (RFC 4271 §8) as a pure function: {@code on(state, event)} returns the next state and
 * the actions to carry out. No I/O, no clock, no threads.
 *
 * <p>This speaker always dials (like MetalLB's native speaker), so there is no listening side and
 * no connection collision. After any failure it goes to IDLE and starts the connect-retry timer
 * with exponential back-off; its expiry dials again. Every unexpected (state, event) pair on an
 * open connection answers with an FSM error NOTIFICATION; stale timer events in IDLE/CONNECT are
 * ignored.
 */
public final class BgpFsm {
  private final FsmConfig config;

  public BgpFsm(FsmConfig config) {
    this.config = config;
  }

  public FsmConfig config() {
    return config;
  }

  /** The OPEN this speaker sends. */
  public Open localOpen() {
    List<Capability> caps = new ArrayList<>();
    for (AddressFamily f : config.families()) {
      caps.add(new Capability.MultiProtocol(f));
    }
    caps.sort((a, b) -> Integer.compare(afiOf(a), afiOf(b)));
    caps.add(new Capability.RouteRefreshCapability());
    caps.add(new Capability.FourOctetAs(config.localAsn()));
    config
        .gracefulRestartTime()
        .ifPresent(
            t ->
                caps.add(
                    new Capability.GracefulRestart(
                        true, // R: this process (re)started and is sending its table anew
                        false,
                        (int) Math.min(t.toSeconds(), 0xFFF),
                        config.families().stream()
                            .sorted((a, b) -> Integer.compare(a.afi(), b.afi()))
                            .map(f -> new Capability.GrFamily(f, true))
                            .toList())));
    return Open.of(config.localAsn(), (int) config.holdTime().toSeconds(), config.routerId(), caps);
  }

  private static int afiOf(Capability c) {
    return c instanceof Capability.MultiProtocol mp ? mp.family().afi() : 0;
  }

  /** Back-off before the next dial after {@code failures} consecutive failures. */
  public Duration backoff(int failures) {
    Duration d = config.connectRetryMin();
    for (int i = 1; i < failures && d.compareTo(config.connectRetryMax()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(config.connectRetryMax()) > 0 ? config.connectRetryMax() : d;
  }

  public Transition on(FsmState s, Event e) {
    return switch (s.state()) {
      case IDLE -> idle(s, e);
      case CONNECT, ACTIVE -> connect(s, e);
      case OPEN_SENT -> openSent(s, e);
      case OPEN_CONFIRM -> openConfirm(s, e);
      case ESTABLISHED -> established(s, e);
    };
  }

  private Transition idle(FsmState s, Event e) {
    if (e instanceof Event.ManualStart || e instanceof Event.ConnectRetryExpired) {
      return new Transition(
          new FsmState(SessionState.CONNECT, s.failures(), Optional.empty()),
          List.of(new Connect(), new StartTimer(TimerKind.CONNECT_RETRY, config.connectTimeout())),
          e instanceof Event.ManualStart ? Reason.MANUAL_START : Reason.CONNECT_RETRY_EXPIRED);
    }
    if (e instanceof Event.ManualStop) {
      return new Transition(s, stopAllTimers(), Reason.MANUAL_STOP);
    }
    return ignore(s);
  }

  private Transition connect(FsmState s, Event e) {
    if (e instanceof Event.TcpConnected) {
      return new Transition(
          new FsmState(SessionState.OPEN_SENT, s.failures(), Optional.empty()),
          List.of(
              new StopTimer(TimerKind.CONNECT_RETRY),
              new SendOpen(localOpen()),
              new StartTimer(TimerKind.HOLD, FsmConfig.OPEN_SENT_HOLD)),
          Reason.TCP_CONNECTED);
    }
    if (e instanceof Event.ConnectRetryExpired) {
      // RFC 4271 §8.2.2 Connect state, event 9: drop the attempt, dial again
      return new Transition(
          s,
          List.of(
              new CloseConnection(),
              new Connect(),
              new StartTimer(TimerKind.CONNECT_RETRY, config.connectTimeout())),
          Reason.CONNECT_RETRY_EXPIRED);
    }
    if (e instanceof Event.TcpFailed f) {
      return fail(s, Optional.empty(), Reason.TCP_FAILED, f.detail());
    }
    if (e instanceof Event.ManualStop) {
      return stop(s, false);
    }
    return ignore(s);
  }

  private Transition openSent(FsmState s, Event e) {
    if (e instanceof Event.OpenReceived o) {
      return acceptOpen(s, o.open());
    }
    return common(s, e);
  }

  private Transition openConfirm(FsmState s, Event e) {
    Negotiated n = s.negotiated().orElseThrow();
    if (e instanceof Event.KeepaliveReceived) {
      List<Action> actions = new ArrayList<>();
      actions.add(holdRestart(n));
      actions.add(new SessionUp(n));
      return new Transition(
          new FsmState(SessionState.ESTABLISHED, 0, s.negotiated()), actions, Reason.ESTABLISHED);
    }
    if (e instanceof Event.KeepaliveTimerExpired) {
      return keepalive(s, n);
    }
    return common(s, e);
  }

  private Transition established(FsmState s, Event e) {
    Negotiated n = s.negotiated().orElseThrow();
    if (e instanceof Event.KeepaliveReceived) {
      return new Transition(s, List.of(holdRestart(n)), Reason.KEEPALIVE);
    }
    if (e instanceof Event.UpdateReceived) {
      return new Transition(s, List.of(holdRestart(n), new CountUpdate()), Reason.UPDATE_RECEIVED);
    }
    if (e instanceof Event.KeepaliveTimerExpired) {
      return keepalive(s, n);
    }
    if (e instanceof Event.RouteRefreshReceived r) {
      List<Action> a = new ArrayList<>();
      if (n.families().contains(r.request().family())) {
        a.add(new ResendRoutes(r.request().family()));
      }
      return new Transition(s, a, Reason.ROUTE_REFRESH_RECEIVED);
    }
    return common(s, e);
  }

  /** Events handled alike in OPEN_SENT, OPEN_CONFIRM and ESTABLISHED. */
  private Transition common(FsmState s, Event e) {
    if (e instanceof Event.ManualStop) {
      return stop(s, true);
    }
    if (e instanceof Event.HoldTimerExpired) {
      return fail(
          s,
          Optional.of(Notification.of(BgpError.HOLD_TIMER_EXPIRED)),
          Reason.HOLD_TIMER_EXPIRED,
          "no KEEPALIVE or UPDATE within the hold time");
    }
    if (e instanceof Event.TcpFailed f) {
      return fail(s, Optional.empty(), Reason.TCP_FAILED, f.detail());
    }
    if (e instanceof Event.NotificationReceived n) {
      return fail(s, Optional.empty(), Reason.NOTIFICATION_RECEIVED, n.notification().toString());
    }
    if (e instanceof Event.DecodeFailed d) {
      return fail(
          s,
          Optional.of(Notification.of(d.error(), d.data())),
          Reason.MALFORMED_MESSAGE,
          d.message());
    }
    if (e instanceof Event.BfdDown) {
      return fail(
          s,
          Optional.of(Notification.of(BgpError.CEASE_BFD_DOWN)),
          Reason.BFD_DOWN,
          "BFD session down");
    }
    if (e instanceof Event.KeepaliveTimerExpired
        || e instanceof Event.ConnectRetryExpired
        || e instanceof Event.ManualStart
        || e instanceof Event.TcpConnected) {
      return ignore(s); // stale timer or duplicate start
    }
    return fail(
        s,
        Optional.of(Notification.of(BgpError.FSM_ERROR)),
        Reason.FSM_ERROR,
        e.getClass().getSimpleName() + " in " + s.state());
  }

  private Transition acceptOpen(FsmState s, Open peer) {
    if (!config.acceptsPeerAsn(peer.asn())) {
      return fail(
          s,
          Optional.of(Notification.of(BgpError.BAD_PEER_AS)),
          Reason.OPEN_REJECTED,
          "peer AS "
              + peer.asn()
              + (config.anyExternalPeerAsn()
                  ? " (expected: any external AS, not our " + config.localAsn() + ")"
                  : " (expected: " + config.peerAsn() + ")"));
    }
    if (config.ibgp() && peer.bgpIdentifier().equals(config.routerId())) {
      return fail(
          s,
          Optional.of(Notification.of(BgpError.BAD_BGP_ID)),
          Reason.OPEN_REJECTED,
          "peer BGP identifier " + peer.bgpIdentifier() + " equals ours (RFC 6286 §2.2)");
    }
    boolean as4 = peer.fourOctetAs().isPresent();
    if (!as4 && config.localAsn() > 0xFFFF) {
      return fail(
          s,
          Optional.of(Notification.of(BgpError.UNSUPPORTED_CAPABILITY, Octets.of(65, 4))),
          Reason.OPEN_REJECTED,
          "peer lacks 4-octet AS support, our ASN " + config.localAsn() + " needs it");
    }
    long hold = Math.min(config.holdTime().toSeconds(), peer.holdTimeSeconds());
    Duration holdTime = Duration.ofSeconds(hold);
    Duration keepalive =
        hold == 0
            ? Duration.ZERO
            : config
                .keepalive()
                .filter(k -> !k.isZero() && k.compareTo(holdTime) < 0)
                .orElse(Duration.ofSeconds(Math.max(1, hold / 3))); // RFC 4271 §10
    Set<AddressFamily> families = new HashSet<>();
    for (AddressFamily f : config.families()) {
      boolean peerHas =
          peer.supports(f) || (peer.hasNoMultiProtocol() && f.equals(AddressFamily.IPV4_UNICAST));
      if (peerHas) {
        families.add(f);
      }
    }
    Negotiated n =
        new Negotiated(
            peer.asn(),
            peer.bgpIdentifier(),
            holdTime,
            keepalive,
            as4,
            families,
            peer.supportsRouteRefresh(),
            peer.gracefulRestart().isPresent() && config.gracefulRestartTime().isPresent());
    List<Action> actions = new ArrayList<>();
    actions.add(new Negotiate(n));
    actions.add(new SendKeepalive());
    if (hold == 0) {
      actions.add(new StopTimer(TimerKind.HOLD));
    } else {
      actions.add(new StartTimer(TimerKind.KEEPALIVE, keepalive));
      actions.add(new StartTimer(TimerKind.HOLD, holdTime));
    }
    return new Transition(
        new FsmState(SessionState.OPEN_CONFIRM, s.failures(), Optional.of(n)),
        actions,
        Reason.OPEN_ACCEPTED);
  }

  private Action holdRestart(Negotiated n) {
    return n.holdTime().isZero()
        ? new StopTimer(TimerKind.HOLD)
        : new StartTimer(TimerKind.HOLD, n.holdTime());
  }

  private Transition keepalive(FsmState s, Negotiated n) {
    return new Transition(
        s,
        List.of(new SendKeepalive(), new StartTimer(TimerKind.KEEPALIVE, n.keepalive())),
        Reason.KEEPALIVE);
  }

  /** Any failure: optionally notify, close, go IDLE and retry after back-off. */
  private Transition fail(FsmState s, Optional<Notification> notify, Reason reason, String detail) {
    int failures = s.failures() + 1;
    List<Action> a = new ArrayList<>();
    notify.ifPresent(n -> a.add(new Action.SendNotification(n)));
    a.add(new CloseConnection());
    a.add(new StopTimer(TimerKind.HOLD));
    a.add(new StopTimer(TimerKind.KEEPALIVE));
    a.add(new SessionDown(reason, detail));
    a.add(new StartTimer(TimerKind.CONNECT_RETRY, backoff(failures)));
    return new Transition(new FsmState(SessionState.IDLE, failures, Optional.empty()), a, reason);
  }

  private Transition stop(FsmState s, boolean connected) {
    List<Action> a = new ArrayList<>();
    if (connected) {
      a.add(new SendNotification(Notification.of(BgpError.CEASE_ADMINISTRATIVE_SHUTDOWN)));
    }
    a.add(new CloseConnection());
    a.addAll(stopAllTimers());
    a.add(new SessionDown(Reason.MANUAL_STOP, "stopped"));
    return new Transition(
        new FsmState(SessionState.IDLE, 0, Optional.empty()), a, Reason.MANUAL_STOP);
  }

  private static List<Action> stopAllTimers() {
    return List.of(
        new StopTimer(TimerKind.CONNECT_RETRY),
        new StopTimer(TimerKind.HOLD),
        new StopTimer(TimerKind.KEEPALIVE));
  }

  private static Transition ignore(FsmState s) {
    return new Transition(s, List.of(), Reason.IGNORED);
  }
}

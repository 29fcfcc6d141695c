package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.bfd.BfdSession;
import io.ferrolb.adapters.bgp.bfd.BfdState;
import io.ferrolb.adapters.bgp.bfd.BfdStatistics;
import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.Keepalive;
import io.ferrolb.adapters.bgp.codec.Update;
import io.ferrolb.adapters.bgp.fsm.Action;
import io.ferrolb.adapters.bgp.fsm.BgpFsm;
import io.ferrolb.adapters.bgp.fsm.Event;
import io.ferrolb.adapters.bgp.fsm.FsmConfig;
import io.ferrolb.adapters.bgp.fsm.FsmState;
import io.ferrolb.adapters.bgp.fsm.Negotiated;
import io.ferrolb.adapters.bgp.fsm.SessionState;
import io.ferrolb.adapters.bgp.fsm.Transition;
import io.ferrolb.adapters.bgp.rib.Route;
import io.ferrolb.adapters.bgp.rib.RouteDiff;
import io.ferrolb.domain.pool.Cidr;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One BGP session: a thin shell that feeds events into the pure {@link BgpFsm} and carries out its
 * actions on one netty event loop, on the {@link SessionConnection} and the {@link SessionTimers},
 * which feed their events back. The route API is declarative, like MetalLB's {@code Session.Set}:
 * {@link #setAdvertisements} always gets the whole desired set, and the session sends only the
 * difference, packing prefixes with equal attributes into as few UPDATEs as fit. Received UPDATEs
 * are counted and dropped.
 */
public final class BgpSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BgpSession.class);

  private final BgpSessionConfig config;
  private final EventLoop loop;
  private final BgpSessionListener listener;
  private final BgpFsm fsm;
  private final NextHops nextHops;
  private final SessionTimers timers;
  private final SessionConnection connection;

  // all fields below are confined to the event loop
  private FsmState state = FsmState.INITIAL;
  private Map<Cidr, Advertisement> desired = Map.of();
  // desired.size(), readable from any thread (desired itself belongs to the event loop)
  private volatile int desiredPrefixes;
  private Map<Cidr, Route> sent = new HashMap<>();
  private long updatesReceived;
  private Optional<String> lastDownReason = Optional.empty();
  private boolean closed;
  private SessionState previous = SessionState.IDLE;
  private volatile BfdSession bfdSession;
  private volatile SessionStatus status =
      new SessionStatus(SessionState.IDLE, Optional.empty(), 0, 0, 0, Optional.empty());

  BgpSession(BgpSessionConfig config, EventLoop loop, BgpSessionListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.nextHops = new NextHops(config);
    this.timers = new SessionTimers(loop, this::fire);
    this.connection = new SessionConnection(config, loop, this::fire);
    this.fsm =
        new BgpFsm(
            new FsmConfig(
                config.myAsn(),
                config.peerAsn(),
                config.routerId(),
                config.holdTime(),
                config.keepalive(),
                Set.of(AddressFamily.IPV4_UNICAST, AddressFamily.IPV6_UNICAST),
                config.gracefulRestartTime(),
                config.connectRetryMin(),
                config.connectRetryMax(),
                config.connectTimeout(),
                config.anyExternalPeerAsn()));
  }

  public BgpSessionConfig config() {
    return config;
  }

  public SessionStatus status() {
    return status;
  }

  /**
   * How many prefixes the last {@link #setAdvertisements} asks to announce (merged by prefix),
   * whether or not the session is up: MetalLB's {@code metallb_bgp_pending_prefixes_total}.
   */
  public int desiredPrefixes() {
    return desiredPrefixes;
  }

  void start() {
    loop.execute(() -> fire(new Event.ManualStart()));
  }

  /**
   * Converges the announced routes to exactly {@code advertisements}. Advertisements of the same
   * prefix are merged: communities united; different local preferences are rejected.
   *
   * @throws IllegalArgumentException for conflicting local preferences of one prefix
   */
  public void setAdvertisements(Set<Advertisement> advertisements) {
    Map<Cidr, Advertisement> merged = Advertisement.merge(advertisements);
    desiredPrefixes = merged.size();
    loop.execute(
        () -> {
          desired = merged;
          if (state.state() == SessionState.ESTABLISHED) {
            sync();
            publish();
          }
        });
  }

  void attachBfd(BfdSession session) {
    this.bfdSession = session;
  }

  /** The BFD state of this session's peer, if BFD is configured. */
  public Optional<BfdState> bfdState() {
    BfdSession b = bfdSession;
    return b == null ? Optional.empty() : Optional.of(b.state());
  }

  /** The BFD session's state and counters, if BFD is configured. */
  public Optional<BfdStatistics> bfdStatistics() {
    BfdSession b = bfdSession;
    return b == null ? Optional.empty() : Optional.of(b.statistics());
  }

  /** BFD declared the peer down: the session goes down at once (RFC 5882 §4.3). */
  public void bfdDown() {
    loop.execute(() -> fire(new Event.BfdDown()));
  }

  /** Sends CEASE/administrative shutdown if connected and stops for good. */
  @Override
  public void close() {
    BfdSession b = bfdSession;
    if (b != null) {
      b.close();
    }
    onLoopAndWait(
        "close",
        () -> {
          fire(new Event.ManualStop());
          closed = true;
          return true;
        });
  }

  /**
   * Runs {@code task} on the session's event loop and waits up to 5 s for its result; empty if it
   * did not finish in time (logged) or this thread was interrupted.
   */
  private <T> Optional<T> onLoopAndWait(String what, Supplier<T> task) {
    CompletableFuture<T> done = new CompletableFuture<>();
    loop.execute(() -> done.complete(task.get()));
    try {
      return Optional.of(done.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("peer {}: {} did not finish in 5 s", config.peerAddress(), what, e);
    }
    return Optional.empty();
  }

  /**
   * Stops this session the way a restarting speaker does (RFC 4724 §4): when graceful restart was
   * negotiated and the session is established, the connection is closed without a NOTIFICATION (a
   * NOTIFICATION makes the peer flush our routes at once, RFC 4724 §4.2), so the peer keeps our
   * routes, marked stale, for the restart time we advertised and keeps forwarding on them until the
   * restarted speaker re-announces and sends End-of-RIB. BFD stops silently too (no AdminDown).
   * Otherwise the same as {@link #close()}.
   *
   * @return true if the session was closed for a restart, false if it sent CEASE
   */
  public boolean closeForRestart() {
    BfdSession b = bfdSession;
    boolean restart =
        onLoopAndWait(
                "closeForRestart",
                () -> {
                  boolean gracefulRestart =
                      !closed
                          && state.state() == SessionState.ESTABLISHED
                          && state.negotiated().map(Negotiated::gracefulRestart).orElse(false);
                  if (gracefulRestart) {
                    closed = true;
                    timers.stopAll();
                    connection.closeNow();
                  }
                  return gracefulRestart;
                })
            .orElse(false);
    if (restart) {
      if (b != null) {
        b.close();
      }
      LOG.info(
          "peer {}: closed for a restart without NOTIFICATION; it keeps the routes for {} s",
          config.peerAddress(),
          config.gracefulRestartTime().map(Duration::toSeconds).orElse(0L));
      return true;
    }
    close();
    return false;
  }

  // ------------------------------------------------------------------ FSM shell (event loop)

  private void fire(Event e) {
    if (closed) {
      return;
    }
    Transition t = fsm.on(state, e);
    SessionState before = state.state();
    previous = before;
    state = t.next();
    if (before != state.state()) {
      LOG.debug("peer {}: {} -> {} ({})", config.peerAddress(), before, state.state(), t.reason());
    }
    for (Action a : t.actions()) {
      execute(a);
    }
    publish();
  }

  private void execute(Action a) {
    if (a instanceof Action.Connect) {
      connection.connect();
    } else if (a instanceof Action.CloseConnection) {
      connection.close();
    } else if (a instanceof Action.SendOpen o) {
      connection.write(o.open(), true);
    } else if (a instanceof Action.SendKeepalive) {
      connection.write(Keepalive.INSTANCE, true);
    } else if (a instanceof Action.SendNotification n) {
      LOG.info("peer {}: sending {}", config.peerAddress(), n.notification());
      connection.write(n.notification(), true);
    } else if (a instanceof Action.StartTimer st) {
      timers.start(st.timer(), st.after());
    } else if (a instanceof Action.StopTimer st) {
      timers.stop(st.timer());
    } else if (a instanceof Action.Negotiate n) {
      connection.fourOctetAs(n.negotiated().fourOctetAs());
    } else if (a instanceof Action.SessionUp up) {
      LOG.info(
          "peer {}: up (AS {}, hold {}s, families {})",
          config.peerAddress(),
          up.negotiated().peerAsn(),
          up.negotiated().holdTime().toSeconds(),
          up.negotiated().families());
      sent = new HashMap<>();
      sync();
      for (AddressFamily f : up.negotiated().families()) {
        connection.write(Update.endOfRib(f), false); // RFC 4724 §2, after the initial table
      }
      connection.flush();
    } else if (a instanceof Action.SessionDown down) {
      lastDownReason = Optional.of(down.reason() + ": " + down.detail());
      sent = new HashMap<>();
      if (previous == SessionState.ESTABLISHED || previous == SessionState.OPEN_CONFIRM) {
        LOG.info("peer {}: down ({}: {})", config.peerAddress(), down.reason(), down.detail());
      } else {
        LOG.debug("peer {}: down ({}: {})", config.peerAddress(), down.reason(), down.detail());
      }
    } else if (a instanceof Action.ResendRoutes r) {
      resend(r.family());
    } else if (a instanceof Action.CountUpdate) {
      updatesReceived++;
    }
  }

  private void publish() {
    SessionStatus s =
        new SessionStatus(
            state.state(),
            state.negotiated(),
            updatesReceived,
            connection.updatesSent(),
            sent.size(),
            lastDownReason);
    if (!s.equals(status)) {
      status = s;
      try {
        listener.statusChanged(s);
      } catch (RuntimeException ex) {
        LOG.warn("peer {}: status listener failed", config.peerAddress(), ex);
      }
    }
  }

  // ------------------------------------------------------------------ Adj-RIB-Out

  /** Sends the difference between what was sent and what is desired ({@link RouteDiff}). */
  private void sync() {
    Negotiated n = state.negotiated().orElseThrow();
    Map<Cidr, Route> want =
        nextHops.resolve(desired.values(), n.families(), connection.localAddress());
    for (Update u : RouteDiff.diff(sent, want, export(n))) {
      connection.write(u, false);
    }
    sent = new HashMap<>(want);
    connection.flush();
  }

  private void resend(AddressFamily family) {
    for (Update u : RouteDiff.resend(sent, family, export(state.negotiated().orElseThrow()))) {
      connection.write(u, false);
    }
    connection.flush();
  }

  private RouteDiff.Export export(Negotiated n) {
    return new RouteDiff.Export(config.myAsn(), config.ibgp(), n.fourOctetAs());
  }
}

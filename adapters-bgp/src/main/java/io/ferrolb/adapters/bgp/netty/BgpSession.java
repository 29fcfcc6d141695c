package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.bfd.BfdSession;
import io.ferrolb.adapters.bgp.bfd.BfdState;
import io.ferrolb.adapters.bgp.bfd.BfdStatistics;
import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.BgpMessage;
import io.ferrolb.adapters.bgp.codec.BgpProtocolException;
import io.ferrolb.adapters.bgp.codec.Community;
import io.ferrolb.adapters.bgp.codec.Keepalive;
import io.ferrolb.adapters.bgp.codec.LargeCommunity;
import io.ferrolb.adapters.bgp.codec.Notification;
import io.ferrolb.adapters.bgp.codec.Open;
import io.ferrolb.adapters.bgp.codec.PathAttribute;
import io.ferrolb.adapters.bgp.codec.RouteRefresh;
import io.ferrolb.adapters.bgp.codec.Update;
import io.ferrolb.adapters.bgp.codec.UpdatePacker;
import io.ferrolb.adapters.bgp.fsm.Action;
import io.ferrolb.adapters.bgp.fsm.BgpFsm;
import io.ferrolb.adapters.bgp.fsm.Event;
import io.ferrolb.adapters.bgp.fsm.FsmConfig;
import io.ferrolb.adapters.bgp.fsm.FsmState;
import io.ferrolb.adapters.bgp.fsm.Negotiated;
import io.ferrolb.adapters.bgp.fsm.SessionState;
import io.ferrolb.adapters.bgp.fsm.TimerKind;
import io.ferrolb.adapters.bgp.fsm.Transition;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One BGP session: a thin shell that feeds events into the pure {@link BgpFsm} and carries out its
 * actions on one netty event loop. The route API is declarative, like MetalLB's {@code
 * Session.Set}: {@link #setAdvertisements} always gets the whole desired set, and the session sends
 * only the difference, packing prefixes with equal attributes into as few UPDATEs as fit. Received
 * UPDATEs are counted and dropped.
 */
public final class BgpSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BgpSession.class);
  private static final int IPPROTO_IP = 0; // linux/in.h
  private static final int IP_TTL = 2; // linux/in.h
  private static final int IPPROTO_IPV6 = 41; // linux/in6.h
  private static final int IPV6_UNICAST_HOPS = 16; // linux/in6.h
  private static final long DEFAULT_IBGP_LOCAL_PREF = 100; // RFC 4271 §5.1.5 common default

  private final BgpSessionConfig config;
  private final EventLoop loop;
  private final BgpSessionListener listener;
  private final BgpFsm fsm;
  private final Map<TimerKind, ScheduledFuture<?>> timers = new EnumMap<>(TimerKind.class);

  // all fields below are confined to the event loop
  private FsmState state = FsmState.INITIAL;
  private Channel channel;
  private Map<Cidr, Advertisement> desired = Map.of();
  // desired.size(), readable from any thread (desired itself belongs to the event loop)
  private volatile int desiredPrefixes;
  private Map<Cidr, Route> sent = new HashMap<>();
  private long updatesReceived;
  private long updatesSent;
  private Optional<String> lastDownReason = Optional.empty();
  private boolean closed;
  private SessionState previous = SessionState.IDLE;
  private volatile BfdSession bfdSession;
  private IpAddress nextHopLookupFor;
  private Map<IpFamily, IpAddress> nextHopByFamily = Map.of();
  private volatile SessionStatus status =
      new SessionStatus(SessionState.IDLE, Optional.empty(), 0, 0, 0, Optional.empty());

  /** The attributes one prefix was (or is to be) sent with; equal attributes share an UPDATE. */
  private record Route(
      IpFamily family,
      List<Community> communities,
      List<LargeCommunity> largeCommunities,
      Optional<Long> localPref,
      IpAddress nextHop,
      Optional<IpAddress> linkLocal) {}

  BgpSession(BgpSessionConfig config, EventLoop loop, BgpSessionListener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.listener = Objects.requireNonNull(listener, "listener");
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
    Map<Cidr, Advertisement> merged = merge(advertisements);
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

  static Map<Cidr, Advertisement> merge(Set<Advertisement> advertisements) {
    Map<Cidr, Advertisement> out = new HashMap<>();
    for (Advertisement a : advertisements) {
      Advertisement prev = out.get(a.prefix());
      if (prev == null) {
        out.put(a.prefix(), a);
        continue;
      }
      if (prev.localPref().isPresent()
          && a.localPref().isPresent()
          && !prev.localPref().equals(a.localPref())) {
        throw new IllegalArgumentException(
            "advertisements of "
                + a.prefix()
                + ": local preferences "
                + prev.localPref().get()
                + " and "
                + a.localPref().get()
                + " conflict (expected: one value per prefix)");
      }
      if (prev.nextHop().isPresent()
          && a.nextHop().isPresent()
          && !prev.nextHop().equals(a.nextHop())) {
        throw new IllegalArgumentException(
            "advertisements of " + a.prefix() + ": next hops conflict (expected: one)");
      }
      Set<Community> cs = new java.util.HashSet<>(prev.communities());
      cs.addAll(a.communities());
      Set<LargeCommunity> ls = new java.util.HashSet<>(prev.largeCommunities());
      ls.addAll(a.largeCommunities());
      out.put(
          a.prefix(),
          new Advertisement(
              a.prefix(),
              cs,
              ls,
              prev.localPref().or(a::localPref),
              prev.nextHop().or(a::nextHop)));
    }
    return out;
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
                    timers.values().forEach(t -> t.cancel(false));
                    timers.clear();
                    Channel ch = channel;
                    channel = null;
                    if (ch != null) {
                      ch.close();
                    }
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
      connect();
    } else if (a instanceof Action.CloseConnection) {
      closeChannel();
    } else if (a instanceof Action.SendOpen o) {
      write(o.open(), true);
    } else if (a instanceof Action.SendKeepalive) {
      write(Keepalive.INSTANCE, true);
    } else if (a instanceof Action.SendNotification n) {
      LOG.info("peer {}: sending {}", config.peerAddress(), n.notification());
      write(n.notification(), true);
    } else if (a instanceof Action.StartTimer st) {
      startTimer(st.timer(), st.after());
    } else if (a instanceof Action.StopTimer st) {
      stopTimer(st.timer());
    } else if (a instanceof Action.Negotiate n) {
      if (channel != null) {
        channel.attr(BgpMessageDecoder.FOUR_OCTET_AS).set(n.negotiated().fourOctetAs());
      }
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
        write(Update.endOfRib(f), false); // RFC 4724 §2, after the initial table
      }
      flush();
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
            updatesSent,
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

  private void startTimer(TimerKind kind, Duration after) {
    stopTimer(kind);
    Object[] self = new Object[1];
    ScheduledFuture<?> f =
        loop.schedule(
            () -> {
              if (timers.get(kind) == self[0]) {
                timers.remove(kind);
                fire(
                    switch (kind) {
                      case CONNECT_RETRY -> new Event.ConnectRetryExpired();
                      case HOLD -> new Event.HoldTimerExpired();
                      case KEEPALIVE -> new Event.KeepaliveTimerExpired();
                    });
              }
            },
            after.toNanos(),
            TimeUnit.NANOSECONDS);
    self[0] = f;
    timers.put(kind, f);
  }

  private void stopTimer(TimerKind kind) {
    ScheduledFuture<?> f = timers.remove(kind);
    if (f != null) {
      f.cancel(false);
    }
  }

  // ------------------------------------------------------------------ connection

  private void connect() {
    closeChannel();
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channel(EpollSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
    InetAddress peer = inet(config.peerAddress());
    config
        .password()
        .ifPresent(
            p ->
                b.option(
                    EpollChannelOption.TCP_MD5SIG,
                    Map.of(peer, p.getBytes(StandardCharsets.US_ASCII))));
    if (config.peerAddress().isV4()) {
      b.option(new IntegerUnixChannelOption("IP_TTL", IPPROTO_IP, IP_TTL), config.ttl());
    } else {
      b.option(
          new IntegerUnixChannelOption("IPV6_UNICAST_HOPS", IPPROTO_IPV6, IPV6_UNICAST_HOPS),
          config.ttl());
    }
    config.sourceAddress().ifPresent(s -> b.localAddress(new InetSocketAddress(inet(s), 0)));
    b.handler(
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast("frame", new BgpFrameDecoder())
                .addLast("decoder", new BgpMessageDecoder())
                .addLast("encoder", BgpMessageEncoder.INSTANCE)
                .addLast("session", new Inbound());
          }
        });
    ChannelFuture f = b.connect(new InetSocketAddress(peer, config.peerPort()));
    Channel ch = f.channel();
    channel = ch;
    f.addListener(
        (ChannelFutureListener)
            future -> {
              if (channel != ch) {
                return;
              }
              if (future.isSuccess()) {
                fire(new Event.TcpConnected());
              } else {
                channel = null;
                fire(new Event.TcpFailed("connect: " + future.cause().getMessage()));
              }
            });
  }

  private void closeChannel() {
    Channel ch = channel;
    channel = null;
    if (ch != null) {
      // writes are ordered, so a NOTIFICATION written just before still goes out
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void write(BgpMessage m, boolean flush) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    if (m instanceof Update) {
      updatesSent++;
    }
    if (flush) {
      ch.writeAndFlush(m, ch.voidPromise());
    } else {
      ch.write(m, ch.voidPromise());
    }
  }

  private void flush() {
    if (channel != null) {
      channel.flush();
    }
  }

  private static InetAddress inet(IpAddress a) {
    try {
      return InetAddress.getByAddress(a.toBytes()); // no DNS: literal bytes
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address bytes of " + a, e);
    }
  }

  /** Netty side of one connection; ignores events from a channel that is no longer current. */
  private final class Inbound extends SimpleChannelInboundHandler<BgpMessage> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, BgpMessage msg) {
      if (ctx.channel() != channel) {
        return;
      }
      if (msg instanceof Open o) {
        fire(new Event.OpenReceived(o));
      } else if (msg instanceof Keepalive) {
        fire(new Event.KeepaliveReceived());
      } else if (msg instanceof Update u) {
        fire(new Event.UpdateReceived(u));
      } else if (msg instanceof Notification n) {
        LOG.info("peer {}: received {}", config.peerAddress(), n);
        fire(new Event.NotificationReceived(n));
      } else if (msg instanceof RouteRefresh r) {
        fire(new Event.RouteRefreshReceived(r));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() == channel) {
        channel = null;
        fire(new Event.TcpFailed("connection closed by peer"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (ctx.channel() != channel) {
        return;
      }
      Throwable c =
          cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
      if (c instanceof BgpProtocolException p) {
        LOG.warn("peer {}: malformed message: {}", config.peerAddress(), p.getMessage());
        fire(new Event.DecodeFailed(p.error(), p.data(), p.getMessage()));
      } else {
        fire(new Event.TcpFailed(String.valueOf(c.getMessage())));
      }
    }
  }

  // ------------------------------------------------------------------ Adj-RIB-Out

  /** Sends the difference between what was sent and what is desired; withdrawals first. */
  private void sync() {
    Negotiated n = state.negotiated().orElseThrow();
    Map<Cidr, Route> want = resolve(n);
    Map<AddressFamily, List<Cidr>> withdraw = new LinkedHashMap<>();
    for (Cidr c : sent.keySet()) {
      if (!want.containsKey(c)) {
        withdraw.computeIfAbsent(AddressFamily.unicast(c.family()), k -> new ArrayList<>()).add(c);
      }
    }
    Map<Route, List<Cidr>> announce = new LinkedHashMap<>();
    for (Map.Entry<Cidr, Route> e : want.entrySet()) {
      if (!e.getValue().equals(sent.get(e.getKey()))) {
        announce.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
      }
    }
    for (Map.Entry<AddressFamily, List<Cidr>> e : withdraw.entrySet()) {
      for (Update u : UpdatePacker.withdraw(e.getKey(), e.getValue())) {
        write(u, false);
      }
    }
    announce(announce, n);
    sent = new HashMap<>(want);
    flush();
  }

  private void resend(AddressFamily family) {
    Negotiated n = state.negotiated().orElseThrow();
    Map<Route, List<Cidr>> groups = new LinkedHashMap<>();
    for (Map.Entry<Cidr, Route> e : sent.entrySet()) {
      if (AddressFamily.unicast(e.getKey().family()).equals(family)) {
        groups.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(e.getKey());
      }
    }
    announce(groups, n);
    flush();
  }

  private void announce(Map<Route, List<Cidr>> groups, Negotiated n) {
    for (Map.Entry<Route, List<Cidr>> e : groups.entrySet()) {
      Route r = e.getKey();
      List<PathAttribute> common = new ArrayList<>();
      common.add(PathAttribute.Origin.IGP);
      common.add(
          config.ibgp()
              ? PathAttribute.AsPath.EMPTY
              : PathAttribute.AsPath.sequence(config.myAsn()));
      if (config.ibgp()) {
        common.add(new PathAttribute.LocalPref(r.localPref().orElse(DEFAULT_IBGP_LOCAL_PREF)));
      }
      if (!r.communities().isEmpty()) {
        common.add(new PathAttribute.Communities(r.communities()));
      }
      if (!r.largeCommunities().isEmpty()) {
        common.add(new PathAttribute.LargeCommunities(r.largeCommunities()));
      }
      List<Cidr> prefixes = e.getValue();
      prefixes.sort(null);
      for (Update u :
          UpdatePacker.announce(
              common,
              AddressFamily.unicast(r.family()),
              r.nextHop(),
              r.linkLocal(),
              prefixes,
              n.fourOctetAs())) {
        write(u, false);
      }
    }
  }

  /** Desired routes with next hops resolved; prefixes of families not negotiated are skipped. */
  private Map<Cidr, Route> resolve(Negotiated n) {
    Map<Cidr, Route> out = new HashMap<>();
    Optional<IpAddress> local = localAddress();
    for (Advertisement a : desired.values()) {
      IpFamily f = a.prefix().family();
      if (!n.families().contains(AddressFamily.unicast(f))) {
        continue;
      }
      Optional<IpAddress> nh = a.nextHop();
      Optional<IpAddress> ll = Optional.empty();
      if (f == IpFamily.IPV4) {
        nh =
            nh.or(config::ipv4NextHop)
                .or(() -> local.filter(IpAddress::isV4))
                .or(() -> sameInterface(local, IpFamily.IPV4));
      } else {
        Optional<IpAddress> localV6 = local.filter(IpAddress::isV6);
        nh =
            nh.or(config::ipv6NextHop)
                .or(() -> localV6.filter(l -> !isLinkLocal(l)))
                .or(() -> sameInterface(local, IpFamily.IPV6));
        ll = config.ipv6LinkLocalNextHop().or(() -> localV6.filter(BgpSession::isLinkLocal));
      }
      if (nh.isEmpty()) {
        LOG.warn(
            "peer {}: no {} next hop for {} (set the session's next hop for that family); skipped",
            config.peerAddress(),
            f,
            a.prefix());
        continue;
      }
      out.put(
          a.prefix(),
          new Route(
              f,
              a.communities().stream().sorted().toList(),
              a.largeCommunities().stream().sorted().toList(),
              config.ibgp() ? a.localPref() : Optional.empty(),
              nh.get(),
              ll));
    }
    return out;
  }

  /**
   * A prefix of the other family than the session's (MetalLB {@code dualStackAddressFamily}): the
   * next hop is this node's global address of that family on the interface the session leaves by
   * (what FRR does), looked up once per local address.
   */
  private Optional<IpAddress> sameInterface(Optional<IpAddress> local, IpFamily family) {
    if (local.isEmpty()) {
      return Optional.empty();
    }
    if (!local.get().equals(nextHopLookupFor)) {
      nextHopLookupFor = local.get();
      nextHopByFamily = new HashMap<>();
      try {
        NetworkInterface nic =
            NetworkInterface.getByInetAddress(InetAddress.getByAddress(local.get().toBytes()));
        if (nic != null) {
          for (InetAddress a : Collections.list(nic.getInetAddresses())) {
            IpAddress ip = IpAddress.fromBytes(a.getAddress());
            if (!a.isLinkLocalAddress() && !a.isLoopbackAddress()) {
              nextHopByFamily.putIfAbsent(ip.family(), ip);
            }
          }
        }
      } catch (IOException e) {
        LOG.debug("peer {}: interface of {} not found", config.peerAddress(), local.get(), e);
      }
    }
    return Optional.ofNullable(nextHopByFamily.get(family));
  }

  private Optional<IpAddress> localAddress() {
    if (channel != null && channel.localAddress() instanceof InetSocketAddress isa) {
      return Optional.of(IpAddress.fromBytes(isa.getAddress().getAddress()));
    }
    return Optional.empty();
  }

  private static boolean isLinkLocal(IpAddress a) {
    return a.isV6() && (a.hi() >>> 54) == (0xFE80L >>> 6); // fe80::/10, RFC 4291 §2.5.6
  }
}

package io.ferrolb.adapters.bgp.bfd;

import io.ferrolb.domain.pool.IpAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One BFD session: single hop (RFC 5881) to the peer's port 3784, or multihop (RFC 5883) to its
 * port 4784; sends from a port in 49152..65535 with TTL 255; packets arrive through the shared
 * {@link BfdEndpoint}. Confined to one event loop.
 */
public final class BfdSession implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BfdSession.class);
  static final int CONTROL_PORT = 3784; // RFC 5881 §4
  static final int MULTIHOP_PORT = 4784; // RFC 5883 §5
  private static final int SOURCE_PORT_MIN = 49152; // RFC 5881 §4
  // RFC 5881 §5 (GTSM); RFC 5883 sets no value for multihop: 255 passes any receiver's minimum
  private static final int TTL = 255;
  private static final int IPPROTO_IP = 0;
  private static final int IP_TTL = 2;
  private static final int IPPROTO_IPV6 = 41;
  private static final int IPV6_UNICAST_HOPS = 16;

  private final IpAddress peer;
  private final Optional<IpAddress> source;
  private final BfdSettings settings;
  private final EventLoop loop;
  private final Consumer<BfdState> onChange;
  private final BfdEndpoint endpoint;
  private volatile BfdFsm.Session session;
  private Channel tx;
  private ScheduledFuture<?> txTimer;
  private ScheduledFuture<?> detectTimer;
  private boolean closed;
  // written on the loop only, read by metrics scrapes
  private volatile long controlReceived;
  private volatile long controlSent;
  private volatile long upEvents;
  private volatile long downEvents;

  BfdSession(
      BfdEndpoint endpoint,
      IpAddress peer,
      Optional<IpAddress> source,
      BfdSettings settings,
      EventLoop loop,
      long discriminator,
      Consumer<BfdState> onChange) {
    this.endpoint = endpoint;
    this.peer = peer;
    this.source = source;
    this.settings = settings;
    this.loop = loop;
    this.onChange = onChange;
    this.session = BfdFsm.Session.initial(discriminator);
  }

  public IpAddress peer() {
    return peer;
  }

  boolean multihop() {
    return settings.multihop();
  }

  BfdSettings settings() {
    return settings;
  }

  long discriminator() {
    return session.localDiscriminator();
  }

  void start() {
    loop.execute(
        () -> {
          bindTx(0);
          scheduleTx();
        });
  }

  private void bindTx(int attempt) {
    int port = SOURCE_PORT_MIN + ThreadLocalRandom.current().nextInt(65536 - SOURCE_PORT_MIN);
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channelFactory(
                () ->
                    new EpollDatagramChannel(
                        peer.isV4() ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6))
            .handler(
                new SimpleChannelInboundHandler<DatagramPacket>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {}
                });
    if (peer.isV4()) {
      b.option(new IntegerUnixChannelOption("IP_TTL", IPPROTO_IP, IP_TTL), TTL);
    } else {
      b.option(
          new IntegerUnixChannelOption("IPV6_UNICAST_HOPS", IPPROTO_IPV6, IPV6_UNICAST_HOPS), TTL);
    }
    InetAddress local =
        source
            .map(BfdSession::inet)
            .orElse(inet(peer.isV4() ? IpAddress.v4(0) : IpAddress.v6(0, 0)));
    b.bind(new InetSocketAddress(local, port))
        .addListener(
            f -> {
              if (f.isSuccess()) {
                tx = ((io.netty.channel.ChannelFuture) f).channel();
              } else if (attempt < 10) {
                bindTx(attempt + 1);
              } else {
                LOG.warn("BFD {}: cannot bind a source port", peer, f.cause());
              }
            });
  }

  private void scheduleTx() {
    if (closed) {
      return;
    }
    long interval = BfdFsm.txInterval(session, micros(settings.minTxInterval()));
    // RFC 5880 §6.8.7: jitter to 75..100 % (75..90 % with a multiplier of 1)
    double max = settings.detectMultiplier() == 1 ? 0.9 : 1.0;
    long delay = (long) (interval * ThreadLocalRandom.current().nextDouble(0.75, max));
    txTimer =
        loop.schedule(
            () -> {
              send(false);
              scheduleTx();
            },
            delay,
            TimeUnit.MICROSECONDS);
  }

  private void send(boolean fin) {
    if (tx == null || closed || !BfdFsm.maySend(session, settings.passive())) {
      return;
    }
    BfdPacket p =
        BfdFsm.packet(
            session,
            fin,
            settings.detectMultiplier(),
            micros(settings.minTxInterval()),
            micros(settings.minRxInterval()));
    ByteBuf buf = tx.alloc().buffer(BfdCodec.LENGTH);
    BfdCodec.encode(p, buf);
    tx.writeAndFlush(
            new DatagramPacket(buf, new InetSocketAddress(inet(peer), settings.destinationPort())))
        .addListener(
            f -> {
              // listeners of a channel on this loop run on it: a single writer
              if (f.isSuccess()) {
                controlSent++;
              }
            });
  }

  /** A packet from the peer (on the loop). */
  void received(BfdPacket p) {
    if (closed) {
      return;
    }
    controlReceived++;
    BfdState before = session.state();
    BfdFsm.Received r = BfdFsm.receive(session, p);
    session = r.session();
    if (r.sendFinal()) {
      send(true);
    }
    restartDetection();
    changed(before);
  }

  private void restartDetection() {
    if (detectTimer != null) {
      detectTimer.cancel(false);
    }
    long t = BfdFsm.detectionTime(session, micros(settings.minRxInterval()));
    if (t > 0) {
      detectTimer =
          loop.schedule(
              () -> {
                BfdState before = session.state();
                session = BfdFsm.detectionTimeout(session);
                changed(before);
              },
              t,
              TimeUnit.MICROSECONDS);
    }
  }

  private void changed(BfdState before) {
    if (before != session.state()) {
      if (session.state() == BfdState.UP) {
        upEvents++;
      } else if (session.state() == BfdState.DOWN) {
        downEvents++;
      }
      LOG.info(
          "BFD {}: {} -> {} (diag {})", peer, before, session.state(), session.localDiagnostic());
      if (session.state() == BfdState.UP || before == BfdState.UP) {
        // the transmit interval changes with Up: send at once (a Poll when we went Up)
        if (txTimer != null) {
          txTimer.cancel(false);
        }
        send(false);
        scheduleTx();
      }
      onChange.accept(session.state());
    }
  }

  public BfdState state() {
    return session.state();
  }

  /** The state and counters now (any thread). */
  public BfdStatistics statistics() {
    return new BfdStatistics(session.state(), controlReceived, controlSent, upEvents, downEvents);
  }

  @Override
  public void close() {
    loop.execute(
        () -> {
          closed = true;
          if (txTimer != null) {
            txTimer.cancel(false);
          }
          if (detectTimer != null) {
            detectTimer.cancel(false);
          }
          if (tx != null) {
            tx.close();
          }
          endpoint.remove(this);
        });
  }

  private static long micros(java.time.Duration d) {
    return TimeUnit.NANOSECONDS.toMicros(d.toNanos());
  }

  static InetAddress inet(IpAddress a) {
    try {
      return InetAddress.getByAddress(a.toBytes());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}

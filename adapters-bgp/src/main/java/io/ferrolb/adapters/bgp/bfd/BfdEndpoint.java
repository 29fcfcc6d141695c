package io.ferrolb.adapters.bgp.bfd;

import io.ferrolb.domain.pool.IpAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of BFD for one speaker: UDP 3784 for single hop (RFC 5881) and UDP 4784 for
 * multihop (RFC 5883), IPv4 and IPv6, demultiplexed to sessions by Your Discriminator, or while the
 * peer does not know ours by source address and port (RFC 5880 §6.8.6; RFC 5883 §4: one session per
 * address pair, and a node has one session per peer address). The kernel drops packets whose TTL is
 * too low before they reach a socket: 255 on the single-hop ports, each multihop peer's {@code
 * minimumTtl} on the multihop ports (see {@link TtlFilter}).
 */
public final class BfdEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BfdEndpoint.class);
  private static final int IPPROTO_IPV6 = 41; // linux/in.h
  private static final int IPV6_V6ONLY = 26; // linux/in6.h
  private final EventLoop loop;
  private final Map<Long, BfdSession> byDiscriminator = new ConcurrentHashMap<>();
  private final Map<Key, BfdSession> byPeer = new ConcurrentHashMap<>();
  private final Map<Key, Channel> rx = new HashMap<>();

  /** A peer as seen by one of our ports. */
  private record Key(IpAddress peer, boolean multihop) {}

  public BfdEndpoint(EventLoopGroup group) {
    this.loop = group.next();
  }

  /** Opens and starts a session; {@code onChange} runs on the BFD event loop. */
  public synchronized BfdSession open(
      IpAddress peer,
      Optional<IpAddress> source,
      BfdSettings settings,
      Consumer<BfdState> onChange) {
    Key key = new Key(peer, settings.multihop());
    // a session being replaced (closed, then opened again on a config change) may still be
    // registered until its close runs on the loop: the new one takes the address pair over
    Channel ch = bind(peer.isV4(), settings.multihop());
    long disc;
    do {
      disc = ThreadLocalRandom.current().nextLong(1, 0xFFFF_FFFFL);
    } while (byDiscriminator.containsKey(disc));
    BfdSession s = new BfdSession(this, peer, source, settings, loop, disc, onChange);
    byDiscriminator.put(disc, s);
    byPeer.put(key, s);
    if (settings.multihop()) {
      refilter(ch, peer.isV4());
    }
    s.start();
    return s;
  }

  void remove(BfdSession s) {
    byDiscriminator.remove(s.discriminator(), s);
    byPeer.remove(new Key(s.peer(), s.multihop()), s);
  }

  /** The multihop port's filter: each multihop peer's minimum TTL, 255 for other sources. */
  private void refilter(Channel ch, boolean v4) {
    Map<IpAddress, Integer> minimum = new HashMap<>();
    byPeer.forEach(
        (k, s) -> {
          if (k.multihop() && k.peer().isV4() == v4) {
            minimum.put(k.peer(), s.settings().acceptedTtl());
          }
        });
    TtlFilter.attach(ch, TtlFilter.program(v4, minimum, TtlFilter.GTSM_TTL));
  }

  private Channel bind(boolean v4, boolean multihop) {
    Key key = new Key(v4 ? IpAddress.v4(0) : IpAddress.v6(0, 0), multihop);
    Channel existing = rx.get(key);
    if (existing != null) {
      return existing;
    }
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channelFactory(
                () ->
                    new EpollDatagramChannel(
                        v4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6))
            .handler(new Rx(multihop));
    if (!v4) {
      // one socket per family: the v4 socket takes IPv4, this one IPv6 only
      b.option(new IntegerUnixChannelOption("IPV6_V6ONLY", IPPROTO_IPV6, IPV6_V6ONLY), 1);
    }
    Channel ch =
        b.bind(
                new InetSocketAddress(
                    BfdSession.inet(key.peer()),
                    multihop ? BfdSession.MULTIHOP_PORT : BfdSession.CONTROL_PORT))
            .syncUninterruptibly()
            .channel();
    // RFC 5881 §5: single hop accepts TTL 255 only; multihop starts so until a peer is added
    TtlFilter.attach(ch, TtlFilter.program(v4, Map.of(), TtlFilter.GTSM_TTL));
    rx.put(key, ch);
    return ch;
  }

  private final class Rx extends SimpleChannelInboundHandler<DatagramPacket> {
    private final boolean multihop;

    Rx(boolean multihop) {
      this.multihop = multihop;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
      BfdPacket p;
      try {
        p = BfdCodec.decode(msg.content());
      } catch (IllegalArgumentException e) {
        LOG.debug("BFD packet from {} discarded: {}", msg.sender(), e.getMessage());
        return;
      }
      BfdSession s =
          p.yourDiscriminator() != 0
              ? byDiscriminator.get(p.yourDiscriminator())
              : byPeer.get(
                  new Key(IpAddress.fromBytes(msg.sender().getAddress().getAddress()), multihop));
      // a discriminator found on the other port belongs to another session type: not ours
      if (s != null && s.multihop() == multihop) {
        s.received(p);
      }
    }
  }

  @Override
  public synchronized void close() {
    rx.values().forEach(Channel::close);
    rx.clear();
  }
}

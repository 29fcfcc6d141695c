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
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of BFD for one speaker: UDP 3784 (IPv4 and IPv6), demultiplexed to sessions by
 * Your Discriminator, or by source address while the peer does not know ours (RFC 5880 §6.8.6).
 */
public final class BfdEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BfdEndpoint.class);
  private final EventLoop loop;
  private final Map<Long, BfdSession> byDiscriminator = new ConcurrentHashMap<>();
  private final Map<IpAddress, BfdSession> byPeer = new ConcurrentHashMap<>();
  private Channel rx4;
  private Channel rx6;

  public BfdEndpoint(EventLoopGroup group) {
    this.loop = group.next();
  }

  /** Opens and starts a session; {@code onChange} runs on the BFD event loop. */
  public synchronized BfdSession open(
      IpAddress peer,
      Optional<IpAddress> source,
      BfdSettings settings,
      Consumer<BfdState> onChange) {
    bind(peer.isV4());
    long disc;
    do {
      disc = ThreadLocalRandom.current().nextLong(1, 0xFFFF_FFFFL);
    } while (byDiscriminator.containsKey(disc));
    BfdSession s = new BfdSession(this, peer, source, settings, loop, disc, onChange);
    byDiscriminator.put(disc, s);
    byPeer.put(peer, s);
    s.start();
    return s;
  }

  void remove(BfdSession s) {
    byDiscriminator.remove(s.discriminator(), s);
    byPeer.remove(s.peer(), s);
  }

  private void bind(boolean v4) {
    if ((v4 ? rx4 : rx6) != null) {
      return;
    }
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channelFactory(
                () ->
                    new EpollDatagramChannel(
                        v4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6))
            .handler(new Rx());
    IpAddress any = v4 ? IpAddress.v4(0) : IpAddress.v6(0, 0);
    Channel ch =
        b.bind(new InetSocketAddress(BfdSession.inet(any), BfdSession.CONTROL_PORT))
            .syncUninterruptibly()
            .channel();
    if (v4) {
      rx4 = ch;
    } else {
      rx6 = ch;
    }
  }

  private final class Rx extends SimpleChannelInboundHandler<DatagramPacket> {
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
              : byPeer.get(IpAddress.fromBytes(msg.sender().getAddress().getAddress()));
      if (s != null) {
        s.received(p);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (rx4 != null) {
      rx4.close();
    }
    if (rx6 != null) {
      rx6.close();
    }
  }
}

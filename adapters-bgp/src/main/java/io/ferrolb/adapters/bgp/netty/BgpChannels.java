package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.domain.pool.IpAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Dials a session's TCP connection with its socket options (TCP-MD5 RFC 2385, TTL for eBGP
 * multihop, source address) and the BGP pipeline: framing, decoder, encoder, then {@code session}.
 */
final class BgpChannels {
  private static final int IPPROTO_IP = 0; // linux/in.h
  private static final int IP_TTL = 2; // linux/in.h
  private static final int IPPROTO_IPV6 = 41; // linux/in6.h
  private static final int IPV6_UNICAST_HOPS = 16; // linux/in6.h

  private BgpChannels() {}

  static ChannelFuture connect(BgpSessionConfig config, EventLoop loop, ChannelHandler session) {
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
                .addLast("session", session);
          }
        });
    return b.connect(new InetSocketAddress(peer, config.peerPort()));
  }

  static InetAddress inet(IpAddress a) {
    try {
      return InetAddress.getByAddress(a.toBytes()); // no DNS: literal bytes
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address bytes of " + a, e);
    }
  }
}

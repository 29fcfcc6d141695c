package io.ferrolb.adapters.bgp.bfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ferrolb.domain.pool.IpAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.IntegerUnixChannelOption;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TtlFilterTest {
  private static final IpAddress PEER4 = IpAddress.parse("198.51.100.7");
  private static final IpAddress OTHER4 = IpAddress.parse("198.51.100.8");
  private static final IpAddress PEER6 = IpAddress.parse("2001:db8::7");
  private static final IpAddress OTHER6 = IpAddress.parse("2001:db8::7:0:0:7");

  /** A minimal IP header with the given source and TTL / hop limit. */
  private static byte[] header(IpAddress source, int ttl) {
    byte[] h = new byte[source.isV4() ? 20 : 40];
    byte[] a = source.toBytes();
    if (source.isV4()) {
      h[8] = (byte) ttl;
      System.arraycopy(a, 0, h, 12, 4);
    } else {
      h[7] = (byte) ttl;
      System.arraycopy(a, 0, h, 8, 16);
    }
    return h;
  }

  @ParameterizedTest(name = "{0} with TTL {1}: accepted={2}")
  @CsvSource({
    // a multihop peer with minimumTtl 254 (one router between us)
    "198.51.100.7, 255, true",
    "198.51.100.7, 254, true",
    "198.51.100.7, 253, false",
    "198.51.100.7, 1, false",
    // any other source: the single-hop rule, 255 only
    "198.51.100.8, 255, true",
    "198.51.100.8, 254, false",
    "2001:db8::7, 254, true",
    "2001:db8::7, 253, false",
    // differs from the peer only in the last word: the address compare must see all 16 bytes
    "2001:db8::7:0:0:7, 254, false",
    "2001:db8::7:0:0:7, 255, true",
  })
  void aPacketPassesWhenItsTtlReachesItsSourcesMinimum(String source, int ttl, boolean accepted) {
    IpAddress src = IpAddress.parse(source);
    List<TtlFilter.Insn> program =
        TtlFilter.program(src.isV4(), Map.of(PEER4, 254, PEER6, 254), TtlFilter.GTSM_TTL);
    assertThat(TtlFilter.accepts(program, header(src, ttl))).isEqualTo(accepted);
  }

  @Test
  void eachPeerHasItsOwnMinimum() {
    List<TtlFilter.Insn> program = TtlFilter.program(true, Map.of(PEER4, 250, OTHER4, 254), 255);
    assertThat(TtlFilter.accepts(program, header(PEER4, 250))).isTrue();
    assertThat(TtlFilter.accepts(program, header(OTHER4, 250))).isFalse();
    assertThat(TtlFilter.accepts(program, header(OTHER4, 254))).isTrue();
  }

  @Test
  void peersOfTheOtherFamilyAreLeftOutOfTheProgram() {
    assertThat(TtlFilter.program(true, Map.of(PEER6, 1), 255))
        .isEqualTo(TtlFilter.program(true, Map.of(), 255));
  }

  @Test
  void aMinimumOutsideOneTo255IsRejected() {
    assertThatThrownBy(() -> TtlFilter.program(true, Map.of(PEER4, 0), 255))
        .hasMessageContaining("BFD minimum TTL: 0 (expected: 1..255)");
  }

  @Test
  void singleHopAccepts255OnlyAndMultihopItsMinimumOnPort4784() {
    BfdSettings single = BfdSettings.defaults();
    BfdSettings multi = new BfdSettings(Duration.ofMillis(300), Duration.ofMillis(300), 3, true);
    assertThat(single.acceptedTtl()).isEqualTo(255);
    assertThat(single.destinationPort()).isEqualTo(3784);
    assertThat(multi.acceptedTtl()).isEqualTo(254);
    assertThat(multi.destinationPort()).isEqualTo(4784);
    assertThatThrownBy(
            () -> new BfdSettings(Duration.ofMillis(300), Duration.ofMillis(300), 3, true, 256))
        .hasMessageContaining("BFD minimumTtl: 256 (expected: 1..255)");
  }

  // The kernel runs the program: a datagram on loopback keeps the TTL it was sent with.

  private static EventLoopGroup group;

  @BeforeAll
  static void loop() {
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterAll
  static void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"127.0.0.1", "::1"})
  void theKernelDropsDatagramsBelowTheMinimum(String host) throws Exception {
    boolean v4 = !host.contains(":");
    SocketProtocolFamily family = v4 ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    List<Integer> got = new CopyOnWriteArrayList<>();
    Channel rx =
        new Bootstrap()
            .group(group)
            .channelFactory(() -> new EpollDatagramChannel(family))
            .handler(
                new SimpleChannelInboundHandler<DatagramPacket>() {
                  @Override
                  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket msg) {
                    got.add((int) msg.content().getByte(0));
                  }
                })
            .bind(new InetSocketAddress(host, 0))
            .sync()
            .channel();
    TtlFilter.attach(rx, TtlFilter.program(v4, Map.of(), 255));
    try {
      for (int ttl : new int[] {254, 64, 255}) {
        Channel tx =
            new Bootstrap()
                .group(group)
                .channelFactory(() -> new EpollDatagramChannel(family))
                .handler(
                    new SimpleChannelInboundHandler<DatagramPacket>() {
                      @Override
                      protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket m) {}
                    })
                .option(
                    v4
                        ? new IntegerUnixChannelOption("IP_TTL", 0, 2)
                        : new IntegerUnixChannelOption("IPV6_UNICAST_HOPS", 41, 16),
                    ttl)
                .bind(new InetSocketAddress(host, 0))
                .sync()
                .channel();
        tx.writeAndFlush(
                new DatagramPacket(
                    Unpooled.wrappedBuffer(new byte[] {(byte) (ttl == 255 ? 1 : 2)}),
                    (InetSocketAddress) rx.localAddress()))
            .sync();
        tx.close().sync();
      }
      await().atMost(Duration.ofSeconds(2)).until(() -> !got.isEmpty());
      // the 255 datagram was sent last: the earlier ones would have arrived before it
      assertThat(got).containsExactly(1);
    } finally {
      rx.close().sync();
    }
  }
}

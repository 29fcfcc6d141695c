package io.ferrolb.adapters.bgp;

import io.ferrolb.adapters.bgp.bfd.BfdCodec;
import io.ferrolb.adapters.bgp.bfd.BfdPacket;
import io.ferrolb.adapters.bgp.bfd.BfdState;
import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.BgpError;
import io.ferrolb.adapters.bgp.codec.BgpMessage;
import io.ferrolb.adapters.bgp.codec.BgpMessageCodec;
import io.ferrolb.adapters.bgp.codec.Capability;
import io.ferrolb.adapters.bgp.codec.Community;
import io.ferrolb.adapters.bgp.codec.Keepalive;
import io.ferrolb.adapters.bgp.codec.LargeCommunity;
import io.ferrolb.adapters.bgp.codec.Notification;
import io.ferrolb.adapters.bgp.codec.Octets;
import io.ferrolb.adapters.bgp.codec.Open;
import io.ferrolb.adapters.bgp.codec.PathAttribute;
import io.ferrolb.adapters.bgp.codec.RouteRefresh;
import io.ferrolb.adapters.bgp.codec.Update;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Writes the seeds of this module's fuzz corpora with our own encoders, so each seed is a real
 * message of one kind (the vendor captures already there stay as they are). Run from the module
 * directory after a change of the encoders: {@code java -cp
 * target/test-classes:target/classes:<deps> io.ferrolb.adapters.bgp.FuzzSeeds}. Not a test.
 */
public final class FuzzSeeds {
  private static final Path BGP =
      Path.of(
          "src/test/resources/io/ferrolb/adapters/bgp/codec/BgpDecoderFuzzTestInputs"
              + "/decoderOnlyEverThrowsProtocolExceptions");
  private static final Path BFD =
      Path.of(
          "src/test/resources/io/ferrolb/adapters/bgp/bfd/BfdCodecFuzzTestInputs"
              + "/decoderOnlyEverDiscardsWithAReason");

  private FuzzSeeds() {}

  public static void main(String[] args) throws IOException {
    Files.createDirectories(BGP);
    Files.createDirectories(BFD);
    IpAddress id = IpAddress.parse("192.0.2.1");
    bgp("keepalive", Keepalive.INSTANCE, true);
    bgp("notification-hold-timer-expired", Notification.of(BgpError.HOLD_TIMER_EXPIRED), true);
    // RFC 9003: shutdown communication, a length octet and UTF-8 text
    byte[] text = "maintenance".getBytes(StandardCharsets.UTF_8);
    byte[] shutdown = new byte[text.length + 1];
    shutdown[0] = (byte) text.length;
    System.arraycopy(text, 0, shutdown, 1, text.length);
    bgp(
        "notification-cease-shutdown-communication",
        Notification.of(BgpError.CEASE_ADMINISTRATIVE_SHUTDOWN, new Octets(shutdown)),
        true);
    bgp("route-refresh-ipv4", new RouteRefresh(AddressFamily.IPV4_UNICAST), true);
    bgp("route-refresh-ipv6", new RouteRefresh(AddressFamily.IPV6_UNICAST), false);
    bgp(
        "open-every-capability",
        Open.of(
            4_200_000_001L,
            90,
            id,
            List.of(
                new Capability.MultiProtocol(AddressFamily.IPV4_UNICAST),
                new Capability.MultiProtocol(AddressFamily.IPV6_UNICAST),
                new Capability.RouteRefreshCapability(),
                new Capability.FourOctetAs(4_200_000_001L),
                new Capability.GracefulRestart(
                    true,
                    true,
                    120,
                    List.of(
                        new Capability.GrFamily(AddressFamily.IPV4_UNICAST, true),
                        new Capability.GrFamily(AddressFamily.IPV6_UNICAST, false))),
                new Capability.Unknown(69, Octets.of(0, 1, 1, 1)))), // ADD-PATH, RFC 7911
        true);
    bgp("open-no-capabilities-hold-0", Open.of(64512, 0, id, List.of()), false);
    bgp("update-every-attribute-as4", everyAttribute(4_200_000_001L), true);
    bgp("update-every-attribute-as2", everyAttribute(64512), false);
    bgp("update-end-of-rib-ipv6", Update.endOfRib(AddressFamily.IPV6_UNICAST), true);
    bgp(
        "update-withdraw-only",
        new Update(
            List.of(Cidr.parse("198.51.100.10/32"), Cidr.parse("10.0.0.0/8")),
            List.of(),
            List.of()),
        true);

    bfd("down", new BfdPacket(0, BfdState.DOWN, false, false, 3, 0x2a, 0, 1_000_000, 300_000, 0));
    bfd("init", new BfdPacket(0, BfdState.INIT, false, false, 3, 0x2a, 7, 300_000, 300_000, 0));
    bfd("up-poll", new BfdPacket(0, BfdState.UP, true, false, 3, 0x2a, 7, 300_000, 300_000, 0));
    bfd("up-final", new BfdPacket(0, BfdState.UP, false, true, 5, 0x2a, 7, 50_000, 50_000, 0));
    bfd(
        "admin-down",
        new BfdPacket(
            BfdPacket.DIAG_ADMIN_DOWN,
            BfdState.ADMIN_DOWN,
            false,
            false,
            3,
            0x2a,
            7,
            1_000_000,
            0,
            0));
  }

  private static Update everyAttribute(long asn) {
    return new Update(
        List.of(Cidr.parse("198.51.100.0/24")),
        List.of(
            PathAttribute.Origin.IGP,
            new PathAttribute.AsPath(
                List.of(
                    new PathAttribute.Segment(
                        PathAttribute.SegmentType.AS_SEQUENCE, List.of(asn, 64496L)),
                    new PathAttribute.Segment(
                        PathAttribute.SegmentType.AS_SET, List.of(64497L, 64498L)))),
            new PathAttribute.NextHop(IpAddress.parse("203.0.113.11")),
            new PathAttribute.MultiExitDisc(50),
            new PathAttribute.LocalPref(200),
            new PathAttribute.Communities(
                List.of(Community.NO_EXPORT, new Community((64512L << 16) | 100))),
            new PathAttribute.LargeCommunities(List.of(new LargeCommunity(asn, 1, 2))),
            new PathAttribute.MpReach(
                AddressFamily.IPV6_UNICAST,
                IpAddress.parse("2001:db8::11"),
                Optional.of(IpAddress.parse("fe80::11")),
                List.of(Cidr.parse("2001:db8:100::10/128"), Cidr.parse("2001:db8:200::/48"))),
            new PathAttribute.MpUnreach(
                AddressFamily.IPV6_UNICAST, List.of(Cidr.parse("2001:db8:300::/64"))),
            // an optional transitive attribute we do not know (type 99), partial bit set
            new PathAttribute.Unknown(0xE0, 99, Octets.of(1, 2, 3, 4, 5))),
        List.of(Cidr.parse("198.51.100.10/32"), Cidr.parse("192.0.2.0/25")));
  }

  /** A seed of {@code BgpDecoderFuzzTest}: the message, then the 4-octet-AS flag octet. */
  private static void bgp(String name, BgpMessage m, boolean fourOctetAs) throws IOException {
    ByteBuf b = Unpooled.buffer();
    BgpMessageCodec.encode(m, b, fourOctetAs);
    b.writeByte(fourOctetAs ? 1 : 0);
    Files.write(BGP.resolve(name), ByteBufUtil.getBytes(b));
    b.release();
  }

  private static void bfd(String name, BfdPacket p) throws IOException {
    ByteBuf b = Unpooled.buffer();
    BfdCodec.encode(p, b);
    Files.write(BFD.resolve(name), ByteBufUtil.getBytes(b));
    b.release();
  }
}

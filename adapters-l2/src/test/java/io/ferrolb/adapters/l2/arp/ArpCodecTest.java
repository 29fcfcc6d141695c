package io.ferrolb.adapters.l2.arp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.ferrolb.adapters.l2.DropReason;
import io.ferrolb.adapters.l2.Hex;
import io.ferrolb.adapters.l2.MacAddress;
import io.ferrolb.adapters.l2.MalformedFrameException;
import io.ferrolb.domain.pool.IpAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArpCodecTest {

  static final MacAddress CLIENT = MacAddress.parse("02:77:00:00:00:64");
  static final MacAddress NODE = MacAddress.parse("02:77:00:00:00:0b");
  static final IpAddress CLIENT_IP = IpAddress.parse("203.0.113.100");
  static final IpAddress VIP = IpAddress.parse("203.0.113.200");

  /** Captured with tcpdump -xx: iputils arping 20221126 in a namespace, Linux 6.x. */
  static final byte[] ARPING_REQUEST =
      Hex.parse(
          """
          ffffffffffff 027700000064 0806   // Ethernet: broadcast, from the client, ARP
          0001 0800 06 04 0001             // Ethernet/IPv4, request
          027700000064 cb007164            // sender 02:77:00:00:00:64 203.0.113.100
          ffffffffffff cb00710b            // target (arping puts broadcast) 203.0.113.11
          """);

  /** Captured: the Linux kernel's reply to the request above. */
  static final byte[] KERNEL_REPLY =
      Hex.parse(
          """
          027700000064 02770000000b 0806
          0001 0800 06 04 0002
          02770000000b cb00710b
          027700000064 cb007164
          """);

  @Test
  void decodesACapturedArpingRequest() {
    ArpPacket p = ArpCodec.decode(ByteBuffer.wrap(ARPING_REQUEST));

    assertThat(p)
        .isEqualTo(
            new ArpPacket(
                MacAddress.BROADCAST,
                CLIENT,
                ArpPacket.REQUEST,
                CLIENT,
                CLIENT_IP,
                MacAddress.BROADCAST,
                IpAddress.parse("203.0.113.11")));
  }

  @Test
  void replyToTheCapturedRequestEqualsTheKernelsReplyPaddedTo60Bytes() {
    ArpPacket request = ArpCodec.decode(ByteBuffer.wrap(ARPING_REQUEST));

    byte[] reply = ArpCodec.encode(ArpCodec.reply(request, NODE));

    assertThat(reply).hasSize(60);
    assertArrayEquals(KERNEL_REPLY, Arrays.copyOf(reply, 42));
    assertThat(Arrays.copyOfRange(reply, 42, 60)).containsOnly((byte) 0);
  }

  @Test
  void decodeReadsFromTheBufferPositionAndIgnoresTrailingPadding() {
    byte[] shifted = new byte[3 + 60];
    System.arraycopy(ARPING_REQUEST, 0, shifted, 3, 42);
    ByteBuffer b = ByteBuffer.wrap(shifted);
    b.position(3);

    assertThat(ArpCodec.decode(b).senderProtocol()).isEqualTo(CLIENT_IP);
    assertThat(b.position()).isEqualTo(3);
  }

  @Test
  void gratuitousRequestIsBroadcastWithSenderEqualToTargetAndZeroTargetMac() {
    byte[] golden =
        Hex.parse(
            """
            ffffffffffff 02770000000b 0806
            0001 0800 06 04 0001         // request
            02770000000b cb0071c8        // sender: node MAC, 203.0.113.200
            000000000000 cb0071c8        // target: zero MAC (RFC 5227 §2.3), 203.0.113.200
            000000000000000000000000000000000000 // padding to 60
            """);

    assertArrayEquals(golden, ArpCodec.encode(ArpCodec.gratuitousRequest(VIP, NODE)));
  }

  @Test
  void gratuitousReplyIsBroadcastWithSenderEqualToTarget() {
    byte[] golden =
        Hex.parse(
            """
            ffffffffffff 02770000000b 0806
            0001 0800 06 04 0002         // reply
            02770000000b cb0071c8
            ffffffffffff cb0071c8
            000000000000000000000000000000000000
            """);

    assertArrayEquals(golden, ArpCodec.encode(ArpCodec.gratuitousReply(VIP, NODE)));
  }

  @Test
  void shortArpFrameIsMalformed() {
    byte[] cut = Arrays.copyOf(ARPING_REQUEST, 41);

    assertThatThrownBy(() -> ArpCodec.decode(ByteBuffer.wrap(cut)))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessage("ARP frame: 41 bytes (expected: >= 42)")
        .extracting(e -> ((MalformedFrameException) e).reason())
        .isEqualTo(DropReason.MALFORMED);
  }

  @Test
  void nonEthernetHardwareTypeIsMalformed() {
    byte[] bad = ARPING_REQUEST.clone();
    bad[15] = 6; // HTYPE 6 = IEEE 802

    assertThatThrownBy(() -> ArpCodec.decode(ByteBuffer.wrap(bad)))
        .isInstanceOf(MalformedFrameException.class)
        .hasMessage("ARP htype 6 ptype 0x800 hlen 6 plen 4 (expected: 1, 0x800, 6, 4)");
  }

  @Test
  void otherEtherTypeIsNotArp() {
    byte[] ipv4 = ARPING_REQUEST.clone();
    ipv4[13] = 0x00; // 0x0800

    assertThatThrownBy(() -> ArpCodec.decode(ByteBuffer.wrap(ipv4)))
        .isInstanceOf(MalformedFrameException.class)
        .extracting(e -> ((MalformedFrameException) e).reason())
        .isEqualTo(DropReason.NOT_ARP_OR_NDP);
  }
}

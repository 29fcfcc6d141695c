package io.ferrolb.adapters.bgp.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.BgpError;
import io.ferrolb.adapters.bgp.codec.Capability;
import io.ferrolb.adapters.bgp.codec.Hex;
import io.ferrolb.adapters.bgp.codec.Keepalive;
import io.ferrolb.adapters.bgp.codec.Notification;
import io.ferrolb.adapters.bgp.codec.Open;
import io.ferrolb.adapters.bgp.codec.Update;
import io.ferrolb.adapters.bgp.fsm.SessionState;
import io.ferrolb.domain.pool.IpAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile bytes on a live session, over loopback: a raw socket peer of a real {@link BgpSession}
 * sends one malformed message per fresh connection, and gets the NOTIFICATION RFC 4271 §6 (RFC 7313
 * §5 for ROUTE-REFRESH, §8 for the FSM) names for it, then the close; or, for what we may ignore
 * (an optional attribute we do not know, an MP family we do not carry) and what RFC 7606 answers
 * with treat-as-withdraw or attribute-discard (a malformed ORIGIN, AS_PATH, NEXT_HOP, LOCAL_PREF or
 * COMMUNITIES, a missing well-known attribute, a repeated one), the session stays up. Meanwhile a
 * second session of the same speaker, on the same event loop, stays Established.
 *
 * <p>Each row: the name, the phase the message is sent in (instead of the peer's OPEN, between the
 * peer's OPEN and its KEEPALIVE, or once Established), the annotated message, the expected
 * NOTIFICATION (empty: the session must stay up). UPDATEs are read with 4-octet AS numbers, which
 * both sides advertise (RFC 6793).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedMessagesOnTheWireTest {
  private static final long ME = 4_200_000_001L;
  private static final long PEER_AS = 64496; // fbf0
  private static final String M = "ffffffff ffffffff ffffffff ffffffff // marker\n";

  /** When the malformed message is sent. */
  enum Phase {
    /** Instead of the peer's OPEN: our OPEN is out, the FSM is in OpenSent. */
    OPEN_SENT,
    /** After the peer's OPEN, before its KEEPALIVE: OpenConfirm. */
    OPEN_CONFIRM,
    /** Once Established, after our End-of-RIB. */
    ESTABLISHED
  }

  static List<Arguments> malformed() {
    return List.of(
        // ---------------------------------------------------------------- header, RFC 4271 §6.1
        row(
            "marker not all ones",
            Phase.ESTABLISHED,
            "ffffffff ffffffff ffffffff ffffff00 // marker, last octet 00\n 0013 04",
            BgpError.CONNECTION_NOT_SYNCHRONIZED),
        row(
            "length 18",
            Phase.ESTABLISHED,
            M + "0012 // length < 19\n 04",
            BgpError.BAD_MESSAGE_LENGTH),
        row(
            "length 4097",
            Phase.ESTABLISHED,
            M + "1001 // length > 4096\n 04",
            BgpError.BAD_MESSAGE_LENGTH),
        row(
            "KEEPALIVE with a body",
            Phase.ESTABLISHED,
            M + "0014 04 // KEEPALIVE of 20 octets\n 00",
            BgpError.BAD_MESSAGE_LENGTH),
        row("type 7", Phase.ESTABLISHED, M + "0013 07 // type 7: none", BgpError.BAD_MESSAGE_TYPE),
        row(
            "NOTIFICATION without subcode",
            Phase.ESTABLISHED,
            M + "0014 03 // NOTIFICATION\n 06 // code only",
            BgpError.BAD_MESSAGE_LENGTH),
        row(
            "ROUTE-REFRESH of 3 octets",
            Phase.ESTABLISHED,
            M + "0016 05 // ROUTE-REFRESH\n 0001 00 // AFI, subtype; SAFI missing",
            BgpError.ROUTE_REFRESH_INVALID_LENGTH),
        // ---------------------------------------------------------------- OPEN, RFC 4271 §6.2
        row(
            "OPEN version 3",
            Phase.OPEN_SENT,
            M + "001d 01 // OPEN\n 03 // version 3\n fbf0 005a cb007101 00",
            BgpError.UNSUPPORTED_VERSION_NUMBER),
        row(
            "OPEN of 9 octets",
            Phase.OPEN_SENT,
            M + "001c 01 // OPEN\n 04 fbf0 005a cb007101 // no optional parameters length",
            BgpError.BAD_MESSAGE_LENGTH),
        row(
            "OPEN hold time 2",
            Phase.OPEN_SENT,
            M + "001d 01 04 fbf0\n 0002 // hold time 2 s\n cb007101 00",
            BgpError.HOLD_TIME_NOT_ACCEPTABLE),
        row(
            "OPEN BGP identifier 0.0.0.0",
            Phase.OPEN_SENT,
            M + "001d 01 04 fbf0 005a\n 00000000 // BGP identifier\n 00",
            BgpError.BAD_BGP_ID),
        row(
            "OPEN BGP identifier 224.0.0.5",
            Phase.OPEN_SENT,
            M + "001d 01 04 fbf0 005a\n e0000005 // BGP identifier, multicast\n 00",
            BgpError.BAD_BGP_ID),
        row(
            "OPEN peer AS 64497",
            Phase.OPEN_SENT,
            M + "001d 01 04\n fbf1 // my AS 64497 (expected: 64496)\n 005a cb007101 00",
            BgpError.BAD_PEER_AS),
        row(
            "OPEN optional parameter type 1",
            Phase.OPEN_SENT,
            M
                + "0021 01 04 fbf0 005a cb007101\n 04 // optional parameters length\n"
                + " 01 02 0000 // type 1 (authentication, RFC 1771), length 2",
            BgpError.UNSUPPORTED_OPTIONAL_PARAMETER),
        row(
            "OPEN optional parameters length 5 of 4",
            Phase.OPEN_SENT,
            M + "0021 01 04 fbf0 005a cb007101\n 05 // but 4 octets follow\n 02 02 0200",
            BgpError.OPEN_MESSAGE_ERROR),
        // ---------------------------------------------------------------- UPDATE, RFC 4271 §6.3
        row(
            "UPDATE of 3 octets",
            Phase.ESTABLISHED,
            M + "0016 02 // UPDATE\n 0000 00 // attribute length cut",
            BgpError.BAD_MESSAGE_LENGTH),
        row(
            "withdrawn routes length overruns",
            Phase.ESTABLISHED,
            M + "0017 02\n 0005 // withdrawn routes length 5\n 0000",
            BgpError.MALFORMED_ATTRIBUTE_LIST),
        row(
            "attribute length overruns the list",
            Phase.ESTABLISHED,
            M + "001b 02 0000 0004\n 40 01 05 00 // ORIGIN of length 5 in 1 octet",
            BgpError.MALFORMED_ATTRIBUTE_LIST),
        stays(
            "ORIGIN twice",
            M + "001f 02 0000 0008\n 40 01 01 00 // ORIGIN IGP\n 40 01 01 00 // again"),
        stays(
            "NLRI without ORIGIN",
            M
                + "002c 02 0000 0010\n"
                + " 40 02 06 02 01 0000fbf0 // AS_PATH 64496\n"
                + " 40 03 04 cb00710b // NEXT_HOP 203.0.113.11\n"
                + " 20 c633640a // NLRI 198.51.100.10/32"),
        stays(
            "NLRI without NEXT_HOP",
            M
                + "0029 02 0000 000d\n"
                + " 40 01 01 00 // ORIGIN IGP\n"
                + " 40 02 06 02 01 0000fbf0 // AS_PATH 64496\n"
                + " 20 c633640a // NLRI 198.51.100.10/32"),
        stays(
            "ORIGIN flagged optional",
            M + "001b 02 0000 0004\n 80 01 01 00 // flags 0x80: optional, not transitive"),
        stays("ORIGIN of 2 octets", M + "001c 02 0000 0005\n 40 01 02 0000 // ORIGIN length 2"),
        stays("ORIGIN 3", M + "001b 02 0000 0004\n 40 01 01 03 // ORIGIN 3: undefined"),
        stays(
            "NEXT_HOP 224.0.0.1",
            M + "001e 02 0000 0007\n 40 03 04 e0000001 // NEXT_HOP multicast"),
        stays(
            "AS_PATH segment type 5",
            M + "0020 02 0000 0009\n 40 02 06 05 01 0000fbf0 // segment type 5: none"),
        stays(
            "AS_PATH segment overruns",
            M + "0020 02 0000 0009\n 40 02 06 02 02 0000fbf0 // 2 ASNs, 4 octets"),
        row(
            "unrecognized well-known attribute",
            Phase.ESTABLISHED,
            M + "001b 02 0000 0004\n 40 63 01 00 // type 99, not optional",
            BgpError.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE),
        stays(
            "LOCAL_PREF of 3 octets",
            M + "001d 02 0000 0006\n 40 05 03 000064 // LOCAL_PREF length 3"),
        stays(
            "COMMUNITIES of 3 octets",
            M + "001d 02 0000 0006\n c0 08 03 010203 // COMMUNITIES length 3"),
        row(
            "MP_REACH_NLRI next hop of 5 octets",
            Phase.ESTABLISHED,
            M
                + "0024 02 0000 000d\n"
                + " 80 0e 0a 0002 01 // MP_REACH_NLRI, IPv6 unicast\n"
                + " 05 20010db800 // next hop length 5\n 00 // reserved",
            BgpError.OPTIONAL_ATTRIBUTE_ERROR),
        row(
            "NLRI prefix length 33",
            Phase.ESTABLISHED,
            M
                + "0031 02 0000 0014\n"
                + " 40 01 01 00 40 02 06 02 01 0000fbf0 40 03 04 cb00710b // ORIGIN AS_PATH NEXT_HOP\n"
                + " 21 c633640a 00 // /33",
            BgpError.INVALID_NETWORK_FIELD),
        row(
            "NLRI prefix cut short",
            Phase.ESTABLISHED,
            M
                + "002f 02 0000 0014\n"
                + " 40 01 01 00 40 02 06 02 01 0000fbf0 40 03 04 cb00710b // ORIGIN AS_PATH NEXT_HOP\n"
                + " 20 c63364 // /32 in 3 octets",
            BgpError.INVALID_NETWORK_FIELD),
        // ---------------------------------------------------------------- FSM, RFC 4271 §6.6
        row(
            "UPDATE in OpenConfirm",
            Phase.OPEN_CONFIRM,
            M + "0017 02 0000 0000 // End-of-RIB before our KEEPALIVE was answered",
            BgpError.FSM_ERROR),
        row(
            "OPEN when Established",
            Phase.ESTABLISHED,
            M + "001d 01 04 fbf0 005a cb007101 00 // a second, valid OPEN",
            BgpError.FSM_ERROR),
        // ---------------------------------------------------------------- ignored, session stays
        // up
        stays(
            "ATOMIC_AGGREGATE (well-known discretionary)",
            M + "001a 02 0000 0003\n 40 06 00 // ATOMIC_AGGREGATE, no value"),
        row(
            "MP_UNREACH_NLRI twice",
            Phase.ESTABLISHED,
            M
                + "0023 02 0000 000c\n"
                + " 80 0f 03 0002 01 // MP_UNREACH_NLRI, IPv6 unicast, none\n"
                + " 80 0f 03 0002 01 // again: RFC 7606 §3 g resets",
            BgpError.MALFORMED_ATTRIBUTE_LIST),
        stays(
            "unknown optional transitive attribute",
            M + "001c 02 0000 0005\n c0 63 02 abcd // type 99, optional transitive"),
        stays(
            "MP_REACH_NLRI of a family we do not carry",
            M
                + "001f 02 0000 0008\n 80 0e 05 0019 46 // L2VPN EVPN (AFI 25, SAFI 70)\n 04 00 // the rest, not read"));
  }

  private static Arguments row(String name, Phase phase, String hex, BgpError expected) {
    return Arguments.of(name, phase, hex, Optional.of(expected));
  }

  private static Arguments stays(String name, String hex) {
    return Arguments.of(name, Phase.ESTABLISHED, hex, Optional.empty());
  }

  private final List<SessionState> bystanderStates = new CopyOnWriteArrayList<>();
  private BgpSpeaker speaker;
  private FakePeer peer;
  private FakePeer bystanderPeer;
  private BgpSession session;
  private BgpSession bystander;

  @BeforeAll
  void startTwoSessionsOnOneSpeaker() throws Exception {
    speaker = new BgpSpeaker(); // one event loop: both sessions share its thread
    peer = new FakePeer();
    bystanderPeer = new FakePeer();
    bystander =
        speaker.open(
            config(bystanderPeer),
            s -> {
              if (!bystanderStates.isEmpty() || s.up()) {
                bystanderStates.add(s.state()); // from Established on
              }
            });
    establish(bystanderPeer);
    await().atMost(Duration.ofSeconds(5)).until(() -> bystander.status().up());
    session = speaker.open(config(peer));
  }

  @AfterAll
  void stop() throws Exception {
    assertThat(bystanderStates).containsOnly(SessionState.ESTABLISHED);
    assertThat(bystanderPeer.closedByRemote(Duration.ofMillis(200))).isFalse();
    session.close();
    bystander.close();
    speaker.close();
    peer.close();
    bystanderPeer.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedMessageGetsItsNotificationAndTheOtherSessionStaysUp(
      String name, Phase phase, String hex, Optional<BgpError> expected) throws Exception {
    if (phase == Phase.OPEN_SENT) {
      peer.accept();
      peer.expect(Open.class, false);
    } else if (phase == Phase.OPEN_CONFIRM) {
      peer.accept();
      peer.expect(Open.class, false);
      peer.send(peerOpen());
      peer.expect(Keepalive.class, true);
    } else {
      establish(peer);
      await().atMost(Duration.ofSeconds(5)).until(() -> session.status().up());
    }

    peer.sendRaw(Hex.parse(hex));

    if (expected.isPresent()) {
      Notification n = peer.expect(Notification.class, true);
      assertThat(n.error()).contains(expected.get());
      assertThat(peer.closedByRemote(Duration.ofSeconds(2))).isTrue();
      await().until(() -> !session.status().up());
    } else {
      peer.send(Keepalive.INSTANCE);
      assertThat(peer.bytesBeforeClose(Duration.ofMillis(500))).isEqualTo(-1); // still open
      assertThat(session.status().up()).isTrue();
      peer.dropConnection();
      await().until(() -> !session.status().up());
    }
    bystanderPeer.send(Keepalive.INSTANCE); // its hold timer keeps running across the rows
    assertThat(bystander.status().up()).isTrue();
  }

  private static BgpSessionConfig config(FakePeer p) {
    return BgpSessionConfig.of(
            ME, PEER_AS, IpAddress.parse("127.0.0.1"), IpAddress.parse("203.0.113.11"))
        .withPeerPort(p.port())
        .withIpv4NextHop(IpAddress.parse("203.0.113.11"))
        .withConnectRetry(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(2));
  }

  private static Open peerOpen() {
    return Open.of(
        PEER_AS,
        90,
        IpAddress.parse("203.0.113.1"),
        List.of(
            new Capability.MultiProtocol(AddressFamily.IPV4_UNICAST),
            new Capability.RouteRefreshCapability(),
            new Capability.FourOctetAs(PEER_AS)));
  }

  /** Accepts the next connection and completes OPEN/KEEPALIVE; reads our End-of-RIB. */
  private static void establish(FakePeer p) throws Exception {
    p.accept();
    p.expect(Open.class, false);
    p.send(peerOpen());
    p.expect(Keepalive.class, true);
    p.send(Keepalive.INSTANCE);
    Update eor = p.expect(Update.class, true);
    assertThat(eor.endOfRibFamily()).contains(AddressFamily.IPV4_UNICAST);
  }
}

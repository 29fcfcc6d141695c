package io.ferrolb.adapters.bgp.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ferrolb.adapters.bgp.codec.AddressFamily;
import io.ferrolb.adapters.bgp.codec.BgpError;
import io.ferrolb.adapters.bgp.codec.Capability;
import io.ferrolb.adapters.bgp.codec.Community;
import io.ferrolb.adapters.bgp.codec.Keepalive;
import io.ferrolb.adapters.bgp.codec.LargeCommunity;
import io.ferrolb.adapters.bgp.codec.Notification;
import io.ferrolb.adapters.bgp.codec.Open;
import io.ferrolb.adapters.bgp.codec.PathAttribute;
import io.ferrolb.adapters.bgp.codec.RouteRefresh;
import io.ferrolb.adapters.bgp.codec.Update;
import io.ferrolb.adapters.bgp.fsm.SessionState;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One netty session against a blocking fake peer on loopback. */
class BgpSessionTest {
  private static final long ME = 4_200_000_001L;
  private static final long PEER_AS = 64496;
  private static final Cidr VIP1 = Cidr.parse("198.51.100.10/32");
  private static final Cidr VIP2 = Cidr.parse("198.51.100.11/32");
  private static final IpAddress NEXT_HOP = IpAddress.parse("203.0.113.11");

  private FakePeer peer;
  private BgpSpeaker speaker;
  private BgpSession session;

  @BeforeEach
  void setUp() throws Exception {
    peer = new FakePeer();
    speaker = new BgpSpeaker();
    session =
        speaker.open(
            BgpSessionConfig.of(
                    ME, PEER_AS, IpAddress.parse("127.0.0.1"), IpAddress.parse("203.0.113.11"))
                .withPeerPort(peer.port())
                .withIpv4NextHop(NEXT_HOP)
                .withGracefulRestart(Duration.ofSeconds(120))
                .withConnectRetry(
                    Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(2)));
  }

  @AfterEach
  void tearDown() throws Exception {
    session.close();
    speaker.close();
    peer.close();
  }

  private void establish() throws Exception {
    establish(true);
  }

  private void establish(boolean peerGracefulRestart) throws Exception {
    peer.accept();
    Open open = peer.expect(Open.class, false);
    assertThat(open.asn()).isEqualTo(ME);
    assertThat(open.gracefulRestart()).isPresent();
    peer.send(
        Open.of(
            PEER_AS,
            90,
            IpAddress.parse("203.0.113.1"),
            peerGracefulRestart
                ? List.of(
                    new Capability.MultiProtocol(AddressFamily.IPV4_UNICAST),
                    new Capability.RouteRefreshCapability(),
                    new Capability.FourOctetAs(PEER_AS),
                    new Capability.GracefulRestart(false, false, 120, List.of()))
                : List.of(
                    new Capability.MultiProtocol(AddressFamily.IPV4_UNICAST),
                    new Capability.RouteRefreshCapability(),
                    new Capability.FourOctetAs(PEER_AS))));
    peer.expect(Keepalive.class, true);
    peer.send(Keepalive.INSTANCE);
    await().atMost(Duration.ofSeconds(5)).until(() -> session.status().up());
  }

  @Test
  void announcesTheDesiredSetInOneUpdateThenEndOfRib() throws Exception {
    session.setAdvertisements(
        Set.of(
            Advertisement.of(VIP1)
                .withCommunities(Set.of(Community.NO_EXPORT))
                .withLargeCommunities(Set.of(LargeCommunity.parse("1:2:3"))),
            Advertisement.of(VIP2)
                .withCommunities(Set.of(Community.NO_EXPORT))
                .withLargeCommunities(Set.of(LargeCommunity.parse("1:2:3")))));
    establish();
    Update u = peer.expect(Update.class, true);
    assertThat(u.nlri()).containsExactly(VIP1, VIP2);
    assertThat(u.attribute(PathAttribute.NextHop.class).orElseThrow().address())
        .isEqualTo(NEXT_HOP);
    assertThat(u.attribute(PathAttribute.AsPath.class)).contains(PathAttribute.AsPath.sequence(ME));
    assertThat(u.attribute(PathAttribute.LocalPref.class)).isEmpty(); // eBGP
    assertThat(u.attribute(PathAttribute.Communities.class).orElseThrow().values())
        .containsExactly(Community.NO_EXPORT);
    Update eor = peer.expect(Update.class, true);
    assertThat(eor.endOfRibFamily()).contains(AddressFamily.IPV4_UNICAST);
  }

  @Test
  void convergesByWithdrawingOnlyWhatLeftTheSet() throws Exception {
    session.setAdvertisements(Set.of(Advertisement.of(VIP1), Advertisement.of(VIP2)));
    establish();
    peer.expect(Update.class, true);
    peer.expect(Update.class, true); // End-of-RIB
    session.setAdvertisements(Set.of(Advertisement.of(VIP2)));
    Update w = peer.expect(Update.class, true);
    assertThat(w.withdrawn()).containsExactly(VIP1);
    assertThat(w.nlri()).isEmpty();
    await().until(() -> session.status().announcedPrefixes() == 1);
  }

  @Test
  void answersRouteRefreshByResendingAndCountsReceivedUpdates() throws Exception {
    session.setAdvertisements(Set.of(Advertisement.of(VIP1)));
    establish();
    peer.expect(Update.class, true);
    peer.expect(Update.class, true);
    peer.send(Update.endOfRib(AddressFamily.IPV4_UNICAST));
    peer.send(new RouteRefresh(AddressFamily.IPV4_UNICAST));
    Update again = peer.expect(Update.class, true);
    assertThat(again.nlri()).containsExactly(VIP1);
    await().until(() -> session.status().updatesReceived() == 1);
  }

  @Test
  void malformedUpdateIsAnsweredWithItsNotificationAndTheSessionRetries() throws Exception {
    establish();
    peer.expect(Update.class, true); // End-of-RIB
    peer.sendRaw(
        io.ferrolb.adapters.bgp.codec.Hex.parse(
            "ffffffff ffffffff ffffffff ffffffff 001c 02 0000 0000 21 c6336400 // NLRI /33"));
    Notification n = peer.expect(Notification.class, true);
    assertThat(n.error()).contains(BgpError.INVALID_NETWORK_FIELD);
    assertThat(peer.closedByRemote(Duration.ofSeconds(2))).isTrue();
    await().until(() -> session.status().state() != SessionState.ESTABLISHED);
    establish(); // reconnects after back-off
  }

  @Test
  void aMalformedAttributeIsTreatedAsWithdrawAndTheSessionKeepsAnnouncing() throws Exception {
    establish();
    peer.expect(Update.class, true); // End-of-RIB
    long before = session.status().updatesReceived();
    peer.sendRaw(
        io.ferrolb.adapters.bgp.codec.Hex.parse(
            "ffffffff ffffffff ffffffff ffffffff 001b 02 0000 0004 40 01 01 03 // ORIGIN 3"));
    await().until(() -> session.status().updatesReceived() > before);

    session.setAdvertisements(Set.of(Advertisement.of(VIP1)));

    // the next message is our announcement, not a NOTIFICATION: RFC 7606 keeps the session
    assertThat(peer.expect(Update.class, true).nlri()).isNotEmpty();
    assertThat(session.status().state()).isEqualTo(SessionState.ESTABLISHED);
  }

  @Test
  void closeSendsCeaseAdministrativeShutdown() throws Exception {
    establish();
    peer.expect(Update.class, true); // End-of-RIB
    session.close();
    Notification n = peer.expect(Notification.class, true);
    assertThat(n.error()).contains(BgpError.CEASE_ADMINISTRATIVE_SHUTDOWN);
  }

  @Test
  void closeForRestartWithGracefulRestartClosesWithoutANotification() throws Exception {
    session.setAdvertisements(Set.of(Advertisement.of(VIP1)));
    establish(true);
    peer.expect(Update.class, true);
    peer.expect(Update.class, true); // End-of-RIB

    assertThat(session.closeForRestart()).isTrue();

    // a NOTIFICATION would make the router flush our routes (RFC 4724 §4.2): nothing but EOF
    assertThat(peer.bytesBeforeClose(Duration.ofSeconds(2))).isZero();
  }

  @Test
  void closeForRestartWithoutGracefulRestartOnThePeerSendsCease() throws Exception {
    establish(false);
    peer.expect(Update.class, true); // End-of-RIB

    assertThat(session.closeForRestart()).isFalse();

    Notification n = peer.expect(Notification.class, true);
    assertThat(n.error()).contains(BgpError.CEASE_ADMINISTRATIVE_SHUTDOWN);
  }

  @Test
  void conflictingLocalPreferencesOfOnePrefixAreRejected() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                session.setAdvertisements(
                    Set.of(
                        Advertisement.of(VIP1).withLocalPref(100),
                        Advertisement.of(VIP1).withLocalPref(200))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("198.51.100.10/32: local preferences");
  }

  @Test
  void desiredPrefixesCountPrefixesNotAdvertisementsAndNeedNoSession() {
    // two Services sharing an address: two advertisements of one prefix, merged into one route
    session.setAdvertisements(
        Set.of(
            Advertisement.of(VIP1),
            Advertisement.of(VIP1).withLargeCommunities(Set.of(LargeCommunity.parse("1:2:3"))),
            Advertisement.of(VIP2)));

    org.assertj.core.api.Assertions.assertThat(session.desiredPrefixes()).isEqualTo(2);
  }
}

package io.ferrolb.adapters.l2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ferrolb.adapters.l2.arp.ArpCodec;
import io.ferrolb.adapters.l2.arp.ArpPacket;
import io.ferrolb.adapters.l2.iface.SelectedInterface;
import io.ferrolb.adapters.l2.ndp.NdpCodec;
import io.ferrolb.domain.pool.IpAddress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class L2ResponderTest {

  static final MacAddress MAC0 = MacAddress.parse("02:77:00:00:00:0b");
  static final MacAddress MAC1 = MacAddress.parse("02:77:00:00:01:0b");
  static final MacAddress CLIENT = MacAddress.parse("02:77:00:00:00:64");
  static final SelectedInterface ETH0 = new SelectedInterface("eth0", MAC0, true, true);
  static final SelectedInterface ETH1 = new SelectedInterface("eth1", MAC1, true, false);
  static final IpAddress VIP4 = IpAddress.parse("203.0.113.200");
  static final IpAddress VIP6 = IpAddress.parse("2001:db8:77::200");
  static final IpAddress CLIENT4 = IpAddress.parse("203.0.113.100");

  /** 3 rounds 50 ms apart: 0, 50, 100 ms. */
  static final L2ResponderConfig FAST =
      new L2ResponderConfig(Duration.ofMillis(50), Duration.ofMillis(100), 0, 0);

  final Map<String, FakeL2Channel> channels = new ConcurrentHashMap<>();
  final L2Responder responder =
      new L2Responder(
          FAST,
          s -> {
            if (s.name().equals("gone0")) {
              throw new IOException("No such device exists");
            }
            FakeL2Channel c = new FakeL2Channel();
            channels.put(s.name(), c);
            return c;
          });

  @AfterEach
  void close() {
    responder.close();
  }

  static byte[] who(IpAddress target) {
    return ArpCodec.encode(
        new ArpPacket(
            MacAddress.BROADCAST,
            CLIENT,
            ArpPacket.REQUEST,
            CLIENT,
            CLIENT4,
            MacAddress.ZERO,
            target));
  }

  static int arpOp(byte[] frame) {
    return ArpCodec.decode(ByteBuffer.wrap(frame)).operation();
  }

  @Test
  void settersBeforeStartAreRejected() {
    assertThatThrownBy(() -> responder.setOwned(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("start()");
  }

  @Test
  void answersAnOwnedAddressWithTheReceivingInterfacesMacAndCountsIt() {
    responder.start();
    responder.setInterfaces(List.of(ETH0, ETH1));
    responder.setOwned(Map.of(VIP4, Set.of()));
    FakeL2Channel eth1 = channels.get("eth1");
    await().until(() -> eth1.sent.size() == 6); // 3 rounds x (request + reply)
    eth1.sent.clear();

    eth1.inbound.add(who(VIP4));

    await().until(() -> eth1.sent.size() == 1);
    ArpPacket reply = ArpCodec.decode(ByteBuffer.wrap(eth1.sent.get(0)));
    assertThat(reply.senderHardware()).isEqualTo(MAC1);
    assertThat(reply.ethernetDestination()).isEqualTo(CLIENT);
    AddressCounters c = responder.counters(VIP4).orElseThrow();
    assertThat(c.requestsReceived()).isEqualTo(1);
    assertThat(c.responsesSent()).isEqualTo(1);
    assertThat(c.gratuitousSent()).isEqualTo(12); // 3 rounds x 2 frames x 2 interfaces
  }

  @Test
  void gainingAnAddressSendsGratuitousRequestAndReplyEachRoundOnAllowedInterfacesOnly() {
    responder.start();
    responder.setInterfaces(List.of(ETH0, ETH1));

    responder.setOwned(Map.of(VIP4, Set.of("eth0")));

    FakeL2Channel eth0 = channels.get("eth0");
    await().until(() -> eth0.sent.size() == 6);
    assertThat(eth0.sent).extracting(L2ResponderTest::arpOp).containsExactly(1, 2, 1, 2, 1, 2);
    assertThat(channels.get("eth1").sent).isEmpty();
    await().during(Duration.ofMillis(150)).until(() -> eth0.sent.size() == 6);
  }

  @Test
  void gainingAnIpv6AddressJoinsItsSolicitedNodeGroupAndSendsUnsolicitedAdvertisements() {
    responder.start();
    responder.setInterfaces(List.of(ETH0, ETH1));

    responder.setOwned(Map.of(VIP6, Set.of()));

    FakeL2Channel eth0 = channels.get("eth0");
    assertThat(eth0.groups).containsExactly(IpAddress.parse("ff02::1:ff00:200"));
    assertThat(channels.get("eth1").groups).isEmpty(); // eth1 does no NDP
    await().until(() -> eth0.sent.size() == 3);
    assertThat(eth0.sent.get(0)).isEqualTo(NdpCodec.encode(NdpCodec.unsolicited(VIP6, MAC0)));
  }

  @Test
  void losingAnAddressStopsAnswersGratuitousAndLeavesTheGroup() {
    responder.start();
    responder.setInterfaces(List.of(ETH0));
    responder.setOwned(Map.of(VIP4, Set.of(), VIP6, Set.of()));
    FakeL2Channel eth0 = channels.get("eth0");
    await().until(() -> eth0.sent.size() >= 3); // first round done

    responder.setOwned(Map.of());
    int after = eth0.sent.size();
    eth0.inbound.add(who(VIP4));

    await().during(Duration.ofMillis(200)).until(() -> eth0.sent.size() == after);
    assertThat(eth0.groups).isEmpty();
    await().until(() -> responder.drops().get(DropReason.UNKNOWN_TARGET) == 1);
  }

  @Test
  void repeatingTheSameOwnedSetDoesNotRestartTheBurst() {
    responder.start();
    responder.setInterfaces(List.of(ETH1));
    responder.setOwned(Map.of(VIP4, Set.of()));
    FakeL2Channel eth1 = channels.get("eth1");
    await().until(() -> eth1.sent.size() == 6);

    responder.setOwned(Map.of(VIP4, Set.of()));

    await().during(Duration.ofMillis(150)).until(() -> eth1.sent.size() == 6);
  }

  @Test
  void aFinishedBurstLeavesNothingBehindAndAReleaseDuringOneCancelsTheRest() {
    responder.start();
    responder.setInterfaces(List.of(ETH1));
    responder.setOwned(Map.of(VIP4, Set.of(), VIP6, Set.of()));
    FakeL2Channel eth1 = channels.get("eth1");
    assertThat(responder.burstsPending()).isEqualTo(2);

    await().until(() -> responder.burstsPending() == 0);
    int sent = eth1.sent.size();
    assertThat(sent).isGreaterThanOrEqualTo(6); // the rounds did run

    responder.setOwned(Map.of(VIP4, Set.of()));
    responder.setOwned(Map.of(VIP4, Set.of(), VIP6, Set.of())); // regained: a new burst
    assertThat(responder.burstsPending()).isEqualTo(1);
    await().until(() -> responder.burstsPending() == 0);
  }

  @Test
  void anInterfaceAddedLaterAnnouncesTheAddressesAlreadyOwnedOnItOnly() {
    responder.start();
    responder.setInterfaces(List.of(ETH0));
    responder.setOwned(Map.of(VIP4, Set.of()));
    FakeL2Channel eth0 = channels.get("eth0");
    await().until(() -> eth0.sent.size() == 6);

    responder.setInterfaces(List.of(ETH0, ETH1));

    FakeL2Channel eth1 = channels.get("eth1");
    await().until(() -> eth1.sent.size() == 6);
    assertThat(ArpCodec.decode(ByteBuffer.wrap(eth1.sent.get(0))).senderHardware()).isEqualTo(MAC1);
    await().during(Duration.ofMillis(150)).until(() -> eth0.sent.size() == 6);
  }

  @Test
  void interfacesAreDiffedAndUnopenableOnesReported() {
    responder.start();
    responder.setInterfaces(List.of(ETH0, ETH1));
    FakeL2Channel firstEth0 = channels.get("eth0");
    FakeL2Channel firstEth1 = channels.get("eth1");

    Set<String> failed =
        responder.setInterfaces(List.of(ETH0, new SelectedInterface("gone0", MAC1, true, false)));

    assertThat(failed).containsExactly("gone0");
    assertThat(responder.interfaces()).containsExactly("eth0");
    assertThat(channels.get("eth0")).isSameAs(firstEth0);
    assertThat(firstEth1.closed).isTrue();
  }

  @Test
  void closeStopsEveryThreadAndChannel() {
    responder.start();
    responder.setInterfaces(List.of(ETH0, ETH1));

    responder.close();

    assertThat(channels.values()).allMatch(c -> c.closed && c.stopped);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("ferrolb-l2-eth"));
  }
}

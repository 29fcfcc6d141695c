package io.ferrolb.adapters.l2.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JGroupsMembershipTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final MemberlistKey KEY = MemberlistKey.fromSecret("s3cr3t-from-the-memberlist");
  private final List<JGroupsMembership> members = new ArrayList<>();

  @AfterEach
  void closeAll() {
    members.forEach(JGroupsMembership::close);
  }

  private JGroupsMembership member(String name, int port, MemberlistKey key, int... seedPorts) {
    JGroupsMembership m =
        new JGroupsMembership(MembershipSettings.defaults(name, LOOPBACK, key).withPort(port));
    Set<InetSocketAddress> seeds = new java.util.HashSet<>();
    for (int p : seedPorts) {
      seeds.add(new InetSocketAddress(LOOPBACK, p));
    }
    m.setSeeds(seeds);
    members.add(m);
    return m;
  }

  /** Waits for the listener to report {@code expected}; fails after {@code seconds}. */
  private static void awaitView(BlockingQueue<Set<String>> views, Set<String> expected, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Set<String>> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      Set<String> v = views.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (v == null) {
        break;
      }
      seen.add(v);
      if (v.equals(expected)) {
        return;
      }
    }
    throw new AssertionError(
        "view " + expected + " not reported within " + seconds + " s; saw " + seen);
  }

  @Test
  void singleMemberSeesItselfAndTellsNewListeners() throws Exception {
    JGroupsMembership solo = member("node-a", FreePorts.udpAndTcp(), KEY);
    assertThat(solo.aliveNodes()).containsExactly("node-a");

    solo.start();
    BlockingQueue<Set<String>> views = new LinkedBlockingQueue<>();
    solo.addListener(views::add);

    assertThat(views.poll(5, TimeUnit.SECONDS)).containsExactly("node-a");
    assertThat(solo.aliveNodes()).containsExactly("node-a");
    assertThat(solo.localNode()).isEqualTo("node-a");
  }

  @Test
  void membersWithTheSameKeyFindEachOtherThroughSeedsAndLeaveAtOnceOnClose() throws Exception {
    int pa = FreePorts.udpAndTcp();
    int pb = FreePorts.udpAndTcp();
    JGroupsMembership a = member("node-a", pa, KEY, pb);
    JGroupsMembership b = member("node-b", pb, KEY, pa);
    BlockingQueue<Set<String>> viewsOfA = new LinkedBlockingQueue<>();
    a.addListener(viewsOfA::add);

    a.start();
    b.start();

    awaitView(viewsOfA, Set.of("node-a", "node-b"), 10);
    assertThat(b.aliveNodes()).containsExactlyInAnyOrder("node-a", "node-b");

    long closedAt = System.nanoTime();
    b.close();
    awaitView(viewsOfA, Set.of("node-a"), 2);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt)).isLessThan(2000);
  }

  @Test
  void seedsGivenAfterStartStillMergeTwoLoneMembers() throws Exception {
    int pa = FreePorts.udpAndTcp();
    int pb = FreePorts.udpAndTcp();
    JGroupsMembership a = member("node-a", pa, KEY);
    JGroupsMembership b = member("node-b", pb, KEY);
    BlockingQueue<Set<String>> viewsOfA = new LinkedBlockingQueue<>();
    a.addListener(viewsOfA::add);
    a.start();
    b.start();
    assertThat(a.aliveNodes()).containsExactly("node-a");

    a.setSeeds(Set.of(new InetSocketAddress(LOOPBACK, pb)));
    b.setSeeds(Set.of(new InetSocketAddress(LOOPBACK, pa)));

    awaitView(viewsOfA, Set.of("node-a", "node-b"), 15);
  }

  @Test
  void memberWithAnotherKeyNeverJoins() throws Exception {
    int pa = FreePorts.udpAndTcp();
    int pb = FreePorts.udpAndTcp();
    int pc = FreePorts.udpAndTcp();
    JGroupsMembership a = member("node-a", pa, KEY, pb, pc);
    JGroupsMembership b = member("node-b", pb, KEY, pa, pc);
    JGroupsMembership intruder =
        member("node-c", pc, MemberlistKey.fromSecret("another-secret"), pa, pb);
    BlockingQueue<Set<String>> viewsOfA = new LinkedBlockingQueue<>();
    a.addListener(viewsOfA::add);
    a.start();
    b.start();
    awaitView(viewsOfA, Set.of("node-a", "node-b"), 10);

    intruder.start();

    // two full merge rounds (max interval 3 s, consistency check every 4.8 s) and then some
    Set<String> change = viewsOfA.poll(8, TimeUnit.SECONDS);
    assertThat(change).as("view change of node-a after the intruder started").isNull();
    assertThat(a.aliveNodes()).containsExactlyInAnyOrder("node-a", "node-b");
    assertThat(b.aliveNodes()).containsExactlyInAnyOrder("node-a", "node-b");
    assertThat(intruder.aliveNodes()).containsExactly("node-c");
    assertThat(a.droppedFrames().get("wrong_key") + b.droppedFrames().get("wrong_key"))
        .as("the intruder's frames, dropped and counted")
        .isPositive();
    assertThat(intruder.droppedFrames().get("wrong_key")).isPositive();
    assertThat(a.droppedFrames().get("replayed")).as("real traffic is never a replay").isZero();
    assertThat(b.droppedFrames().get("replayed")).isZero();
  }

  @Test
  void takenPortIsReportedWithTheAddress() throws Exception {
    int port = FreePorts.udpAndTcp();
    member("node-a", port, KEY).start();
    JGroupsMembership second = member("node-b", port, KEY);

    assertThatThrownBy(second::start)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void startingTwiceIsABug() {
    JGroupsMembership m = member("node-a", FreePorts.udpAndTcp(), KEY);
    m.start();

    assertThatThrownBy(m::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void hostNameSeedsAreRejected() {
    JGroupsMembership m = member("node-a", FreePorts.udpAndTcp(), KEY);

    assertThatThrownBy(
            () -> m.setSeeds(Set.of(InetSocketAddress.createUnresolved("node-b.example", 7946))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node-b.example");
  }
}

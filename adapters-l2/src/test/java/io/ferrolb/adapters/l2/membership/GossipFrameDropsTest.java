package io.ferrolb.adapters.l2.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Map;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.stack.Protocol;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Frames reaching {@link AeadSymEncrypt} from below: only those sealed with the shared key, intact,
 * and never seen before go up; each other one is dropped and counted by reason. The frames are
 * sealed by a real sender instance and altered here, between the two protocols.
 */
class GossipFrameDropsTest {
  private static final MemberlistKey KEY = MemberlistKey.fromSecret("s3cr3t-from-the-memberlist");

  /** The protocol next to one under test: keeps what is passed to it. */
  static final class Capture extends Protocol {
    final Deque<Message> messages = new ArrayDeque<>();

    @Override
    public Object down(Message msg) {
      messages.add(msg);
      return null;
    }

    @Override
    public Object up(Message msg) {
      messages.add(msg);
      return null;
    }
  }

  private final GossipDrops drops = new GossipDrops();
  private final Capture wire = new Capture();
  private final Capture above = new Capture();
  private AeadSymEncrypt sender;
  private AeadSymEncrypt receiver;

  private static AeadSymEncrypt protocol(MemberlistKey key, GossipDrops drops, Capture below)
      throws Exception {
    AeadSymEncrypt p = new AeadSymEncrypt(key, drops);
    p.setDownProtocol(below);
    p.init();
    return p;
  }

  @BeforeEach
  void twoEnds() throws Exception {
    sender = protocol(KEY, new GossipDrops(), wire);
    receiver = protocol(KEY, drops, new Capture());
    receiver.setUpProtocol(above);
  }

  /** What the sender puts on the wire for {@code text}. */
  private Message seal(AeadSymEncrypt by, String text) {
    Capture below = (Capture) by.getDownProtocol();
    by.down(
        new BytesMessage(null, text.getBytes(StandardCharsets.UTF_8)).setSrc(UUID.randomUUID()));
    return below.messages.removeLast();
  }

  /** Delivers a copy of {@code frame} from below; returns the text that went up, or null. */
  private String deliver(Message frame) {
    above.messages.clear();
    receiver.up(frame.copy(true, true));
    Message up = above.messages.pollFirst();
    return up == null
        ? null
        : new String(up.getArray(), up.getOffset(), up.getLength(), StandardCharsets.UTF_8);
  }

  private Map<String, Long> dropped() {
    return drops.snapshot();
  }

  private static Map<String, Long> only(String reason, long n) {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    for (GossipDrops.Reason r : GossipDrops.Reason.values()) {
      m.put(r.label(), r.label().equals(reason) ? n : 0L);
    }
    return m;
  }

  @Test
  void aSealedFrameGoesUpOnceAndItsReplayIsDroppedAndCounted() {
    Message frame = seal(sender, "heartbeat");

    assertThat(deliver(frame)).isEqualTo("heartbeat");
    assertThat(dropped()).isEqualTo(only("replayed", 0));

    assertThat(deliver(frame)).isNull();
    assertThat(deliver(frame)).isNull();
    assertThat(dropped()).isEqualTo(only("replayed", 2));
  }

  @Test
  void framesOutOfOrderWithinTheWindowAllGoUpOnce() {
    Message first = seal(sender, "1");
    Message second = seal(sender, "2");
    Message third = seal(sender, "3");

    assertThat(deliver(third)).isEqualTo("3");
    assertThat(deliver(first)).isEqualTo("1");
    assertThat(deliver(second)).isEqualTo("2");
    assertThat(deliver(first)).isNull();
    assertThat(dropped()).isEqualTo(only("replayed", 1));
  }

  @Test
  void aFrameOlderThanTheWindowIsDroppedAsAReplay() {
    Message old = seal(sender, "old");
    for (int i = 0; i < ReplayWindow.WINDOW; i++) {
      deliver(seal(sender, "n" + i));
    }
    assertThat(deliver(old)).isNull();
    assertThat(dropped()).isEqualTo(only("replayed", 1));
  }

  /** JGroups loops a member's messages to itself back up: accepted once, like any frame. */
  @Test
  void ourOwnFrameLoopedBackGoesUpOnceAndItsReflectionIsDropped() {
    Message mine = seal(receiver, "to myself");
    assertThat(deliver(mine)).isEqualTo("to myself");
    assertThat(deliver(mine)).isNull();
    assertThat(dropped()).isEqualTo(only("replayed", 1));
  }

  @Test
  void aFrameWithoutTheKeyIsDroppedAndCounted() {
    Message plain =
        new BytesMessage(null, "join".getBytes(StandardCharsets.UTF_8)).setSrc(UUID.randomUUID());
    assertThat(deliver(plain)).isNull();
    assertThat(dropped()).isEqualTo(only("unencrypted", 1));
  }

  @Test
  void aFrameSealedWithAnotherKeyIsDroppedAndCounted() throws Exception {
    Capture theirWire = new Capture();
    AeadSymEncrypt intruder =
        protocol(MemberlistKey.fromSecret("another-secret"), new GossipDrops(), theirWire);
    intruder.down(
        new BytesMessage(null, "join".getBytes(StandardCharsets.UTF_8)).setSrc(UUID.randomUUID()));

    assertThat(deliver(theirWire.messages.removeLast())).isNull();
    assertThat(dropped()).isEqualTo(only("wrong_key", 1));
  }

  @Test
  void anAlteredFrameFailsItsTagAndIsCounted() {
    Message frame = seal(sender, "heartbeat");
    byte[] bytes =
        Arrays.copyOfRange(
            frame.getArray(), frame.getOffset(), frame.getOffset() + frame.getLength());
    bytes[0] ^= 0x01;
    Message altered = frame.copy(false, true).setArray(bytes, 0, bytes.length);

    assertThat(deliver(altered)).isNull();
    assertThat(dropped()).isEqualTo(only("bad_tag", 1));
    assertThat(deliver(frame))
        .as("the intact frame still goes up: the forgery did not consume it")
        .isEqualTo("heartbeat");
  }

  @Test
  void truncatedFramesAreDroppedAndCounted() {
    Message frame = seal(sender, "a heartbeat of some length");
    byte[] whole =
        Arrays.copyOfRange(
            frame.getArray(), frame.getOffset(), frame.getOffset() + frame.getLength());

    // shorter than a GCM tag: cannot even be checked
    assertThat(deliver(frame.copy(false, true).setArray(Arrays.copyOf(whole, 10), 0, 10))).isNull();
    // no payload at all
    assertThat(deliver(frame.copy(false, true))).isNull();
    // a header without IV
    Message noIv = new BytesMessage(null, whole).setSrc(UUID.randomUUID());
    noIv.putHeader(receiver.getId(), new EncryptHeader(receiver.symVersion()));
    assertThat(deliver(noIv)).isNull();
    assertThat(dropped()).isEqualTo(only("truncated", 3));

    // one byte short: the tag no longer verifies (GCM cannot tell truncation from tampering)
    assertThat(deliver(frame.copy(false, true).setArray(whole, 0, whole.length - 1))).isNull();
    assertThat(dropped().get("bad_tag")).isEqualTo(1);
  }

  @Test
  void ivsAreTheSendersStreamThenACounter() {
    byte[] first = ((EncryptHeader) seal(sender, "a").getHeader(sender.getId())).iv();
    byte[] second = ((EncryptHeader) seal(sender, "b").getHeader(sender.getId())).iv();
    assertThat(first).hasSize(AeadSymEncrypt.IV_BYTES);
    assertThat(Arrays.copyOf(second, AeadSymEncrypt.STREAM_BYTES))
        .isEqualTo(Arrays.copyOf(first, AeadSymEncrypt.STREAM_BYTES));
    assertThat(second[AeadSymEncrypt.IV_BYTES - 1] - first[AeadSymEncrypt.IV_BYTES - 1])
        .isEqualTo(1);
  }
}

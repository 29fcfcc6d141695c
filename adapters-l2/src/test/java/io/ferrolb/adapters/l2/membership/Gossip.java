package io.ferrolb.adapters.l2.membership;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.protocols.SERIALIZE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ByteArray;
import org.jgroups.util.Util;

/**
 * The bottom of the gossip stack ({@link AeadSymEncrypt} with {@code SERIALIZE} above it, as in
 * {@link JGroupsStack}) between two recording protocols, for tests of the sealed wire: {@link
 * #seal} is what a member sends, {@link #receive} what the transport hands up from a datagram.
 */
final class Gossip {
  /** The key of the fuzz corpus: its sealed seeds open only with this one. */
  static final MemberlistKey KEY = MemberlistKey.fromSecret("ferrolb-fuzz-corpus-key");

  private final AeadSymEncrypt encrypt;
  private final SERIALIZE serialize = new SERIALIZE();
  private final List<Message> sent = new ArrayList<>();
  private final List<Message> delivered = new ArrayList<>();

  Gossip(MemberlistKey key) throws Exception {
    WireMessages.install(); // as JGroupsStack does
    encrypt = new AeadSymEncrypt(key, new GossipDrops());
    encrypt.setDownProtocol(
        new Protocol() {
          @Override
          public Object down(Message msg) {
            sent.add(msg);
            return null;
          }
        });
    encrypt.setUpProtocol(serialize);
    serialize.setDownProtocol(encrypt);
    serialize.setUpProtocol(
        new Protocol() {
          @Override
          public Object up(Message msg) {
            delivered.add(msg);
            return null;
          }
        });
    encrypt.init();
    serialize.init();
  }

  /** The datagram a member sends for {@code payload}. */
  byte[] seal(byte[] payload) throws Exception {
    sent.clear();
    serialize.down(new BytesMessage(null, payload));
    if (sent.size() != 1) {
      throw new AssertionError("sealing sent " + sent.size() + " messages (expected: 1)");
    }
    ByteArray wire = Util.messageToBuffer(sent.get(0));
    return Arrays.copyOfRange(wire.array(), wire.offset(), wire.offset() + wire.length());
  }

  /**
   * Hands the message read from {@code datagram} up, as the transport does, and returns the
   * payloads that came out on top; empty when the packet was dropped. JGroups' own reader failing
   * on the datagram (the transport drops it then) is empty as well.
   */
  List<byte[]> receive(byte[] datagram) {
    Message msg;
    try {
      msg = Util.messageFromBuffer(datagram, 0, datagram.length);
    } catch (Exception unreadable) {
      return List.of();
    }
    delivered.clear();
    encrypt.up(msg);
    List<byte[]> out = new ArrayList<>();
    for (Message m : delivered) {
      out.add(
          m.hasArray()
              ? Arrays.copyOfRange(m.getArray(), m.getOffset(), m.getOffset() + m.getLength())
              : new byte[0]);
    }
    return out;
  }
}

package io.ferrolb.adapters.l2.membership;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ObjLongConsumer;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;

/**
 * Watches what arrives from each peer, below FD_ALL3, and passes everything up unchanged (adds no
 * header):
 *
 * <ul>
 *   <li>every message is reported to {@code onMessage} (sender, {@link System#nanoTime}): any
 *       message proves the sender's process alive (FD_ALL3 itself counts any message as a heartbeat
 *       and skips its own heartbeat in an interval where it sent something else);
 *   <li>the time of the last FD_ALL3 heartbeat per peer is kept: a peer heartbeats exactly the
 *       members of its own view, so a fresh heartbeat proves that peer still counts us as a member.
 * </ul>
 */
final class HeartbeatTracker extends Protocol {
  private static final short FD_ALL3_ID = ClassConfigurator.getProtocolId(FD_ALL3.class);
  private final Map<Address, Long> lastHeartbeatNanos = new ConcurrentHashMap<>();
  private final ObjLongConsumer<Address> onMessage;

  HeartbeatTracker(ObjLongConsumer<Address> onMessage) {
    this.onMessage = onMessage;
  }

  @Override
  public Object up(Message msg) {
    Address src = msg.getSrc();
    if (src != null) {
      long now = System.nanoTime();
      onMessage.accept(src, now);
      if (msg.getHeader(FD_ALL3_ID) != null) {
        lastHeartbeatNanos.put(src, now);
      }
    }
    return up_prot.up(msg);
  }

  @Override
  public void up(MessageBatch batch) {
    Address src = batch.sender();
    if (src != null && !batch.isEmpty()) {
      long now = System.nanoTime();
      onMessage.accept(src, now);
      for (Message msg : batch) {
        if (msg.getHeader(FD_ALL3_ID) != null) {
          lastHeartbeatNanos.put(src, now);
          break;
        }
      }
    }
    up_prot.up(batch);
  }

  /**
   * True if {@code peer} sent a heartbeat at or after {@code sinceNanos} ({@link System#nanoTime}).
   */
  boolean heardSince(Address peer, long sinceNanos) {
    Long at = lastHeartbeatNanos.get(peer);
    return at != null && at - sinceNanos >= 0;
  }
}

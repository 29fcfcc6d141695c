package io.ferrolb.adapters.l2.membership;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jgroups.Address;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.stack.Protocol;
import org.jgroups.util.MessageBatch;

/**
 * Remembers when each peer last sent us an FD_ALL3 heartbeat. A peer heartbeats exactly the members
 * of its own view, so a fresh heartbeat from a peer proves that peer still counts us as a member.
 * Sits below FD_ALL3 and passes everything up unchanged; adds no header.
 */
final class HeartbeatTracker extends Protocol {
  private static final short FD_ALL3_ID = ClassConfigurator.getProtocolId(FD_ALL3.class);
  private final Map<Address, Long> lastHeartbeatNanos = new ConcurrentHashMap<>();

  @Override
  public Object up(Message msg) {
    record(msg);
    return up_prot.up(msg);
  }

  @Override
  public void up(MessageBatch batch) {
    for (Message msg : batch) {
      record(msg);
    }
    up_prot.up(batch);
  }

  private void record(Message msg) {
    if (msg.getSrc() != null && msg.getHeader(FD_ALL3_ID) != null) {
      lastHeartbeatNanos.put(msg.getSrc(), System.nanoTime());
    }
  }

  /**
   * True if {@code peer} sent a heartbeat at or after {@code sinceNanos} ({@link System#nanoTime}).
   */
  boolean heardSince(Address peer, long sinceNanos) {
    Long at = lastHeartbeatNanos.get(peer);
    return at != null && at - sinceNanos >= 0;
  }
}

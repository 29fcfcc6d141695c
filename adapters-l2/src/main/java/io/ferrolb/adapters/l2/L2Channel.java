package io.ferrolb.adapters.l2;

import io.ferrolb.domain.pool.IpAddress;
import java.io.IOException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One interface's raw Ethernet access: receive the frames the responder may answer, send frames,
 * and hold IPv6 multicast memberships. {@link PcapL2Channel} is the real one; tests use a fake.
 */
public interface L2Channel extends AutoCloseable {

  /**
   * Calls {@code handler} on this thread for every received frame until {@link #stopReceiving()}.
   * Frames this host sent are not delivered.
   */
  void receiveLoop(Consumer<byte[]> handler) throws IOException;

  /** Makes {@link #receiveLoop} return soon; callable from any thread. */
  void stopReceiving();

  /** Sends one complete Ethernet frame. Thread-safe. */
  void send(byte[] frame) throws IOException;

  /**
   * The full set of IPv6 multicast groups (solicited-node groups of owned addresses) this interface
   * must receive; the channel joins and leaves to match.
   */
  void setMulticastGroups(Set<IpAddress> groups);

  /** Releases the channel; call after {@link #receiveLoop} has returned. */
  @Override
  void close();
}

package io.ferrolb.adapters.l2;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-address counters, exported by the app as {@code metallb_layer2_requests_received}, {@code
 * _responses_sent} and {@code _gratuitous_sent} (MetalLB's names).
 */
public final class AddressCounters {
  final AtomicLong requestsReceived = new AtomicLong();
  final AtomicLong responsesSent = new AtomicLong();
  final AtomicLong gratuitousSent = new AtomicLong();

  /** ARP requests / NS for this address that this node was going to answer. */
  public long requestsReceived() {
    return requestsReceived.get();
  }

  /** Replies actually handed to the interface. */
  public long responsesSent() {
    return responsesSent.get();
  }

  /** Gratuitous frames sent (ARP request + reply count as two; one per unsolicited NA). */
  public long gratuitousSent() {
    return gratuitousSent.get();
  }

  @Override
  public String toString() {
    return "requests="
        + requestsReceived()
        + " responses="
        + responsesSent()
        + " gratuitous="
        + gratuitousSent();
  }
}

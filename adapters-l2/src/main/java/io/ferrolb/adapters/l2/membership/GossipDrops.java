package io.ferrolb.adapters.l2.membership;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Gossip frames dropped before they reach the protocol stack, counted by why. */
final class GossipDrops {
  /** Why a frame was dropped; {@link #label()} is the metric's {@code reason} label. */
  enum Reason {
    /** No encryption header: sent by someone without the key. */
    UNENCRYPTED,
    /** Sealed with another key (its key version differs from ours). */
    WRONG_KEY,
    /** Right key version, but the AES-GCM tag does not verify: forged or altered. */
    BAD_TAG,
    /** Authentic, but already received, or older than the replay window. */
    REPLAYED,
    /** Ends before it should: no payload, no IV, shorter than a GCM tag, or unparseable inside. */
    TRUNCATED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Map<Reason, LongAdder> counts = new EnumMap<>(Reason.class);

  GossipDrops() {
    for (Reason r : Reason.values()) {
      counts.put(r, new LongAdder());
    }
  }

  void count(Reason reason) {
    counts.get(reason).increment();
  }

  /** Every reason, in declaration order, with its count (zero included). */
  Map<String, Long> snapshot() {
    Map<String, Long> out = new LinkedHashMap<>();
    counts.forEach((r, n) -> out.put(r.label(), n.sum()));
    return out;
  }
}

package io.ferrolb.adapters.l2.membership;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which sealed frames were already received, by the IV they carry: 6 bytes of the sender's stream
 * (random per channel start) then a 6-byte counter, the deterministic IV construction of NIST SP
 * 800-38D §8.2.1. Per stream, a sliding window of {@link #WINDOW} counters (RFC 4303 §3.4.3's
 * anti-replay window, wider because JGroups sends from several threads and UDP may reorder): a
 * counter above the highest moves the window, one inside it is accepted once, one below it is
 * refused. Only consulted after the frame authenticated, so nobody without the key can move it.
 *
 * <p>Streams are kept for the last {@link #MAX_STREAMS} senders seen (least recently used go
 * first). A speaker before this window sends random IVs, i.e. a new "stream" per frame: during an
 * upgrade its frames are accepted, and their replays detected only while the stream is remembered.
 */
final class ReplayWindow {
  static final int WINDOW = 1024;
  static final int MAX_STREAMS = 4096;

  private final Map<Long, Stream> streams =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Stream> eldest) {
          return size() > MAX_STREAMS;
        }
      };

  /** True the first time (stream, counter) is seen within the window. */
  synchronized boolean accept(long stream, long counter) {
    return streams.computeIfAbsent(stream, s -> new Stream()).accept(counter);
  }

  private static final class Stream {
    private long highest = -1;
    private final BitSet seen = new BitSet(WINDOW);

    boolean accept(long counter) {
      if (counter > highest) {
        if (counter - highest >= WINDOW) {
          seen.clear();
        } else {
          for (long c = highest + 1; c <= counter; c++) {
            seen.clear((int) (c % WINDOW));
          }
        }
        highest = counter;
        seen.set((int) (counter % WINDOW));
        return true;
      }
      if (highest - counter >= WINDOW) {
        return false; // older than the window: cannot tell, so refuse
      }
      int bit = (int) (counter % WINDOW);
      if (seen.get(bit)) {
        return false;
      }
      seen.set(bit);
      return true;
    }
  }
}

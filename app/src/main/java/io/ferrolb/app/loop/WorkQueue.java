package io.ferrolb.app.loop;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A de-duplicating FIFO of work items for {@link WorkLoop}: an item already waiting is not added
 * twice, so a burst of watch events for one object costs one pass. Items are compared with {@code
 * equals}, so they should be records. Thread-safe; one consumer.
 */
final class WorkQueue<W> {
  private final Deque<W> order = new ArrayDeque<>();
  private final Set<W> waiting = new HashSet<>();

  synchronized void add(W item) {
    if (waiting.add(item)) {
      order.addLast(item);
      notifyAll();
    }
  }

  /** Puts {@code item} at the head (moving it there when already waiting). */
  synchronized void addFirst(W item) {
    if (!waiting.add(item)) {
      order.remove(item);
    }
    order.addFirst(item);
    notifyAll();
  }

  /** The next item, or null after {@code timeoutMillis}. */
  synchronized W poll(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (order.isEmpty()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return null;
      }
      wait(left);
    }
    W item = order.pollFirst();
    waiting.remove(item);
    return item;
  }

  synchronized boolean isEmpty() {
    return order.isEmpty();
  }

  synchronized int size() {
    return order.size();
  }

  synchronized void clear() {
    order.clear();
    waiting.clear();
  }
}

package io.ferrolb.app.controller;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A de-duplicating FIFO of keys (Strimzi's ControllerQueue idea): a key already waiting is not
 * added twice, so a burst of watch events for one object costs one pass. Thread-safe; one consumer.
 */
final class WorkQueue {
  private final Deque<String> order = new ArrayDeque<>();
  private final Set<String> waiting = new HashSet<>();

  synchronized void add(String key) {
    if (waiting.add(key)) {
      order.addLast(key);
      notifyAll();
    }
  }

  /** Puts {@code key} at the head (moving it there when already waiting). */
  synchronized void addFirst(String key) {
    if (!waiting.add(key)) {
      order.remove(key);
    }
    order.addFirst(key);
    notifyAll();
  }

  /** The next key, or null after {@code timeoutMillis}. */
  synchronized String poll(long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (order.isEmpty()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return null;
      }
      wait(left);
    }
    String key = order.pollFirst();
    waiting.remove(key);
    return key;
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

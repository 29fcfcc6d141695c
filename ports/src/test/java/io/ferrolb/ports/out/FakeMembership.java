package io.ferrolb.ports.out;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * In-memory {@link Membership} for tests: the test decides who is alive with {@link #view} and
 * listeners are called synchronously on the calling thread. Records every {@link #setSeeds} call.
 */
public final class FakeMembership implements Membership {
  private final String localNode;
  private final List<Consumer<Set<String>>> listeners = new CopyOnWriteArrayList<>();
  private final List<Set<InetSocketAddress>> seedHistory = new CopyOnWriteArrayList<>();
  private Set<String> alive;
  private boolean started;
  private boolean closed;

  public FakeMembership(String localNode) {
    this.localNode = Objects.requireNonNull(localNode, "localNode");
    this.alive = Set.of(localNode);
  }

  @Override
  public String localNode() {
    return localNode;
  }

  @Override
  public synchronized void start() {
    if (started || closed) {
      throw new IllegalStateException("membership: already started or closed");
    }
    started = true;
  }

  @Override
  public void setSeeds(Set<InetSocketAddress> seeds) {
    seedHistory.add(Set.copyOf(seeds));
  }

  @Override
  public synchronized Set<String> aliveNodes() {
    return alive;
  }

  @Override
  public void addListener(Consumer<Set<String>> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    listener.accept(aliveNodes());
  }

  /**
   * Simulates a new view: the local node plus {@code others}. Listeners are called only if the set
   * changed, like the real adapter.
   */
  public void view(String... others) {
    Set<String> next = new HashSet<>(List.of(others));
    next.add(localNode);
    Set<String> copy = Set.copyOf(next);
    synchronized (this) {
      if (copy.equals(alive)) {
        return;
      }
      alive = copy;
    }
    listeners.forEach(l -> l.accept(copy));
  }

  /** Every set passed to {@link #setSeeds}, oldest first. */
  public List<Set<InetSocketAddress>> seedHistory() {
    return new ArrayList<>(seedHistory);
  }

  public synchronized boolean started() {
    return started;
  }

  public synchronized boolean closed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    closed = true;
    alive = Set.of(localNode);
  }
}

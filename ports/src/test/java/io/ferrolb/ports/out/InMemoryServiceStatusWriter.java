package io.ferrolb.ports.out;

import io.ferrolb.domain.pool.IpAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ServiceStatusWriter} that keeps the written status in memory, counts writes, and can be
 * told to fail; shipped in the test-jar.
 */
public final class InMemoryServiceStatusWriter implements ServiceStatusWriter {
  private final Map<String, List<IpAddress>> ingress = new HashMap<>();
  private final Map<String, String> pools = new HashMap<>();
  private int writes;
  private String failWith;

  @Override
  public synchronized boolean write(
      ServiceSnapshot current, List<IpAddress> desired, Optional<String> pool) {
    if (failWith != null) {
      throw new ClusterWriteException(failWith, null);
    }
    boolean same = current.ingress().equals(desired) && current.allocatedFromPool().equals(pool);
    if (same) {
      return false;
    }
    writes++;
    ingress.put(current.key(), List.copyOf(desired));
    pool.ifPresentOrElse(p -> pools.put(current.key(), p), () -> pools.remove(current.key()));
    return true;
  }

  /** Makes later writes throw {@link ClusterWriteException}; null to succeed again. */
  public synchronized void failWith(String reason) {
    this.failWith = reason;
  }

  public synchronized List<IpAddress> ingress(String key) {
    return ingress.getOrDefault(key, List.of());
  }

  public synchronized Optional<String> pool(String key) {
    return Optional.ofNullable(pools.get(key));
  }

  public synchronized int writes() {
    return writes;
  }
}

package io.ferrolb.domain.allocation;

import io.ferrolb.domain.pool.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Who holds which address: the {@link Allocator}'s one allocation per Service, and per address the
 * Services that share it. Every change keeps each {@link PoolState}'s free indexes, counts and
 * sharing groups in step, doing index work only for what changed. The rules of who may hold what
 * stay in the {@link Allocator}.
 */
final class Holdings {

  private final Map<ServiceKey, Alloc> allocs = new HashMap<>();
  private final Map<IpAddress, IpUse> uses = new HashMap<>();

  /** The Service's allocation, or null. */
  Alloc get(ServiceKey key) {
    return allocs.get(key);
  }

  boolean holds(ServiceKey key) {
    return allocs.containsKey(key);
  }

  /** Every allocation, in no particular order. */
  Collection<Alloc> all() {
    return allocs.values();
  }

  /** The Services holding {@code ip} now; empty when it is free. */
  List<Alloc> holders(IpAddress ip) {
    IpUse use = uses.get(ip);
    return use == null ? List.of() : use.holders;
  }

  /** Forgets every allocation, without touching the pools (they are being replaced). */
  void clear() {
    allocs.clear();
    uses.clear();
  }

  /** True when one of {@code ips} is used by nobody now. */
  boolean freedAny(List<IpAddress> ips) {
    for (IpAddress ip : ips) {
      if (!uses.containsKey(ip)) {
        return true;
      }
    }
    return false;
  }

  /** Records {@code a}, replacing the Service's previous allocation; index work only for diffs. */
  void put(Alloc a) {
    Alloc old = allocs.put(a.key, a);
    if (old != null) {
      detach(old);
    }
    for (IpAddress ip : a.ips) {
      IpUse use = uses.get(ip);
      if (use == null) {
        use = new IpUse(a.pool);
        uses.put(ip, use);
        a.pool.markUsed(ip);
      }
      use.add(a);
      if (a.sharingKey.shares()) {
        a.pool.shared.computeIfAbsent(a.sharingKey, k -> new TreeSet<>()).add(ip);
      }
    }
    if (old != null) {
      freeUnheld(old);
    }
  }

  Optional<Alloc> remove(ServiceKey key) {
    Alloc old = allocs.remove(key);
    if (old == null) {
      return Optional.empty();
    }
    detach(old);
    freeUnheld(old);
    return Optional.of(old);
  }

  private void detach(Alloc a) {
    for (IpAddress ip : a.ips) {
      IpUse use = uses.get(ip);
      use.remove(a);
      if (a.sharingKey.shares()) {
        boolean keyStillThere = false;
        for (Alloc h : use.holders) {
          if (h.sharingKey.equals(a.sharingKey)) {
            keyStillThere = true;
            break;
          }
        }
        if (!keyStillThere) {
          TreeSet<IpAddress> set = use.pool.shared.get(a.sharingKey);
          set.remove(ip);
          if (set.isEmpty()) {
            use.pool.shared.remove(a.sharingKey);
          }
        }
      }
    }
  }

  private void freeUnheld(Alloc a) {
    for (IpAddress ip : a.ips) {
      IpUse use = uses.get(ip);
      if (use != null && use.holders.isEmpty()) {
        uses.remove(ip);
        use.pool.markFree(ip);
      }
    }
  }

  /**
   * One Service's allocation. It keeps the Service's ports only when it shares its address (a
   * non-empty sharing key): nobody can join an address whose holder does not share, so those ports
   * are never compared, and the allocator holds one allocation per Service.
   */
  static final class Alloc {
    final ServiceKey key;
    final PoolState pool;
    final List<IpAddress> ips;
    final List<ServicePort> ports;
    final SharingKey sharingKey;

    Alloc(
        ServiceKey key,
        PoolState pool,
        List<IpAddress> ips,
        List<ServicePort> ports,
        SharingKey sharingKey) {
      this.key = key;
      this.pool = pool;
      this.ips = List.copyOf(ips);
      this.ports = sharingKey.shares() ? List.copyOf(ports) : List.of();
      this.sharingKey = sharingKey;
    }

    Assignment toAssignment() {
      return new Assignment(key, pool.pool.name(), ips);
    }
  }

  /**
   * The Services holding one address (several when shared). The holders are an immutable list,
   * replaced on change: nearly every address has one holder, and a one-element list costs a third
   * of an {@code ArrayList} with its array.
   */
  private static final class IpUse {
    final PoolState pool;
    List<Alloc> holders = List.of();

    IpUse(PoolState pool) {
      this.pool = pool;
    }

    void add(Alloc a) {
      if (holders.isEmpty()) {
        holders = List.of(a);
        return;
      }
      List<Alloc> more = new ArrayList<>(holders.size() + 1);
      more.addAll(holders);
      more.add(a);
      holders = List.copyOf(more);
    }

    void remove(Alloc a) {
      if (!holders.contains(a)) {
        return;
      }
      List<Alloc> fewer = new ArrayList<>(holders);
      fewer.remove(a);
      holders = List.copyOf(fewer);
    }
  }
}

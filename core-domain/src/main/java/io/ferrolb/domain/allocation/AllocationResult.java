package io.ferrolb.domain.allocation;

import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Objects;

/** The outcome of {@link Allocator#reconcile} for one Service. */
public sealed interface AllocationResult
    permits AllocationResult.Allocated,
        AllocationResult.Rejected,
        AllocationResult.Cleared,
        AllocationResult.Ignored {

  /** Events to record on the Service, in order. */
  List<UserEvent> events();

  /** The ingress IPs the Service should have ({@code status.loadBalancer.ingress[].ip}). */
  List<IpAddress> desiredIngress();

  /**
   * The Service holds {@code ips} from {@code pool}. {@code changed} is true when the Service's
   * status ingress or its {@code metallb.io/ip-allocated-from-pool} annotation must be written.
   */
  record Allocated(List<IpAddress> ips, String pool, boolean changed, List<UserEvent> events)
      implements AllocationResult {
    public Allocated {
      ips = List.copyOf(ips);
      Objects.requireNonNull(pool, "pool");
      events = List.copyOf(events);
      if (ips.isEmpty()) {
        throw new IllegalArgumentException("allocated ips: empty (expected: 1 or 2 addresses)");
      }
    }

    @Override
    public List<IpAddress> desiredIngress() {
      return ips;
    }
  }

  /** No address: the desired ingress is empty; {@code detail} is MetalLB's error text. */
  record Rejected(RejectionReason reason, String detail, List<UserEvent> events)
      implements AllocationResult {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
      events = List.copyOf(events);
    }

    @Override
    public List<IpAddress> desiredIngress() {
      return List.of();
    }
  }

  /** Not ours to balance right now (not LoadBalancer, no pools, no ClusterIP): ingress empty. */
  record Cleared(String why, List<UserEvent> events) implements AllocationResult {
    public Cleared {
      Objects.requireNonNull(why, "why");
      events = List.copyOf(events);
    }

    @Override
    public List<IpAddress> desiredIngress() {
      return List.of();
    }
  }

  /** Another load-balancer class: do not touch the Service at all. */
  record Ignored(String why, List<UserEvent> events) implements AllocationResult {
    public Ignored {
      Objects.requireNonNull(why, "why");
      events = List.copyOf(events);
    }

    /** Not meaningful for an ignored Service: empty, and the caller must not write it. */
    @Override
    public List<IpAddress> desiredIngress() {
      return List.of();
    }
  }
}

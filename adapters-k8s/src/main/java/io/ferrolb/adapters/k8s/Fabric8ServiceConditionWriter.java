package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.AnnouncedCondition;
import io.ferrolb.ports.out.ClusterWriteException;
import io.ferrolb.ports.out.ServiceConditionWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Writes the {@value AnnouncedCondition#TYPE} condition on the status subresource: the Service as
 * read, with only that entry of its conditions changed, written back at the resourceVersion read,
 * so a concurrent writer's change is never lost (the write is refused and the next pass reads
 * again). With a cache of the Services (the controller's), a Service whose cached copy already says
 * what is to be written is not read at all: a new leader compares every condition, and at 10,000
 * Services that was 10,000 GETs for no write (bench/controller).
 */
public final class Fabric8ServiceConditionWriter implements ServiceConditionWriter {
  private final KubernetesClient client;
  private final Clock clock;
  private final Function<ServiceKey, Optional<Service>> cached;

  public Fabric8ServiceConditionWriter(KubernetesClient client) {
    this(client, Clock.systemUTC(), k -> Optional.empty());
  }

  /** Skips the read when {@code view}'s cached copy of the Service already holds the condition. */
  public Fabric8ServiceConditionWriter(KubernetesClient client, Fabric8ClusterView view) {
    this(client, Clock.systemUTC(), view::cachedService);
  }

  Fabric8ServiceConditionWriter(KubernetesClient client, Clock clock) {
    this(client, clock, k -> Optional.empty());
  }

  Fabric8ServiceConditionWriter(
      KubernetesClient client, Clock clock, Function<ServiceKey, Optional<Service>> cached) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cached = Objects.requireNonNull(cached, "cached");
  }

  @Override
  public boolean write(ServiceKey key, AnnouncedCondition c) {
    Optional<Service> seen = cached.apply(key);
    if (seen.isPresent() && conditions(seen.get(), c, clock.instant()).isEmpty()) {
      return false; // the cache already shows it; a stale cache is corrected by its next event
    }
    try {
      Service svc = client.services().inNamespace(key.namespace()).withName(key.name()).get();
      if (svc == null) {
        return false;
      }
      Optional<List<Condition>> next = conditions(svc, c, clock.instant());
      if (next.isEmpty()) {
        return false;
      }
      if (svc.getStatus() == null) {
        svc.setStatus(new ServiceStatus());
      }
      svc.getStatus().setConditions(next.get());
      // a PUT at the resourceVersion read: a concurrent change is a 409 and a retry, never a lost
      // condition or ingress
      client.services().inNamespace(key.namespace()).resource(svc).updateStatus();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw new ClusterWriteException(
          "Service "
              + key
              + ": condition "
              + AnnouncedCondition.TYPE
              + " write failed (HTTP "
              + e.getCode()
              + ")",
          e);
    }
  }

  /**
   * The conditions {@code svc} should have to say {@code c}, every other one kept in place; empty
   * when it already says so.
   */
  static Optional<List<Condition>> conditions(Service svc, AnnouncedCondition c, Instant now) {
    List<Condition> conditions =
        svc.getStatus() == null || svc.getStatus().getConditions() == null
            ? List.of()
            : svc.getStatus().getConditions();
    String status = c.announced() ? "True" : "False";
    int index = -1;
    for (int i = 0; i < conditions.size(); i++) {
      if (AnnouncedCondition.TYPE.equals(conditions.get(i).getType())) {
        index = i;
        break;
      }
    }
    Condition old = index < 0 ? null : conditions.get(index);
    if (old != null
        && status.equals(old.getStatus())
        && c.reason().equals(old.getReason())
        && c.message().equals(old.getMessage())) {
      return Optional.empty();
    }
    Condition value =
        new ConditionBuilder()
            .withType(AnnouncedCondition.TYPE)
            .withStatus(status)
            .withReason(c.reason())
            .withMessage(c.message())
            .withLastTransitionTime(
                old != null && status.equals(old.getStatus()) && old.getLastTransitionTime() != null
                    ? old.getLastTransitionTime()
                    : now.truncatedTo(ChronoUnit.SECONDS).toString())
            .withObservedGeneration(svc.getMetadata().getGeneration())
            .build();
    List<Condition> list = new ArrayList<>(conditions);
    if (index < 0) {
      list.add(value);
    } else {
      list.set(index, value);
    }
    return Optional.of(list);
  }
}

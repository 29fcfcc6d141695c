package io.ferrolb.app.controller;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.AnnouncedCondition;
import io.ferrolb.domain.announce.NodeState;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.ServiceSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a configuration change would do to the Services of a cluster: which would keep, change, lose
 * or gain their addresses, and which would stop (or start) being announced. It runs the
 * controller's own allocation over the new pools the way a controller that starts with them would
 * (holders of addresses first), and the announcement rules over both configurations; nothing is
 * written anywhere.
 */
public final class ConfigDiff {
  private ConfigDiff() {}

  /** How one Service would change. */
  public enum Kind {
    /** Its address would change. */
    MOVES,
    /** It would lose its address and stay pending. */
    STRANDED,
    /** A pending Service would get an address. */
    GAINS,
    /** Same address, but it would stop being announced. */
    UNANNOUNCED,
    /** Same address, now announced where it was not. */
    ANNOUNCED,
    /** Same address, announced differently (another node, other peers). */
    ANNOUNCEMENT_CHANGES
  }

  /**
   * One Service that would change.
   *
   * @param detail one sentence: the new pool, the reason it loses its address or announcement
   */
  public record Change(
      ServiceKey service, Kind kind, List<IpAddress> before, List<IpAddress> after, String detail) {
    public Change {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(kind, "kind");
      before = List.copyOf(before);
      after = List.copyOf(after);
      Objects.requireNonNull(detail, "detail");
    }

    /** {@code Service ns/name: …}, as {@code ferrolb diff} prints it. */
    @Override
    public String toString() {
      String b = ips(before);
      String a = ips(after);
      return "Service "
          + service
          + ": "
          + switch (kind) {
            case MOVES -> b + " -> " + a + " (" + detail + ")";
            case STRANDED -> "loses " + b + " and stays pending: " + detail;
            case GAINS -> "gets " + a + " (" + detail + ")";
            case UNANNOUNCED -> "keeps " + b + " but is no longer announced: " + detail;
            case ANNOUNCED -> "keeps " + b + " and becomes announced: " + detail;
            case ANNOUNCEMENT_CHANGES -> "keeps " + b + ", announced differently: " + detail;
          };
    }

    private static String ips(List<IpAddress> ips) {
      return ips.stream().map(IpAddress::toString).collect(Collectors.joining(", "));
    }
  }

  /** The cluster as it is now. */
  public record Cluster(
      Collection<ServiceSnapshot> services,
      Function<String, Map<String, String>> namespaceLabels,
      Collection<ServiceState> announced,
      Collection<NodeState> nodes,
      Set<String> speakers) {}

  /**
   * The changes, in namespace/name order.
   *
   * @param current the configuration in force (empty when none)
   * @param next the configuration after the change
   * @param lbClass the controller's {@code --lb-class}
   */
  public static List<Change> of(
      Cluster cluster, Optional<Config> current, Config next, String lbClass) {
    AllocationEngine engine = new AllocationEngine(lbClass);
    engine.setPools(next.pools());
    Map<ServiceKey, ServiceState> states = new HashMap<>();
    for (ServiceState s : cluster.announced()) {
      states.put(s.key(), s);
    }
    List<Change> out = new ArrayList<>();
    for (ServiceSnapshot svc : engine.recoveryOrder(cluster.services())) {
      if (!svc.isLoadBalancer()) {
        continue;
      }
      ServiceKey key = new ServiceKey(svc.namespace(), svc.name());
      AllocationEngine.IngressAction v =
          engine.reconcile(svc, cluster.namespaceLabels().apply(svc.namespace()));
      if (v instanceof AllocationEngine.Ignore) {
        continue;
      }
      List<IpAddress> before = svc.ingress();
      List<IpAddress> after = v instanceof AllocationEngine.Assign a ? a.ips() : List.of();
      if (!after.equals(before)) {
        if (after.isEmpty()) {
          out.add(
              new Change(key, Kind.STRANDED, before, after, ((AllocationEngine.Clear) v).why()));
        } else {
          Kind kind = before.isEmpty() ? Kind.GAINS : Kind.MOVES;
          String why = "pool \"" + ((AllocationEngine.Assign) v).pool() + "\"";
          if (kind == Kind.MOVES) {
            why =
                (next.pools().stream().anyMatch(p -> before.stream().allMatch(p::contains))
                        ? "its request now points elsewhere"
                        : "no pool holds " + Change.ips(before) + " any more")
                    + "; new address from "
                    + why;
          } else {
            why = "from " + why;
          }
          out.add(new Change(key, kind, before, after, why));
        }
        continue;
      }
      ServiceState state = states.get(key);
      if (state == null || before.isEmpty()) {
        continue;
      }
      AnnouncedCondition was = judge(state, current, cluster);
      AnnouncedCondition will = judge(state, Optional.of(next), cluster);
      boolean wasOn = byRules(was);
      boolean willBeOn = byRules(will);
      if (wasOn && !willBeOn) {
        out.add(
            new Change(
                key, Kind.UNANNOUNCED, before, after, will.reason() + ": " + tail(will, before)));
      } else if (!wasOn && willBeOn) {
        out.add(new Change(key, Kind.ANNOUNCED, before, after, tail(will, before)));
      } else if (wasOn && !was.message().equals(will.message())) {
        out.add(new Change(key, Kind.ANNOUNCEMENT_CHANGES, before, after, tail(will, before)));
      }
    }
    out.sort(
        Comparator.comparing((Change c) -> c.service().namespace())
            .thenComparing(c -> c.service().name()));
    return out;
  }

  private static AnnouncedCondition judge(
      ServiceState s, Optional<Config> config, Cluster cluster) {
    return AnnouncedCondition.judge(
        s, config, cluster.nodes(), cluster.speakers(), AnnouncedCondition.Reports.NONE, false);
  }

  /** Judged without reports, "should be announced by …" is the rules saying yes. */
  private static boolean byRules(AnnouncedCondition c) {
    return c.reason().equals(AnnouncedCondition.NOT_REPORTED);
  }

  /** The message without the leading addresses and the "but no speaker reports it" part. */
  private static String tail(AnnouncedCondition c, List<IpAddress> ips) {
    String m = c.message();
    int cut = m.indexOf(", but ");
    if (cut > 0) {
      m = m.substring(0, cut);
    }
    String prefix = Change.ips(ips) + " ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }
}

package io.ferrolb.domain.announce;

import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.pool.IpAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code ferrolb.io/Announced} condition of one Service, as the cluster sees it: announced when
 * some speaker reports announcing it (its ServiceL2Status / ServiceBGPStatus objects), otherwise
 * not, with the reason the announcement rules give, judged for every node that runs a speaker.
 *
 * <p>When the rules say some node should announce and no speaker reports it, the reason is {@value
 * #NOT_REPORTED}: the fault is on that node (speaker down, interface missing, announcer failing),
 * not in the configuration.
 *
 * @param announced the condition's status
 * @param reason a CamelCase word (Kubernetes condition reason syntax)
 * @param message one sentence for {@code kubectl describe}
 */
public record AnnouncedCondition(boolean announced, String reason, String message) {

  /** The condition type on {@code Service.status.conditions}. */
  public static final String TYPE = "ferrolb.io/Announced";

  public static final String LAYER2 = "Layer2";
  public static final String BGP = "BGP";
  public static final String LAYER2_AND_BGP = "Layer2AndBGP";
  public static final String NO_CONFIGURATION = "NoConfiguration";
  public static final String NOT_REPORTED = "NotReported";

  public AnnouncedCondition {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  /**
   * What the speakers report for one Service.
   *
   * @param layer2 node → interfaces it answers ARP/NDP on (empty set: every eligible interface)
   * @param bgp node → peers it advertises the service to
   */
  public record Reports(Map<String, Set<String>> layer2, Map<String, Set<String>> bgp) {
    public static final Reports NONE = new Reports(Map.of(), Map.of());

    public Reports {
      layer2 = Map.copyOf(layer2);
      bgp = Map.copyOf(bgp);
    }
  }

  /**
   * Judges one Service.
   *
   * @param config the configuration in force; empty when there is none (or none valid yet)
   * @param nodes every Node
   * @param speakers nodes with a ready speaker pod; empty when unknown (then every node counts)
   */
  public static AnnouncedCondition judge(
      ServiceState svc,
      Optional<Config> config,
      Collection<NodeState> nodes,
      Set<String> speakers,
      Reports reports,
      boolean ignoreExcludeLabel) {
    String addresses = addresses(svc.ingress());
    if (!reports.layer2().isEmpty() || !reports.bgp().isEmpty()) {
      return announced(addresses, reports);
    }
    if (svc.ingress().isEmpty()) {
      return no(
          NotAnnouncedReason.NO_ADDRESS, "no address assigned yet (see the Service's events)");
    }
    if (config.isEmpty()) {
      return new AnnouncedCondition(
          false,
          NO_CONFIGURATION,
          addresses + " is not announced: there is no valid ferrolb configuration");
    }
    List<NodeState> judged =
        nodes.stream()
            .filter(n -> speakers.isEmpty() || speakers.contains(n.name()))
            .sorted(java.util.Comparator.comparing(NodeState::name))
            .toList();
    if (judged.isEmpty()) {
      return new AnnouncedCondition(
          false,
          NotAnnouncedReason.NO_ELIGIBLE_NODE.conditionReason(),
          addresses + " is not announced: no node runs a ready speaker");
    }
    Set<String> alive = judged.stream().map(NodeState::name).collect(Collectors.toSet());
    L2Plan.L2Outcome l2 =
        L2Planner.plan(
                judged.get(0).name(), config.get(), judged, alive, List.of(svc), ignoreExcludeLabel)
            .decisions()
            .get(svc.key());
    if (l2 instanceof L2Plan.Announced a) {
      return new AnnouncedCondition(
          false,
          NOT_REPORTED,
          addresses
              + " should be announced in Layer 2 by node \""
              + a.node()
              + "\", but its speaker does not report it (is the speaker on that node running and"
              + " its interface up? see its log)");
    }
    L2Plan.NotAnnounced l2No = (L2Plan.NotAnnounced) l2;
    if (l2No.reason() != NotAnnouncedReason.NO_ADVERTISEMENT) {
      boolean l2Only =
          l2No.reason() == NotAnnouncedReason.NO_ELIGIBLE_NODE
              || l2No.reason() == NotAnnouncedReason.SHARED_IP_WITH_SERVICE_SELECTORS;
      return no(
          l2No.reason(),
          addresses + " is not announced" + (l2Only ? " in Layer 2: " : ": ") + l2No.detail());
    }

    Map<NotAnnouncedReason, List<String>> byReason = new EnumMap<>(NotAnnouncedReason.class);
    Map<NotAnnouncedReason, String> detail = new EnumMap<>(NotAnnouncedReason.class);
    List<String> shouldAdvertise = new ArrayList<>();
    for (NodeState n : judged) {
      BgpPlan.BgpOutcome d =
          BgpPlanner.plan(n, config.get(), List.of(svc), ignoreExcludeLabel)
              .decisions()
              .get(svc.key());
      if (d instanceof BgpPlan.NotAdvertised no) {
        byReason.computeIfAbsent(no.reason(), r -> new ArrayList<>()).add(n.name());
        detail.putIfAbsent(no.reason(), no.detail());
      } else {
        shouldAdvertise.add(n.name());
      }
    }
    if (!shouldAdvertise.isEmpty()) {
      return new AnnouncedCondition(
          false,
          NOT_REPORTED,
          addresses
              + " should be advertised over BGP by "
              + nodeList(shouldAdvertise)
              + ", but no speaker reports it (are those speakers running? see their logs)");
    }
    if (byReason.keySet().equals(Set.of(NotAnnouncedReason.NO_ADVERTISEMENT))) {
      return no(
          NotAnnouncedReason.NO_ADVERTISEMENT,
          addresses
              + " is not announced: "
              + l2No.detail()
              + ", and no BGPAdvertisement covers it");
    }
    // The reason shared by most nodes leads; every other one is named with its nodes.
    NotAnnouncedReason lead =
        byReason.entrySet().stream()
            .max(
                java.util.Comparator.<Map.Entry<NotAnnouncedReason, List<String>>>comparingInt(
                        e -> e.getValue().size())
                    .thenComparing(Map.Entry::getKey, java.util.Comparator.reverseOrder()))
            .orElseThrow()
            .getKey();
    StringBuilder m = new StringBuilder(addresses + " is not advertised over BGP by any node: ");
    String sep = "";
    for (var e : byReason.entrySet()) {
      m.append(sep).append(nodeList(e.getValue())).append(": ").append(detail.get(e.getKey()));
      sep = "; ";
    }
    return no(lead, m.toString());
  }

  private static AnnouncedCondition announced(String addresses, Reports r) {
    List<String> parts = new ArrayList<>();
    if (!r.layer2().isEmpty()) {
      List<String> owners = new ArrayList<>();
      new TreeMap<>(r.layer2())
          .forEach(
              (node, ifaces) ->
                  owners.add(
                      "\""
                          + node
                          + "\""
                          + (ifaces.isEmpty()
                              ? ""
                              : " on " + String.join(", ", new TreeSet<>(ifaces)))));
      parts.add(
          "answered in Layer 2 by node"
              + (owners.size() > 1 ? "s " : " ")
              + String.join(", ", owners)
              + (owners.size() > 1 ? " (more than one owner: a takeover in progress)" : ""));
    }
    if (!r.bgp().isEmpty()) {
      Set<String> peers = new TreeSet<>();
      r.bgp().values().forEach(peers::addAll);
      parts.add(
          "advertised over BGP by "
              + nodeList(new ArrayList<>(r.bgp().keySet()))
              + " to peer"
              + (peers.size() == 1 ? " " : "s ")
              + String.join(", ", peers));
    }
    String reason = r.layer2().isEmpty() ? BGP : r.bgp().isEmpty() ? LAYER2 : LAYER2_AND_BGP;
    return new AnnouncedCondition(true, reason, addresses + " " + String.join("; ", parts));
  }

  private static String nodeList(List<String> nodes) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(nodes));
    String shown =
        sorted.stream().limit(5).map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
    return (sorted.size() == 1 ? "node " : "nodes ")
        + shown
        + (sorted.size() > 5 ? " and " + (sorted.size() - 5) + " more" : "");
  }

  private static String addresses(List<IpAddress> ips) {
    return ips.isEmpty()
        ? "the Service"
        : ips.stream().map(IpAddress::toString).collect(Collectors.joining(", "));
  }

  private static AnnouncedCondition no(NotAnnouncedReason reason, String message) {
    return new AnnouncedCondition(false, reason.conditionReason(), message);
  }
}

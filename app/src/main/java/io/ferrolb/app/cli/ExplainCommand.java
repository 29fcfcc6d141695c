package io.ferrolb.app.cli;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.AnnouncedCondition;
import io.ferrolb.domain.announce.ServiceState;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.Pool;
import io.ferrolb.ports.out.ServiceSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferrolb explain svc/NAME} ({@code kubectl ferrolb explain}): everything ferrolb knows
 * about one Service in one place — what it asked for, its address and pool, who announces it (node
 * and interfaces, or nodes and BGP peers) or why nobody does, and its recent events. The reason is
 * judged here with the controller's rules from the live caches, so it also works where the
 * controller does not write the {@code ferrolb.io/Announced} condition.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    description = {
      "Explain a LoadBalancer Service: its address, pool, announcing nodes, or why it is not"
          + " announced (read-only).",
      "Exit status: 0 announced, 1 not announced or not found, 2 cluster unreadable."
    })
public final class ExplainCommand implements Callable<Integer> {

  @Parameters(
      paramLabel = "svc/NAME",
      description = "The Service (svc/NAME, service/NAME or NAME).")
  String target;

  @Option(
      names = {"-n", "--namespace"},
      description = "The Service's namespace (default: the kubeconfig context's, else default).")
  String namespace;

  @Mixin LiveCluster.Options cluster = new LiveCluster.Options();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String name = target.replaceFirst("^(svc|service|services)/", "");
    if (name.contains("/") || name.isBlank()) {
      err.println(
          "ferrolb explain: \"" + target + "\" is not a Service (expected: svc/NAME or NAME)");
      err.flush();
      return 2;
    }
    try (LiveCluster c = LiveCluster.open(cluster)) {
      String ns =
          Optional.ofNullable(namespace)
              .or(() -> Optional.ofNullable(c.client.getNamespace()))
              .orElse("default");
      int rc = explain(c, new ServiceKey(ns, name), out);
      out.flush();
      return rc;
    } catch (IOException | RuntimeException e) {
      err.println("ferrolb explain: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  static int explain(LiveCluster c, ServiceKey key, PrintWriter out) {
    Optional<ServiceSnapshot> snap = c.controllerView.service(key.toString());
    if (snap.isEmpty()) {
      out.println("Service " + key + " not found");
      return 1;
    }
    ServiceSnapshot s = snap.get();
    out.println("Service " + key);
    out.println(
        "  Type:          "
            + s.request().type()
            + s.request()
                .loadBalancerClass()
                .map(l -> " (loadBalancerClass " + l + ")")
                .orElse(""));
    if (!s.isLoadBalancer()) {
      out.println("  not a LoadBalancer: ferrolb gives it no address");
      return 1;
    }
    Map<String, String> asked = new TreeMap<>();
    s.annotations()
        .forEach(
            (k, v) -> {
              if ((k.startsWith("metallb.io/")
                      || k.startsWith("metallb.universe.tf/")
                      || k.startsWith("ferrolb.io/"))
                  && !k.equals(ServiceSnapshot.POOL_ANNOTATION)) {
                asked.put(k, v);
              }
            });
    s.request().specLoadBalancerIp().ifPresent(ip -> asked.put("spec.loadBalancerIP", ip));
    out.println(
        "  Asks for:      "
            + (asked.isEmpty()
                ? "any address (no annotation)"
                : asked.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(", "))));
    out.println(
        "  Traffic:       externalTrafficPolicy " + s.request().externalTrafficPolicy().spelling());
    Optional<Config> config = c.currentConfig();
    if (s.ingress().isEmpty()) {
      out.println("  EXTERNAL-IP:   <pending>");
    } else {
      String pool =
          s.allocatedFromPool()
              .or(() -> config.flatMap(cf -> cf.poolContaining(s.ingress().get(0))).map(Pool::name))
              .map(p -> "pool \"" + p + "\"")
              .orElse("in no configured pool");
      out.println(
          "  EXTERNAL-IP:   "
              + s.ingress().stream().map(IpAddress::toString).collect(Collectors.joining(", "))
              + " ("
              + pool
              + ")");
    }
    if (config.isEmpty()) {
      out.println(
          "  Config:        none valid in namespace \""
              + c.namespace
              + "\" (see kubectl get configurationstates -n "
              + c.namespace
              + ")");
    }
    AnnouncedCondition.Reports reports =
        c.reports.snapshot().getOrDefault(key, AnnouncedCondition.Reports.NONE);
    new TreeMap<>(reports.layer2())
        .forEach(
            (node, ifaces) ->
                out.println(
                    "  Layer 2:       node "
                        + node
                        + " answers ARP/NDP"
                        + (ifaces.isEmpty()
                            ? " on every eligible interface"
                            : " on " + String.join(", ", new TreeSet<>(ifaces)))));
    new TreeMap<>(reports.bgp())
        .forEach(
            (node, peers) ->
                out.println(
                    "  BGP:           node "
                        + node
                        + " advertises to "
                        + String.join(", ", new TreeSet<>(peers))));
    Optional<ServiceState> state =
        c.speakerView.services().stream().filter(x -> x.key().equals(key)).findFirst();
    AnnouncedCondition verdict =
        state
            .map(
                st ->
                    AnnouncedCondition.judge(
                        st,
                        config,
                        c.speakerView.nodes(),
                        c.speakerView.expectedSpeakers(),
                        reports,
                        false))
            .orElse(
                new AnnouncedCondition(
                    false, "NotHandled", "not handled by ferrolb (another loadBalancerClass)"));
    out.println(
        "  Announced:     "
            + (verdict.announced() ? "yes" : "no")
            + " ("
            + verdict.reason()
            + "): "
            + verdict.message());
    controllerCondition(c, key)
        .ifPresent(
            cond ->
                out.println(
                    "  Condition:     "
                        + AnnouncedCondition.TYPE
                        + "="
                        + cond.getStatus()
                        + " "
                        + cond.getReason()
                        + " since "
                        + cond.getLastTransitionTime()));
    List<Event> events = events(c, key);
    if (!events.isEmpty()) {
      out.println("  Events:");
      for (Event e : events) {
        out.println(
            "    "
                + e.getType()
                + " "
                + e.getReason()
                + (e.getCount() != null && e.getCount() > 1 ? " (x" + e.getCount() + ")" : "")
                + ": "
                + e.getMessage());
      }
    }
    return verdict.announced() ? 0 : 1;
  }

  private static Optional<Condition> controllerCondition(LiveCluster c, ServiceKey key) {
    Service svc = c.client.services().inNamespace(key.namespace()).withName(key.name()).get();
    if (svc == null || svc.getStatus() == null || svc.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return svc.getStatus().getConditions().stream()
        .filter(x -> AnnouncedCondition.TYPE.equals(x.getType()))
        .findFirst();
  }

  /** The Service's five most recent events. */
  private static List<Event> events(LiveCluster c, ServiceKey key) {
    return c.client.v1().events().inNamespace(key.namespace()).list().getItems().stream()
        .filter(
            e ->
                e.getInvolvedObject() != null
                    && "Service".equals(e.getInvolvedObject().getKind())
                    && key.name().equals(e.getInvolvedObject().getName()))
        .sorted(Comparator.comparing(ExplainCommand::when).reversed())
        .limit(5)
        .toList();
  }

  private static String when(Event e) {
    return Optional.ofNullable(e.getLastTimestamp())
        .or(() -> Optional.ofNullable(e.getEventTime()).map(t -> t.getTime()))
        .or(() -> Optional.ofNullable(e.getFirstTimestamp()))
        .orElse("");
  }

  /** Go-style durations for the command's flags. */
  static final class Durations {
    private Durations() {}

    static Duration parse(String flag, String text) {
      try {
        return io.ferrolb.domain.config.GoDuration.parse(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(flag + " \"" + text + "\": " + e.getMessage());
      }
    }
  }
}

package io.ferrolb.app.speaker;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.BgpPlan;
import io.ferrolb.domain.announce.L2Plan;
import io.ferrolb.domain.announce.NotAnnouncedReason;
import io.ferrolb.domain.config.Config;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.ApplyReport;
import io.ferrolb.ports.out.ClusterEvents;
import io.ferrolb.ports.out.SpeakerView;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a speaker tells about its announcements, as log lines and Events on the Services concerned:
 * each problem once (per distinct problem of a service, not once per pass), each new announcement
 * once. Remembers what it reported; only the loop thread calls it.
 */
final class AnnouncementEvents {
  private static final Logger LOG = LoggerFactory.getLogger(AnnouncementEvents.class);

  static final Comparator<ServiceKey> KEY_ORDER =
      Comparator.comparing(ServiceKey::namespace).thenComparing(ServiceKey::name);

  private final String node;
  private final SpeakerView view;
  private final ClusterEvents events;
  private final Map<String, String> lastL2Failure = new HashMap<>();
  private final Map<String, Set<ServiceKey>> reportedUnavailable = new HashMap<>();
  private Map<ServiceKey, List<String>> reportedBgpProblems = Map.of();

  AnnouncementEvents(String node, SpeakerView view, ClusterEvents events) {
    this.node = node;
    this.view = view;
    this.events = events;
  }

  /** Announcer {@code name} runs again: a later failure to run is reported anew. */
  void available(String name) {
    reportedUnavailable.remove(name);
  }

  /**
   * An L2Advertisement names an announcer this speaker cannot run: a log line and a Warning event
   * {@code announceFailed} on each service concerned, once per service (not once per pass).
   */
  void reportUnavailable(
      String name, String reason, Map<IpAddress, L2Plan.Claim> claims, Config config) {
    Set<ServiceKey> services = new TreeSet<>(KEY_ORDER);
    claims.values().forEach(c -> services.addAll(c.services()));
    Set<ServiceKey> reported = reportedUnavailable.computeIfAbsent(name, k -> new HashSet<>());
    reported.retainAll(services);
    if (reported.containsAll(services)) {
      return;
    }
    String ads =
        config.l2Advertisements().stream()
            .filter(ad -> ad.announcer().equals(Optional.of(name)))
            .map(ad -> "\"" + ad.name() + "\"")
            .collect(Collectors.joining(", "));
    String message =
        "announcer \""
            + name
            + "\" named by L2Advertisement "
            + ads
            + " cannot run on this node, so nobody announces this service: "
            + reason;
    for (ServiceKey k : services) {
      if (reported.add(k)) {
        LOG.warn(
            "event=announcerUnavailable announcer={} service={} node={} {}",
            name,
            k,
            node,
            message);
        warnAnnounceFailed(k, message);
      }
    }
  }

  /**
   * Problems of the BGP plan as log lines and Warning events on the services concerned, once per
   * distinct set of problems of a service (not once per pass): bad BGP annotations ({@code
   * invalidAnnotation}; the service is advertised without them) and LOCAL_PREF conflicts, e.g.
   * between services sharing an address ({@code announceFailed}; this node does not advertise the
   * service).
   */
  void reportBgpProblems(BgpPlan plan) {
    Map<ServiceKey, List<String>> now = new TreeMap<>(KEY_ORDER);
    plan.decisions()
        .forEach(
            (k, d) -> {
              if (d instanceof BgpPlan.Advertised a && !a.warnings().isEmpty()) {
                now.put(k, a.warnings());
              } else if (d instanceof BgpPlan.NotAdvertised n
                  && n.reason() == NotAnnouncedReason.CONFLICTING_ADVERTISEMENTS) {
                now.put(k, List.of(n.detail()));
              }
            });
    now.forEach(
        (k, problems) -> {
          if (problems.equals(reportedBgpProblems.get(k))) {
            return;
          }
          boolean advertised = plan.decisions().get(k) instanceof BgpPlan.Advertised;
          for (String p : problems) {
            if (advertised) {
              LOG.warn("event=invalidAnnotation service={} node={} {}", k, node, p);
              warn(k, "invalidAnnotation", p + " (node \"" + node + "\")");
            } else {
              LOG.warn("event=announceFailed protocol=bgp service={} node={} {}", k, node, p);
              warnAnnounceFailed(k, p);
            }
          }
        });
    reportedBgpProblems = now;
  }

  /** A Warning event {@code announceFailed} on service {@code k}, saying why this node cannot. */
  private void warnAnnounceFailed(ServiceKey k, String why) {
    warn(k, "announceFailed", "node \"" + node + "\" cannot announce: " + why);
  }

  /** A Warning event on service {@code k}, if it still exists. */
  private void warn(ServiceKey k, String reason, String message) {
    view.serviceRef(k)
        .ifPresent(ref -> events.emit(ref, ClusterEvents.Type.WARNING, reason, message));
  }

  /**
   * A failed Layer 2 apply (typically an L2Advertisement interface missing on this node) becomes a
   * Warning event {@code announceFailed} on the services concerned, once per distinct failure of
   * each announcer.
   */
  void reportL2Failure(String announcer, ApplyReport report, Map<IpAddress, L2Plan.Claim> claims) {
    if (report.ok()) {
      lastL2Failure.remove(announcer);
      return;
    }
    String reason = ((ApplyReport.Failed) report).reason();
    if (reason.equals(lastL2Failure.get(announcer))) {
      return;
    }
    lastL2Failure.put(announcer, reason);
    LOG.warn(
        "event=announceFailed protocol=layer2 announcer={} node={} {}", announcer, node, reason);
    for (L2Plan.Claim c : claims.values()) {
      for (ServiceKey k : c.services()) {
        warnAnnounceFailed(k, reason);
      }
    }
  }

  void announceChanges(
      String protocol, Map<ServiceKey, Set<String>> before, Map<ServiceKey, Set<String>> now) {
    for (ServiceKey k : now.keySet()) {
      if (!before.containsKey(k)) {
        LOG.info("event=serviceAnnounced service={} protocol={}", k, protocol);
        view.serviceRef(k)
            .ifPresent(
                ref ->
                    events.emit(
                        ref,
                        ClusterEvents.Type.NORMAL,
                        "nodeAssigned",
                        "announcing from node \""
                            + node
                            + "\" with protocol \""
                            + protocol
                            + "\""));
      }
    }
    for (ServiceKey k : before.keySet()) {
      if (!now.containsKey(k)) {
        LOG.info("event=serviceWithdrawn service={} protocol={}", k, protocol);
      }
    }
  }
}

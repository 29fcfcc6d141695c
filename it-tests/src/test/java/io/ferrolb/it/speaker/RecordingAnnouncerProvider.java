package io.ferrolb.it.speaker;

import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.out.ApplyReport;
import io.ferrolb.ports.out.DesiredAnnouncements;
import io.ferrolb.ports.spi.AnnouncerContext;
import io.ferrolb.ports.spi.AnnouncerProvider;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * A plugin found by ServiceLoader in the test class path ("recording"): keeps, per node, the last
 * desired set, so tests can see which node claims what without raw sockets.
 */
public final class RecordingAnnouncerProvider implements AnnouncerProvider {
  static final Map<String, DesiredAnnouncements> CURRENT = new ConcurrentHashMap<>();

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public Announcer create(AnnouncerContext context) {
    String node = context.nodeName();
    return new Announcer() {
      @Override
      public ApplyReport apply(DesiredAnnouncements desired) {
        CURRENT.put(node, desired);
        return ApplyReport.applied(desired.entries().size());
      }

      @Override
      public void close() {
        CURRENT.remove(node);
      }
    };
  }

  /** node -> addresses it claims. */
  static Map<String, Set<String>> claims() {
    return CURRENT.entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey,
                e ->
                    e.getValue().entries().stream()
                        .map(x -> x.address().toString())
                        .collect(Collectors.toSet())));
  }

  /** The nodes claiming {@code ip}. */
  static Set<String> claimants(String ip) {
    return claims().entrySet().stream()
        .filter(e -> e.getValue().contains(ip))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }
}

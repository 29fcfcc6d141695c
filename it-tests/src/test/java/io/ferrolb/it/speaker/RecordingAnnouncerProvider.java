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
 * desired set, so tests can see which node claims what without raw sockets. {@link AsDefault}
 * ("recording-default") records separately, to stand in for the built-in announcer when a test
 * needs to see what the default did not get.
 */
public class RecordingAnnouncerProvider implements AnnouncerProvider {
  static final Map<String, DesiredAnnouncements> CURRENT = new ConcurrentHashMap<>();
  static final Map<String, DesiredAnnouncements> DEFAULT_CURRENT = new ConcurrentHashMap<>();

  private final String name;
  private final Map<String, DesiredAnnouncements> current;

  public RecordingAnnouncerProvider() {
    this("recording", CURRENT);
  }

  RecordingAnnouncerProvider(String name, Map<String, DesiredAnnouncements> current) {
    this.name = name;
    this.current = current;
  }

  /** "recording-default", recording into {@link #DEFAULT_CURRENT}. */
  public static final class AsDefault extends RecordingAnnouncerProvider {
    public AsDefault() {
      super("recording-default", DEFAULT_CURRENT);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Announcer create(AnnouncerContext context) {
    String node = context.nodeName();
    return new Announcer() {
      @Override
      public ApplyReport apply(DesiredAnnouncements desired) {
        current.put(node, desired);
        return ApplyReport.applied(desired.entries().size());
      }

      @Override
      public void close() {
        current.remove(node);
      }
    };
  }

  /** Node -> the last desired set "recording" got there (live; tests in other packages). */
  public static Map<String, DesiredAnnouncements> recorded() {
    return CURRENT;
  }

  /** The nodes claiming {@code ip} through "recording". */
  static Set<String> claimants(String ip) {
    return claimants(CURRENT, ip);
  }

  /** The nodes claiming {@code ip} in {@code recorded} (node -> last desired set). */
  static Set<String> claimants(Map<String, DesiredAnnouncements> recorded, String ip) {
    return recorded.entrySet().stream()
        .filter(
            e -> e.getValue().entries().stream().anyMatch(x -> x.address().toString().equals(ip)))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }
}

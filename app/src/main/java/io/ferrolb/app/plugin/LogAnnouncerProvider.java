package io.ferrolb.app.plugin;

import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.out.ApplyReport;
import io.ferrolb.ports.out.DesiredAnnouncements;
import io.ferrolb.ports.spi.AnnouncerContext;
import io.ferrolb.ports.spi.AnnouncerProvider;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code log} announcer: announces nothing on the network, logs each change of the node's
 * desired set. For dry runs next to MetalLB, and for the demo. Setting {@code log.stdout=true}
 * prints the changes as plain lines instead.
 */
public final class LogAnnouncerProvider implements AnnouncerProvider {
  private static final Logger LOG = LoggerFactory.getLogger(LogAnnouncerProvider.class);

  @Override
  public String name() {
    return "log";
  }

  @Override
  public Announcer create(AnnouncerContext context) {
    boolean stdout = context.settings().getBoolean("log.stdout", false);
    Consumer<String> out =
        stdout ? System.out::println : line -> LOG.info("event=dryRunAnnounce {}", line);
    return new Announcer() {
      private DesiredAnnouncements current;

      @Override
      public ApplyReport apply(DesiredAnnouncements desired) {
        if (Objects.equals(desired, current)) {
          return ApplyReport.unchanged();
        }
        var before =
            current == null ? java.util.Set.<DesiredAnnouncements.Entry>of() : current.entries();
        for (DesiredAnnouncements.Entry e : desired.entries()) {
          if (!before.contains(e)) {
            out.accept(
                "speaker "
                    + desired.nodeName()
                    + ": owns "
                    + e.address()
                    + " for "
                    + String.join(", ", new java.util.TreeSet<>(e.services()))
                    + " (announcer \"log\": printed, not sent)");
          }
        }
        for (DesiredAnnouncements.Entry e : before) {
          if (desired.entries().stream().noneMatch(d -> d.address().equals(e.address()))) {
            out.accept("speaker " + desired.nodeName() + ": released " + e.address());
          }
        }
        current = desired;
        return ApplyReport.applied(desired.entries().size());
      }
    };
  }
}

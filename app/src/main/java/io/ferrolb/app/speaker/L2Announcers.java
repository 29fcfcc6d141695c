package io.ferrolb.app.speaker;

import io.ferrolb.ports.out.Announcer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Layer 2 announcers of one speaker by name: the default one ({@code --l2-announcer}, for
 * L2Advertisements that name none) and the plugins that L2Advertisements name with the label {@code
 * ferrolb.io/announcer}, each created on first use and kept until the speaker stops. A name that
 * cannot be created (no such provider, bad settings) is remembered with the reason and not tried
 * again: the class path and the settings do not change while the speaker runs.
 *
 * <p>Used by the speaker loop's thread only.
 */
public final class L2Announcers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(L2Announcers.class);

  /** Creates the announcer named {@code name}, or throws saying why it cannot. */
  @FunctionalInterface
  public interface Factory {
    Announcer create(String name);
  }

  /** The outcome of asking for an announcer by name. */
  public sealed interface Lookup permits Available, Unavailable {}

  /** The announcer exists (created now or before). */
  public record Available(Announcer announcer) implements Lookup {
    public Available {
      Objects.requireNonNull(announcer, "announcer");
    }
  }

  /** The announcer cannot run on this speaker, and why. */
  public record Unavailable(String reason) implements Lookup {
    public Unavailable {
      Objects.requireNonNull(reason, "reason");
    }
  }

  private final String defaultName;
  private final Factory factory;
  private final Map<String, Announcer> created = new LinkedHashMap<>();
  private final Map<String, String> failed = new TreeMap<>();

  /**
   * @param defaultName the name advertisements without a label resolve to
   * @param defaultAnnouncer the announcer for that name (a no-op one when the speaker runs no Layer
   *     2)
   * @param factory creates the other names on first use
   */
  public L2Announcers(String defaultName, Announcer defaultAnnouncer, Factory factory) {
    this.defaultName = Objects.requireNonNull(defaultName, "defaultName");
    this.factory = Objects.requireNonNull(factory, "factory");
    created.put(defaultName, Objects.requireNonNull(defaultAnnouncer, "defaultAnnouncer"));
  }

  /** Only the default announcer; any other name is unavailable. */
  public static L2Announcers only(String defaultName, Announcer defaultAnnouncer) {
    return new L2Announcers(
        defaultName,
        defaultAnnouncer,
        name -> {
          throw new IllegalArgumentException(
              "this speaker runs only the announcer \"" + defaultName + "\"");
        });
  }

  public String defaultName() {
    return defaultName;
  }

  /** The announcer named {@code name}, creating it on first use. */
  public Lookup get(String name) {
    Announcer a = created.get(name);
    if (a != null) {
      return new Available(a);
    }
    String reason = failed.get(name);
    if (reason != null) {
      return new Unavailable(reason);
    }
    try {
      Announcer fresh = Objects.requireNonNull(factory.create(name), "provider returned null");
      created.put(name, fresh);
      LOG.info("event=announcerCreated announcer={}", name);
      return new Available(fresh);
    } catch (RuntimeException e) {
      // a plugin's create() may throw anything (SettingsException for bad settings); the speaker
      // keeps running and reports it instead of crashing
      String why = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
      failed.put(name, why);
      return new Unavailable(why);
    }
  }

  /** Every announcer created so far by name, the default first. */
  public Map<String, Announcer> created() {
    return Collections.unmodifiableMap(created);
  }

  /** Closes every announcer created (each withdraws what it announced). */
  @Override
  public void close() {
    for (Map.Entry<String, Announcer> e : created.entrySet()) {
      try {
        e.getValue().close();
      } catch (RuntimeException ex) {
        LOG.warn("event=announcerCloseFailed announcer={}", e.getKey(), ex);
      }
    }
  }
}

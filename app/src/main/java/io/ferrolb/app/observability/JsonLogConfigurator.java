package io.ferrolb.app.observability;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * The logging set-up of both components, in code: JSON lines on stderr (stdout stays for command
 * output), level from {@code FERROLB_LOG_LEVEL} (system property, then environment; default INFO),
 * noisy libraries at WARN. Event words (event=ipAssigned, event=peerDown, ...) are stable for
 * grepping.
 *
 * <p>Done in code rather than with a logback.xml because parsing the XML loads the JDK's XML parser
 * and logback's Joran machinery (about 350 classes, a few MB of metaspace and a few hundred
 * milliseconds of start-up) for a configuration that never changes. An explicit {@code
 * -Dlogback.configurationFile} (the benches, the membership test nodes) or a logback-test.xml on
 * the class path still wins: this configurator then steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class JsonLogConfigurator extends ContextAwareBase implements Configurator {
  static final String LEVEL_VARIABLE = "FERROLB_LOG_LEVEL";

  // the same quieting the XML configuration had
  private static final Map<String, Level> LIBRARIES =
      Map.of(
          "io.fabric8", Level.WARN,
          "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", Level.ERROR,
          "io.netty", Level.WARN,
          "org.jgroups", Level.WARN,
          "okhttp3", Level.WARN);

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || JsonLogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.setWithMessage(false);
    encoder.start();

    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("JSON");
    appender.setTarget("System.err");
    appender.setEncoder(encoder);
    appender.start();

    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(rootLevel(System.getProperty(LEVEL_VARIABLE), System.getenv(LEVEL_VARIABLE)));
    root.addAppender(appender);
    LIBRARIES.forEach((name, level) -> context.getLogger(name).setLevel(level));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** The system property, else the environment variable, else INFO; an unknown word is INFO. */
  static Level rootLevel(String property, String environment) {
    String word = Optional.ofNullable(property).orElse(environment);
    return word == null ? Level.INFO : Level.toLevel(word.trim(), Level.INFO);
  }
}

package io.ferrolb.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;

class JsonLogConfiguratorTest {

  @ParameterizedTest(name = "property={0} environment={1} -> {2}")
  @CsvSource(
      nullValues = "none",
      value = {
        "none, none, INFO",
        "DEBUG, none, DEBUG",
        "none, warn, WARN",
        "ERROR, DEBUG, ERROR",
        "nonsense, none, INFO",
        "' trace ', none, TRACE"
      })
  void rootLevelComesFromThePropertyThenTheEnvironment(
      String property, String environment, String expected) {
    assertThat(JsonLogConfigurator.rootLevel(property, environment))
        .isEqualTo(Level.toLevel(expected));
  }

  @Test
  void aContextGetsJsonLinesOnStderrWithTheLibrariesQuieted() {
    assumeTrue(
        System.getProperty("logback.configurationFile") == null,
        "an explicit logback.configurationFile makes the configurator step aside");
    LoggerContext context = new LoggerContext();
    JsonLogConfigurator configurator = new JsonLogConfigurator();
    configurator.setContext(context);

    assertThat(configurator.configure(context))
        .isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

    var appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("JSON");
    assertThat(appender).isInstanceOf(ConsoleAppender.class);
    @SuppressWarnings("unchecked")
    ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) appender;
    assertThat(console.getTarget()).isEqualTo("System.err");
    assertThat(console.getEncoder()).isInstanceOf(JsonEncoder.class);
    assertThat(console.isStarted()).isTrue();
    assertThat(context.getLogger("io.fabric8").getLevel()).isEqualTo(Level.WARN);
    assertThat(
            context
                .getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils")
                .getLevel())
        .isEqualTo(Level.ERROR);
    context.stop();
  }

  @Test
  void anExplicitConfigurationFileWins() {
    String before = System.getProperty("logback.configurationFile");
    System.setProperty("logback.configurationFile", "elsewhere.xml");
    try {
      LoggerContext context = new LoggerContext();
      JsonLogConfigurator configurator = new JsonLogConfigurator();
      configurator.setContext(context);
      assertThat(configurator.configure(context))
          .isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
      assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("JSON")).isNull();
    } finally {
      if (before == null) {
        System.clearProperty("logback.configurationFile");
      } else {
        System.setProperty("logback.configurationFile", before);
      }
    }
  }
}

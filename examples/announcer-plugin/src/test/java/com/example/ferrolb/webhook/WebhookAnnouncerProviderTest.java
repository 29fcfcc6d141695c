package com.example.ferrolb.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.ApplyReport;
import io.ferrolb.ports.out.DesiredAnnouncements;
import io.ferrolb.ports.spi.AnnouncerContext;
import io.ferrolb.ports.spi.AnnouncerProvider;
import io.ferrolb.ports.spi.Settings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookAnnouncerProviderTest {
  private HttpServer server;
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private volatile int status = 204;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void startStubServer() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/announce",
        exchange -> {
          bodies.add(
              exchange.getRequestMethod()
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    scheduler.shutdownNow();
  }

  private AnnouncerContext context(Map<String, String> settings) {
    return new AnnouncerContext() {
      @Override
      public Settings settings() {
        return Settings.of(settings);
      }

      @Override
      public String nodeName() {
        return "node-1";
      }

      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public ScheduledExecutorService scheduler() {
        return scheduler;
      }
    };
  }

  @Test
  void isFoundByServiceLoaderUnderItsName() {
    assertThat(ServiceLoader.load(AnnouncerProvider.class).stream().map(p -> p.get().name()))
        .containsExactly("webhook");
  }

  @Test
  void theSameDesiredSetIsPutExactlyOnce() {
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/announce";
    var announcer = new WebhookAnnouncerProvider().create(context(Map.of("webhook.url", url)));
    var desired =
        new DesiredAnnouncements(
            "node-1",
            Set.of(DesiredAnnouncements.Entry.of(IpAddress.parse("198.51.100.7"), "web/shop")));

    assertThat(announcer.apply(desired)).isEqualTo(ApplyReport.applied(1));
    assertThat(announcer.apply(desired)).isEqualTo(ApplyReport.unchanged());

    assertThat(bodies).containsExactly("PUT " + desired.toJson());
  }

  @Test
  void aServerErrorIsReportedAndRetriedOnTheNextApply() {
    String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/announce";
    var announcer = new WebhookAnnouncerProvider().create(context(Map.of("webhook.url", url)));
    var desired = DesiredAnnouncements.none("node-1");
    status = 500;

    assertThat(announcer.apply(desired))
        .isEqualTo(ApplyReport.failed("PUT " + url + ": HTTP 500 (expected: 2xx)"));
    status = 200;
    assertThat(announcer.apply(desired)).isEqualTo(ApplyReport.applied(0));
    assertThat(bodies).hasSize(2);
  }
}

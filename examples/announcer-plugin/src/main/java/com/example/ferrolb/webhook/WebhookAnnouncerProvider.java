package com.example.ferrolb.webhook;

import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.out.ApplyReport;
import io.ferrolb.ports.out.DesiredAnnouncements;
import io.ferrolb.ports.spi.AnnouncerContext;
import io.ferrolb.ports.spi.AnnouncerProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Selected by the name "webhook"; PUTs the node's desired set as JSON to {@code webhook.url}. */
public final class WebhookAnnouncerProvider implements AnnouncerProvider {
  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public Announcer create(AnnouncerContext context) {
    URI target = context.settings().requireUri("webhook.url");
    HttpClient http = HttpClient.newHttpClient();
    return new Announcer() {
      private DesiredAnnouncements current;

      @Override
      public ApplyReport apply(DesiredAnnouncements desired) {
        if (desired.equals(current)) {
          return ApplyReport.unchanged(); // idempotent: the same set is never sent twice
        }
        var put =
            HttpRequest.newBuilder(target)
                .PUT(HttpRequest.BodyPublishers.ofString(desired.toJson()));
        try {
          int status = http.send(put.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
          if (status / 100 != 2) {
            return ApplyReport.failed("PUT " + target + ": HTTP " + status + " (expected: 2xx)");
          }
        } catch (java.io.IOException | InterruptedException e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          return ApplyReport.failed("PUT " + target + ": " + e);
        }
        current = desired;
        return ApplyReport.applied(desired.entries().size());
      }
    };
  }
}

package io.ferrolb.adapters.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient
class RetryAfterTest {
  KubernetesMockServer server;

  static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  private final List<Long> delaysMs = new ArrayList<>();
  private final RetryAfter retryAfter =
      new RetryAfter(
          () -> NOW,
          (amount, unit) -> {
            delaysMs.add(unit.toMillis(amount));
            return Runnable::run;
          });

  private static HttpResponse<?> answer(int code, String retryAfter) {
    return new HttpResponse<Object>() {
      @Override
      public int code() {
        return code;
      }

      @Override
      public Object body() {
        return null;
      }

      @Override
      public io.fabric8.kubernetes.client.http.HttpRequest request() {
        return null;
      }

      @Override
      public Optional<HttpResponse<?>> previousResponse() {
        return Optional.empty();
      }

      @Override
      public List<String> headers(String name) {
        return retryAfter != null && name.equalsIgnoreCase("Retry-After")
            ? List.of(retryAfter)
            : List.of();
      }

      @Override
      public java.util.Map<String, List<String>> headers() {
        return retryAfter == null
            ? java.util.Map.of()
            : java.util.Map.of("Retry-After", List.of(retryAfter));
      }
    };
  }

  @Test
  void secondsAndHttpDatesAreRead() {
    assertThat(retryAfter.wait(answer(429, "3"))).contains(Duration.ofSeconds(3));
    assertThat(retryAfter.wait(answer(503, " 1 "))).contains(Duration.ofSeconds(1));
    assertThat(retryAfter.wait(answer(429, "Mon, 07 Dec 2026 12:00:05 GMT")))
        .contains(Duration.ofSeconds(5));
  }

  @Test
  void nothingToWaitForIsNoWait() {
    assertThat(retryAfter.wait(answer(429, null))).isEmpty();
    assertThat(retryAfter.wait(answer(429, "soon"))).isEmpty();
    assertThat(retryAfter.wait(answer(429, "0"))).isEmpty();
    assertThat(retryAfter.wait(answer(429, "-4"))).isEmpty();
    assertThat(retryAfter.wait(answer(429, "Mon, 07 Dec 2026 11:59:00 GMT"))).isEmpty();
    // fabric8 does not retry these, so there is nothing to hold back
    assertThat(retryAfter.wait(answer(409, "3"))).isEmpty();
    assertThat(retryAfter.wait(answer(404, "3"))).isEmpty();
  }

  @Test
  void aHugeValueIsCut() {
    assertThat(retryAfter.wait(answer(429, "86400"))).contains(RetryAfter.LONGEST);
  }

  @Test
  void theAnswerIsReleasedAfterTheWaitAndNotRetriedHere() throws Exception {
    CompletableFuture<Boolean> held = retryAfter.afterFailure(null, answer(429, "2"), null);
    assertThat(held.get(1, TimeUnit.SECONDS)).isFalse();
    assertThat(delaysMs).containsExactly(2000L);

    assertThat(retryAfter.afterFailure(null, answer(500, null), null).getNow(true)).isFalse();
    assertThat(delaysMs).containsExactly(2000L);
  }

  /** Over HTTP: the retry of a 429 comes no earlier than its Retry-After. */
  @Test
  void aThrottledRequestIsRetriedAfterRetryAfter() {
    List<Long> arrivals = new ArrayList<>();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/default/services/web")
        .andReply(
            new ResponseProvider<Object>() {
              @Override
              public int getStatusCode(RecordedRequest request) {
                return 429;
              }

              @Override
              public Object getBody(RecordedRequest request) {
                synchronized (arrivals) {
                  arrivals.add(System.nanoTime());
                }
                return new StatusBuilder().withCode(429).withReason("TooManyRequests").build();
              }

              @Override
              public Headers getHeaders() {
                return new Headers.Builder().add("Retry-After", "1").build();
              }

              @Override
              public void setHeaders(Headers headers) {}
            })
        .once();
    server
        .expect()
        .get()
        .withPath("/api/v1/namespaces/default/services/web")
        .andReply(
            200,
            request -> {
              synchronized (arrivals) {
                arrivals.add(System.nanoTime());
              }
              return new ServiceBuilder()
                  .withNewMetadata()
                  .withName("web")
                  .withNamespace("default")
                  .endMetadata()
                  .build();
            })
        .once();
    try (KubernetesClient client =
        server.createClient(
            b -> RequestRateLimit.install(b, new RequestRateLimit.Settings(0, 0)))) {
      assertThat(
              Optional.ofNullable(client.services().inNamespace("default").withName("web").get()))
          .isPresent();
    }
    assertThat(arrivals).hasSize(2);
    // a lower bound only: fabric8 alone retries after its 100 ms backoff
    assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.get(1) - arrivals.get(0)))
        .isGreaterThanOrEqualTo(1000);
  }
}

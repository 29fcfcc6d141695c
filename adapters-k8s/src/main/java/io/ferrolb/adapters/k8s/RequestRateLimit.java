package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client-side limit on the requests one process sends to the API server: a token bucket of {@code
 * burst} tokens refilled at {@code qps} per second, taken before every request (watch handshakes
 * and fabric8's own retries included), as client-go's default rate limiter does. A request that
 * finds the bucket empty waits on its own thread for its turn (requests are served in the order
 * they reserved), so a reconcile storm is spread out instead of flooding the server.
 *
 * <p>fabric8 7.x/8.x has no such limit: its {@code maxConcurrentRequests} settings configure only
 * the OkHttp client, and ferrolb runs on the JDK client. What fabric8 does do is retry a 429 or a
 * 5xx after its exponential backoff ({@code requestRetryBackoffLimit} attempts, 10 by default, from
 * {@code requestRetryBackoffInterval}, 100 ms), not after the answer's {@code Retry-After}: {@link
 * RetryAfter} fixes that, and {@link #install} puts both on a client.
 */
public final class RequestRateLimit implements Interceptor {
  private static final Logger LOG = LoggerFactory.getLogger(RequestRateLimit.class);
  private static final long NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

  /** How a waiting request sleeps (tests replace it). */
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  /**
   * @param qps requests per second; 0 or less means no limit
   * @param burst requests that may go at once after a quiet spell (at least 1)
   */
  public record Settings(double qps, int burst) {
    /** kube-controller-manager's and controller-runtime's defaults. */
    public static final Settings DEFAULT = new Settings(20, 30);

    public Settings {
      if (Double.isNaN(qps) || Double.isInfinite(qps)) {
        throw new IllegalArgumentException("qps must be a finite number, got " + qps);
      }
      if (qps > 0 && burst < 1) {
        throw new IllegalArgumentException("burst must be at least 1, got " + burst);
      }
    }

    public boolean limited() {
      return qps > 0;
    }
  }

  private final Settings settings;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private double tokens;
  private long refilledAt;

  public RequestRateLimit(Settings settings) {
    this(settings, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
  }

  RequestRateLimit(Settings settings, LongSupplier nanoTime, Sleeper sleeper) {
    this.settings = settings;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
    this.tokens = settings.burst();
    this.refilledAt = nanoTime.getAsLong();
  }

  /**
   * Puts the limit (none when {@code s} is unlimited) and {@link RetryAfter} on every client {@code
   * builder} builds.
   */
  public static KubernetesClientBuilder install(KubernetesClientBuilder builder, Settings s) {
    RetryAfter retryAfter = new RetryAfter();
    RequestRateLimit limit = s.limited() ? new RequestRateLimit(s) : null;
    return builder.withHttpClientBuilderConsumer(
        b -> {
          b.addOrReplaceInterceptor("ferrolb-retry-after", retryAfter);
          if (limit != null) {
            b.addOrReplaceInterceptor("ferrolb-rate-limit", limit);
          }
        });
  }

  /**
   * Takes a token: returns how long the caller must wait (nanoseconds) before its request may go;
   * the token is spent whether it waits or not, so later callers queue behind it.
   */
  synchronized long reserve() {
    long now = nanoTime.getAsLong();
    tokens =
        Math.min(settings.burst(), tokens + (now - refilledAt) * settings.qps() / NANOS_PER_SECOND);
    refilledAt = now;
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * NANOS_PER_SECOND / settings.qps());
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (!settings.limited()) {
      return;
    }
    long wait = reserve();
    if (wait <= 0) {
      return;
    }
    if (wait > NANOS_PER_SECOND) {
      LOG.info(
          "event=clientThrottled waitMs={} request=\"{} {}\"",
          TimeUnit.NANOSECONDS.toMillis(wait),
          request.method(),
          request.uri().getPath());
    }
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the request goes now; its caller is being stopped
    }
  }
}

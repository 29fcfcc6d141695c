package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes fabric8 wait for the {@code Retry-After} of a 429 or 5xx answer before it retries.
 *
 * <p>fabric8 8.0.0 reads the header ({@code StandardHttpClient.shouldRetry} returns {@code
 * max(Retry-After, backoff)}) but then schedules the retry after its backoff alone ({@code
 * AsyncUtils.retryWithExponentialBackoff} passes {@code retryInterval}, not the value {@code
 * shouldRetry} returned, to {@code Utils.schedule}). So a throttled request came back after 100,
 * 200, 400 ms, while the API server's priority and fairness had asked for a second or more (ChaosIT
 * counts them). This interceptor holds such an answer back for {@code Retry-After} before fabric8
 * sees it: fabric8's retry then goes after {@code Retry-After + backoff}. Nothing blocks: the
 * answer is released by a delayed executor. A value above {@link #LONGEST} is cut to it, so a wrong
 * header cannot stall a request for hours.
 */
public final class RetryAfter implements Interceptor {
  private static final Logger LOG = LoggerFactory.getLogger(RetryAfter.class);

  /** The longest wait honoured. */
  public static final Duration LONGEST = Duration.ofSeconds(60);

  /**
   * fabric8's retries within one call, for ferrolb's clients ({@code requestRetryBackoffLimit};
   * fabric8's default is 10). A call blocks its caller while fabric8 retries, and the default's
   * backoff (100 ms doubling) can hold a speaker's loop, and with it every announcement, for over a
   * minute on one status write after an API brownout; ChaosIT saw a speaker pass-less for 60 s
   * after the faults stopped. With 3 a call gives up within about a second plus its Retry-After
   * holds, and the loops retry with their own backoff, without blocking.
   */
  public static final int IN_CALL_RETRIES = 3;

  /** {@code config} with {@link #IN_CALL_RETRIES}. */
  public static Config boundRetries(Config config) {
    return new ConfigBuilder(config).withRequestRetryBackoffLimit(IN_CALL_RETRIES).build();
  }

  private final Supplier<Instant> now;
  private final BiFunction<Long, TimeUnit, Executor> delayed;

  public RetryAfter() {
    this(Instant::now, CompletableFuture::delayedExecutor);
  }

  RetryAfter(Supplier<Instant> now, BiFunction<Long, TimeUnit, Executor> delayed) {
    this.now = now;
    this.delayed = delayed;
  }

  /**
   * How long {@code response} asks to wait: seconds or an HTTP date (RFC 9110 §10.2.3), only for
   * the answers fabric8 retries (429 and 5xx); empty when there is nothing to wait for.
   */
  Optional<Duration> wait(HttpResponse<?> response) {
    int code = response.code();
    if (code != 429 && code < 500) {
      return Optional.empty();
    }
    String value = response.header("Retry-After");
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(value.strip()));
    } catch (NumberFormatException notSeconds) {
      try {
        d =
            Duration.between(
                now.get(),
                ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
      } catch (DateTimeParseException notADate) {
        LOG.debug("event=badRetryAfter value=\"{}\" (neither seconds nor an HTTP date)", value);
        return Optional.empty();
      }
    }
    if (d.isNegative() || d.isZero()) {
      return Optional.empty();
    }
    return Optional.of(d.compareTo(LONGEST) > 0 ? LONGEST : d);
  }

  @Override
  public CompletableFuture<Boolean> afterFailure(
      BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
    Optional<Duration> wait = wait(response);
    if (wait.isEmpty()) {
      return CompletableFuture.completedFuture(false);
    }
    LOG.debug(
        "event=retryAfter code={} waitMs={} uri={}",
        response.code(),
        wait.get().toMillis(),
        response.request() == null ? "" : response.request().uri().getPath());
    // false: not retried here; fabric8's own retry follows once the answer is released
    return CompletableFuture.supplyAsync(
        () -> false, delayed.apply(wait.get().toMillis(), TimeUnit.MILLISECONDS));
  }
}

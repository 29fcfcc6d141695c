package io.ferrolb.app.observability.secure;

import java.util.Objects;
import java.util.Optional;

/**
 * Who may read the metrics: the bearer token of a request is authenticated and the user authorized
 * for the request's verb on its path (a non-resource URL, {@code get /metrics}), as MetalLB's
 * controller-runtime metrics server does.
 */
public interface MetricsAccess {

  /** The verdict on one request. */
  AccessDecision decide(Optional<String> bearerToken, String verb, String path);

  /** The outcome of {@link #decide}, one HTTP status each. */
  sealed interface AccessDecision permits Allowed, Unauthenticated, Forbidden, Failed {}

  /** 200: the user may. */
  record Allowed(String user) implements AccessDecision {
    public Allowed {
      Objects.requireNonNull(user, "user");
    }
  }

  /** 401: no token, or one the API server does not accept. */
  record Unauthenticated(String reason) implements AccessDecision {
    public Unauthenticated {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** 403: a known user without the permission. */
  record Forbidden(String user, String reason) implements AccessDecision {
    public Forbidden {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** 500: the reviews could not be made (API server unreachable, RBAC missing for the reviews). */
  record Failed(String reason) implements AccessDecision {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }
}

package io.ferrolb.app.observability.secure;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link MetricsAccess} through the API server: a TokenReview (authentication.k8s.io/v1) for the
 * token, then a SubjectAccessReview (authorization.k8s.io/v1) for the user, its groups and extras
 * on the non-resource URL. Both need {@code create} on those resources in the component's
 * ClusterRole (MetalLB's manifests grant it). A positive verdict is kept for {@code ttl} per token,
 * verb and path, so a scrape every 15 or 30 s costs two reviews a minute at most; denials are not
 * kept, so a fixed RoleBinding takes effect at the next scrape. Tokens are kept only as SHA-256
 * digests.
 */
public final class Fabric8MetricsAccess implements MetricsAccess {
  /** The default time a positive verdict is kept. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(60);

  // a scraper or two per component; beyond this (token churn) the cache starts afresh
  private static final int MAX_ENTRIES = 256;

  private static final ResourceDefinitionContext TOKEN_REVIEWS =
      new ResourceDefinitionContext.Builder()
          .withGroup("authentication.k8s.io")
          .withVersion("v1")
          .withKind("TokenReview")
          .withPlural("tokenreviews")
          .withNamespaced(false)
          .build();
  private static final ResourceDefinitionContext SUBJECT_ACCESS_REVIEWS =
      new ResourceDefinitionContext.Builder()
          .withGroup("authorization.k8s.io")
          .withVersion("v1")
          .withKind("SubjectAccessReview")
          .withPlural("subjectaccessreviews")
          .withNamespaced(false)
          .build();

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Cached> allowed = new ConcurrentHashMap<>();

  private record Cached(String user, Instant until) {}

  public Fabric8MetricsAccess(KubernetesClient client, Clock clock, Duration ttl) {
    this.client = client;
    this.clock = clock;
    this.ttl = ttl;
  }

  @Override
  public AccessDecision decide(Optional<String> bearerToken, String verb, String path) {
    if (bearerToken.isEmpty() || bearerToken.get().isBlank()) {
      return new Unauthenticated("no bearer token");
    }
    String key = digest(bearerToken.get()) + " " + verb + " " + path;
    Instant now = clock.instant();
    Cached c = allowed.get(key);
    if (c != null && now.isBefore(c.until())) {
      return new Allowed(c.user());
    }
    AccessDecision d;
    try {
      d = review(bearerToken.get(), verb, path);
    } catch (KubernetesClientException e) {
      Throwable cause = e.getCause();
      return new Failed(
          "TokenReview/SubjectAccessReview failed: "
              + (e.getCode() > 0 ? "HTTP " + e.getCode() + ": " : "")
              + e.getMessage()
              + (cause != null && cause.getMessage() != null
                  ? " (" + cause.getMessage() + ")"
                  : ""));
    }
    if (d instanceof Allowed a) {
      if (allowed.size() >= MAX_ENTRIES) {
        allowed.clear();
      }
      allowed.put(key, new Cached(a.user(), now.plus(ttl)));
    }
    return d;
  }

  private AccessDecision review(String token, String verb, String path) {
    GenericKubernetesResource tr = new GenericKubernetesResource();
    tr.setApiVersion("authentication.k8s.io/v1");
    tr.setKind("TokenReview");
    tr.setAdditionalProperty("spec", Map.of("token", token));
    GenericKubernetesResource trDone =
        client.genericKubernetesResources(TOKEN_REVIEWS).resource(tr).create();
    if (!Boolean.TRUE.equals(trDone.get("status", "authenticated"))) {
      String error = trDone.get("status", "error");
      return new Unauthenticated(
          error == null || error.isBlank() ? "token not authenticated" : error);
    }
    String user = Optional.ofNullable(trDone.<String>get("status", "user", "username")).orElse("");
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("user", user);
    Optional.ofNullable(trDone.<String>get("status", "user", "uid"))
        .ifPresent(u -> spec.put("uid", u));
    Optional.ofNullable(trDone.<List<?>>get("status", "user", "groups"))
        .ifPresent(g -> spec.put("groups", g));
    Optional.ofNullable(trDone.<Map<?, ?>>get("status", "user", "extra"))
        .ifPresent(x -> spec.put("extra", x));
    spec.put("nonResourceAttributes", Map.of("path", path, "verb", verb));
    GenericKubernetesResource sar = new GenericKubernetesResource();
    sar.setApiVersion("authorization.k8s.io/v1");
    sar.setKind("SubjectAccessReview");
    sar.setAdditionalProperty("spec", spec);
    GenericKubernetesResource sarDone =
        client.genericKubernetesResources(SUBJECT_ACCESS_REVIEWS).resource(sar).create();
    if (Boolean.TRUE.equals(sarDone.get("status", "allowed"))) {
      return new Allowed(user);
    }
    String reason = sarDone.get("status", "reason");
    return new Forbidden(
        user, reason == null || reason.isBlank() ? "no RBAC rule allows it" : reason);
  }

  private static String digest(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}

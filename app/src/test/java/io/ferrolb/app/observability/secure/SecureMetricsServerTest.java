package io.ferrolb.app.observability.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS metrics port against fabric8's mock API server, which answers TokenReviews and
 * SubjectAccessReviews (expectations, not CRUD), with a real HTTPS client trusting a CA made at
 * test time.
 */
@EnableKubernetesMockClient
class SecureMetricsServerTest {
  static final String PROMETHEUS = "system:serviceaccount:monitoring:prometheus-k8s";
  static final String GOOD = "prometheus-token";
  static final String NOBODY = "nobody-token";
  static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
  static final String SARS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

  @TempDir static Path work;
  static TestCerts certs;
  static Path certDir;

  KubernetesMockServer server;
  KubernetesClient client;
  final MutableClock clock = new MutableClock();
  final List<Map<String, Object>> reviews = new ArrayList<>();
  SecureMetricsServer metrics;

  @BeforeAll
  static void ca() throws Exception {
    certs = new TestCerts(work);
    certDir = work.resolve("metrics-certs");
    certs.server(certDir, "RSA");
  }

  @BeforeEach
  void apiServer() {
    server.expect().post().withPath(TOKEN_REVIEWS).andReply(201, this::tokenReview).always();
    server.expect().post().withPath(SARS).andReply(201, this::subjectAccessReview).always();
  }

  @AfterEach
  void stop() {
    if (metrics != null) {
      metrics.close();
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> body(RecordedRequest r) {
    Map<String, Object> m = Serialization.unmarshal(r.getUtf8Body(), Map.class);
    synchronized (reviews) {
      reviews.add(m);
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private Object tokenReview(RecordedRequest r) {
    Map<String, Object> m = body(r);
    String token = (String) ((Map<String, Object>) m.get("spec")).get("token");
    Map<String, Object> status =
        switch (token) {
          case GOOD ->
              Map.of(
                  "authenticated",
                  true,
                  "user",
                  Map.of(
                      "username",
                      PROMETHEUS,
                      "uid",
                      "6a1c5c0e-0f0e-4b8e-9d2c-2f1f0c7a5e11",
                      "groups",
                      List.of("system:serviceaccounts", "system:authenticated")));
          case NOBODY ->
              Map.of(
                  "authenticated",
                  true,
                  "user",
                  Map.of("username", "system:serviceaccount:x:nobody"));
          default -> Map.of("authenticated", false, "error", "invalid bearer token");
        };
    return Map.of(
        "apiVersion",
        "authentication.k8s.io/v1",
        "kind",
        "TokenReview",
        "spec",
        m.get("spec"),
        "status",
        status);
  }

  @SuppressWarnings("unchecked")
  private Object subjectAccessReview(RecordedRequest r) {
    Map<String, Object> m = body(r);
    Map<String, Object> spec = (Map<String, Object>) m.get("spec");
    Map<String, Object> nra = (Map<String, Object>) spec.get("nonResourceAttributes");
    boolean allowed =
        PROMETHEUS.equals(spec.get("user"))
            && "/metrics".equals(nra.get("path"))
            && "get".equals(nra.get("verb"));
    return Map.of(
        "apiVersion",
        "authorization.k8s.io/v1",
        "kind",
        "SubjectAccessReview",
        "spec",
        spec,
        "status",
        allowed
            ? Map.of("allowed", true, "reason", "RBAC: allowed by ClusterRoleBinding")
            : Map.of("allowed", false));
  }

  private void start(TlsOptions tls) throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Gauge.builder()
        .name("metallb_k8s_client_config_loaded_bool")
        .help("1 if the configuration loaded")
        .register(registry)
        .set(1);
    metrics =
        SecureMetricsServer.start(
            0,
            registry,
            CertDirKeyManager.load(certDir, clock),
            tls,
            new Fabric8MetricsAccess(client, clock, Duration.ofSeconds(60)));
  }

  private HttpResponse<String> scrape(Optional<String> token) throws Exception {
    return scrape(token, "/metrics", null);
  }

  private HttpResponse<String> scrape(Optional<String> token, String path, String clientProtocol)
      throws Exception {
    SSLContext ctx = certs.clientContext();
    HttpClient.Builder b = HttpClient.newBuilder().sslContext(ctx);
    if (clientProtocol != null) {
      SSLParameters p = ctx.getDefaultSSLParameters();
      p.setProtocols(new String[] {clientProtocol});
      b.sslParameters(p);
    }
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("https://localhost:" + metrics.port() + path))
            .timeout(Duration.ofSeconds(10));
    token.ifPresent(t -> r.header("Authorization", "Bearer " + t));
    return b.build().send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int apiCalls() {
    return server.getRequestCount();
  }

  @Test
  void aTokenWhoseUserMayGetMetricsIsServedTheMetrics() throws Exception {
    start(TlsOptions.defaults());

    HttpResponse<String> r = scrape(Optional.of(GOOD));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("metallb_k8s_client_config_loaded_bool 1.0");
    assertThat(r.sslSession())
        .hasValueSatisfying(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.3"));
    // the review asked about the token's user, groups and uid, for get on /metrics
    assertThat(reviews).hasSize(2);
    assertThat(reviews.get(1))
        .extracting("spec")
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("user", PROMETHEUS)
        .containsEntry("uid", "6a1c5c0e-0f0e-4b8e-9d2c-2f1f0c7a5e11")
        .containsEntry("groups", List.of("system:serviceaccounts", "system:authenticated"))
        .containsEntry("nonResourceAttributes", Map.of("path", "/metrics", "verb", "get"));
  }

  @Test
  void noTokenIs401AndTheApiServerIsNotAsked() throws Exception {
    start(TlsOptions.defaults());
    int before = apiCalls();

    HttpResponse<String> r = scrape(Optional.empty());

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(r.body()).doesNotContain("metallb_");
    assertThat(apiCalls()).isEqualTo(before);
  }

  @Test
  void aTokenTheApiServerRejectsIs401() throws Exception {
    start(TlsOptions.defaults());

    HttpResponse<String> r = scrape(Optional.of("forged-token"));

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).doesNotContain("metallb_");
    assertThat(reviews).hasSize(1); // no SubjectAccessReview for an unknown user
  }

  @Test
  void aUserWithoutTheRbacRuleIs403() throws Exception {
    start(TlsOptions.defaults());

    HttpResponse<String> r = scrape(Optional.of(NOBODY));

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body())
        .isEqualTo("Authorization denied for user system:serviceaccount:x:nobody\n")
        .doesNotContain("metallb_");
  }

  @Test
  void anAllowedTokenIsNotReviewedAgainWithinTheTtlAndIsAfterIt() throws Exception {
    start(TlsOptions.defaults());
    assertThat(scrape(Optional.of(GOOD)).statusCode()).isEqualTo(200);
    int after1 = apiCalls();

    clock.advance(Duration.ofSeconds(59));
    assertThat(scrape(Optional.of(GOOD)).statusCode()).isEqualTo(200);
    assertThat(apiCalls()).as("second scrape within the TTL").isEqualTo(after1);

    clock.advance(Duration.ofSeconds(2));
    assertThat(scrape(Optional.of(GOOD)).statusCode()).isEqualTo(200);
    assertThat(apiCalls()).as("scrape after the TTL").isEqualTo(after1 + 2);
  }

  @Test
  void aDenialIsNotKeptSoAFixedBindingWorksAtTheNextScrape() throws Exception {
    start(TlsOptions.defaults());
    assertThat(scrape(Optional.of(NOBODY)).statusCode()).isEqualTo(403);
    int after1 = apiCalls();

    assertThat(scrape(Optional.of(NOBODY)).statusCode()).isEqualTo(403);

    assertThat(apiCalls()).isEqualTo(after1 + 2);
  }

  @Test
  void anotherPathIsCheckedForThatPathAndThenNotFound() throws Exception {
    start(TlsOptions.defaults());

    // the rule is for /metrics only: another path is forbidden before it is looked up
    assertThat(scrape(Optional.of(GOOD), "/healthz", null).statusCode()).isEqualTo(403);
    assertThat(scrape(Optional.empty(), "/healthz", null).statusCode()).isEqualTo(401);
  }

  @Test
  void aTls12ClientIsRefusedWhenTheMinimumIsTls13() throws Exception {
    start(TlsOptions.parse("VersionTLS13", null, supported(), enabled()));

    assertThatThrownBy(() -> scrape(Optional.of(GOOD), "/metrics", "TLSv1.2"))
        .isInstanceOf(IOException.class);
    assertThat(reviews).isEmpty();
  }

  @Test
  void aTls12ClientIsServedWhenTheMinimumIsTls12AndGetsAConfiguredSuite() throws Exception {
    start(
        TlsOptions.parse(
            "VersionTLS12", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", supported(), enabled()));

    HttpResponse<String> r = scrape(Optional.of(GOOD), "/metrics", "TLSv1.2");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.sslSession())
        .hasValueSatisfying(
            s -> {
              assertThat(s.getProtocol()).isEqualTo("TLSv1.2");
              assertThat(s.getCipherSuite()).isEqualTo("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
            });
    // TLS 1.3 stays available with its own suites, as in Go
    assertThat(scrape(Optional.of(GOOD), "/metrics", "TLSv1.3").statusCode()).isEqualTo(200);
  }

  @Test
  void aRotatedCertificateIsServedFromTheNextHandshake() throws Exception {
    Path dir = work.resolve("rotating");
    certs.server(dir, "EC");
    PrometheusRegistry registry = new PrometheusRegistry();
    CertDirKeyManager km = CertDirKeyManager.load(dir, clock);
    metrics =
        SecureMetricsServer.start(
            0,
            registry,
            km,
            TlsOptions.defaults(),
            new Fabric8MetricsAccess(client, clock, Duration.ofSeconds(60)));
    BigInteger first = served(dir);

    certs.server(dir, "EC");
    // the kubelet's swap gives new modification times; make sure they differ on coarse clocks
    Instant later = Instant.now().plusSeconds(5);
    Files.setLastModifiedTime(dir.resolve("tls.crt"), FileTime.from(later));
    Files.setLastModifiedTime(dir.resolve("tls.key"), FileTime.from(later));
    clock.advance(Duration.ofSeconds(2));

    BigInteger second = served(dir);
    assertThat(second).isNotEqualTo(first);
    assertThat(km.certificate().getSerialNumber()).isEqualTo(second);
  }

  @Test
  void aPairThatDoesNotLoadKeepsThePreviousCertificateServed() throws Exception {
    Path dir = work.resolve("broken");
    certs.server(dir, "EC");
    CertDirKeyManager km = CertDirKeyManager.load(dir, clock);
    metrics =
        SecureMetricsServer.start(
            0,
            new PrometheusRegistry(),
            km,
            TlsOptions.defaults(),
            new Fabric8MetricsAccess(client, clock, Duration.ofSeconds(60)));
    BigInteger first = served(dir);

    // a new key next to the old certificate: the pair does not match
    Path other = work.resolve("other");
    certs.server(other, "EC");
    Files.copy(
        other.resolve("tls.key"),
        dir.resolve("tls.key"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(dir.resolve("tls.key"), FileTime.from(Instant.now().plusSeconds(5)));
    clock.advance(Duration.ofSeconds(2));

    assertThat(served(dir)).isEqualTo(first);
  }

  @Test
  void anUnreachableApiServerIs500() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (KubernetesClient unreachable =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder()
                    .withMasterUrl("https://127.0.0.1:1")
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build()) {
      metrics =
          SecureMetricsServer.start(
              0,
              registry,
              CertDirKeyManager.load(certDir, clock),
              TlsOptions.defaults(),
              new Fabric8MetricsAccess(unreachable, clock, Duration.ofSeconds(60)));

      HttpResponse<String> r = scrape(Optional.of(GOOD));

      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).doesNotContain("metallb_");
    }
  }

  private BigInteger served(Path dir) throws Exception {
    HttpResponse<String> r = scrape(Optional.of(GOOD));
    assertThat(r.statusCode()).isEqualTo(200);
    return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
        .getSerialNumber();
  }

  static String[] supported() throws Exception {
    return SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites();
  }

  static String[] enabled() throws Exception {
    return SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private volatile Instant now = Instant.parse("2026-12-06T12:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}

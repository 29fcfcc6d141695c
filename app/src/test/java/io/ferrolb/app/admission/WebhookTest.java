package io.ferrolb.app.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ferrolb.adapters.k8s.Fabric8ClusterView;
import io.ferrolb.adapters.k8s.Fabric8WebhookCertStore;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook of a controller replica against a mock API server: AdmissionReview v1 JSON over real
 * TLS, trusting only the caBundle the webhook patched into its ValidatingWebhookConfiguration.
 */
@EnableKubernetesMockClient(crud = true)
class WebhookTest {
  static final String NS = "ferrolb-system";
  static final String VWC = "ferrolb-webhook-configuration";
  KubernetesClient client;
  Fabric8ClusterView view;
  List<Webhook> webhooks = new ArrayList<>();

  static final ResourceDefinitionContext POOLS =
      new ResourceDefinitionContext.Builder()
          .withGroup("metallb.io")
          .withVersion("v1beta1")
          .withKind("IPAddressPool")
          .withPlural("ipaddresspools")
          .withNamespaced(true)
          .build();

  static final ResourceDefinitionContext WEBHOOKS = Fabric8WebhookCertStore.WEBHOOKS;

  static Map<String, Object> pool(String name, String namespace, String cidr) {
    return Map.of(
        "apiVersion",
        "metallb.io/v1beta1",
        "kind",
        "IPAddressPool",
        "metadata",
        Map.of("name", name, "namespace", namespace),
        "spec",
        Map.of("addresses", List.of(cidr)));
  }

  @BeforeEach
  void cluster() {
    client
        .genericKubernetesResources(WEBHOOKS)
        .resource(
            new GenericKubernetesResourceBuilder()
                .withApiVersion("admissionregistration.k8s.io/v1")
                .withKind("ValidatingWebhookConfiguration")
                .withNewMetadata()
                .withName(VWC)
                .endMetadata()
                .addToAdditionalProperties(
                    "webhooks",
                    List.of(
                        Map.of(
                            "name",
                            "config.ferrolb.io",
                            "clientConfig",
                            Map.of(
                                "service",
                                Map.of(
                                    "name", "localhost", "namespace", NS, "path", "/validate")))))
                .build())
        .create();
    client
        .genericKubernetesResources(POOLS)
        .inNamespace(NS)
        .resource(
            Serialization.unmarshal(
                Serialization.asJson(pool("lan", NS, "203.0.113.0/28")),
                io.fabric8.kubernetes.api.model.GenericKubernetesResource.class))
        .create();
    view = new Fabric8ClusterView(client, NS);
    view.listOnce(); // the reviews store nothing: the cluster as created here is the one judged
    assertThat(view.configObjects()).hasSize(1);
  }

  @AfterEach
  void stop() {
    webhooks.forEach(Webhook::close);
    view.close();
  }

  Webhook start(WebhookCertRotation.Lifetimes lifetimes) throws Exception {
    // the Service is named "localhost" so the client's host name check passes on loopback
    Webhook w =
        Webhook.start(
            client,
            NS,
            new Webhook.Options(
                0, "localhost", VWC, "ferrolb-webhook-cert", lifetimes, Duration.ofMillis(300)),
            view::configObjects);
    webhooks.add(w);
    return w;
  }

  /** The caBundle the API server would use, from the webhook configuration. */
  @SuppressWarnings("unchecked")
  String caBundle() {
    var vwc = client.genericKubernetesResources(WEBHOOKS).withName(VWC).get();
    var hook =
        (Map<String, Object>) ((List<?>) vwc.getAdditionalProperties().get("webhooks")).get(0);
    var cc = (Map<String, Object>) hook.get("clientConfig");
    String b64 = (String) cc.get("caBundle");
    return b64 == null ? "" : new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
  }

  record Answer(Map<String, Object> response, X509Certificate served) {}

  @SuppressWarnings("unchecked")
  Answer review(Webhook w, String operation, Map<String, Object> object, Map<String, Object> old)
      throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    int i = 0;
    for (X509Certificate c : WebhookCertificates.parseCertificates(caBundle())) {
      trust.setCertificateEntry("ca" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    Map<String, Object> request = new java.util.LinkedHashMap<>();
    request.put("uid", "u-1");
    request.put("operation", operation);
    Map<String, Object> subject = object != null ? object : old;
    request.put("namespace", ((Map<String, Object>) subject.get("metadata")).get("namespace"));
    if (object != null) {
      request.put("object", object);
    }
    if (old != null) {
      request.put("oldObject", old);
    }
    String body =
        Serialization.asJson(
            Map.of(
                "apiVersion",
                "admission.k8s.io/v1",
                "kind",
                "AdmissionReview",
                "request",
                request));
    HttpClient http = HttpClient.newBuilder().sslContext(tls).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + w.port() + "/validate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> review = Serialization.unmarshal(r.body(), Map.class);
    assertThat(review).containsEntry("kind", "AdmissionReview");
    Map<String, Object> response = (Map<String, Object>) review.get("response");
    assertThat(response).containsEntry("uid", "u-1");
    X509Certificate served =
        (X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0];
    return new Answer(response, served);
  }

  @Test
  void aGoodPoolIsAllowedAndAnOverlapIsRefusedWithValidatesMessage() throws Exception {
    Webhook w = start(WebhookCertRotation.Lifetimes.DEFAULT);

    assertThat(review(w, "CREATE", pool("dmz", NS, "198.51.100.0/28"), null).response())
        .containsEntry("allowed", true);

    Map<String, Object> overlap = pool("dup", NS, "203.0.113.8/29");
    Map<String, Object> refused = review(w, "CREATE", overlap, null).response();
    assertThat(refused).containsEntry("allowed", false);
    String message = (String) ((Map<?, ?>) refused.get("status")).get("message");
    // one code path: the message is what ferrolb validate says about the same objects
    List<DecodedObject> all = new ArrayList<>(view.configObjects());
    all.add(io.ferrolb.adapters.k8s.AdmissionObjects.of(overlap).orElseThrow());
    var invalid = (ParseResult.Invalid) ConfigLoader.parse(all, new ParseContext(NS, Map.of()));
    assertThat(invalid.errors()).isNotEmpty();
    invalid.errors().forEach(e -> assertThat(message).contains(e.withOrigin()));
    assertThat(message).contains("203.0.113.8/29", "lan");
  }

  @Test
  void anObjectOutsideFerrolbsNamespaceIsRefusedNamingIt() throws Exception {
    Webhook w = start(WebhookCertRotation.Lifetimes.DEFAULT);

    var r = review(w, "CREATE", pool("p", "metallb-system", "198.51.100.0/28"), null).response();

    assertThat(r).containsEntry("allowed", false);
    assertThat(((Map<?, ?>) r.get("status")).get("message").toString())
        .contains("only in namespace \"ferrolb-system\"", "\"metallb-system\"");
  }

  @Test
  void deletingAPoolIsAllowed() throws Exception {
    Webhook w = start(WebhookCertRotation.Lifetimes.DEFAULT);

    assertThat(review(w, "DELETE", null, pool("lan", NS, "203.0.113.0/28")).response())
        .containsEntry("allowed", true);
  }

  @Test
  void aSecondReplicaServesTheSameCertificate() throws Exception {
    Webhook a = start(WebhookCertRotation.Lifetimes.DEFAULT);
    Webhook b = start(WebhookCertRotation.Lifetimes.DEFAULT);

    assertThat(b.servingCertificate()).isEqualTo(a.servingCertificate());
    assertThat(review(b, "CREATE", pool("x", NS, "198.51.100.0/28"), null).response())
        .containsEntry("allowed", true);
  }

  @Test
  void aRotatedCertificateIsServedAndTrustedThroughThePatchedCaBundle() throws Exception {
    // a serving certificate due for renewal two seconds after it is made
    var shortLived =
        new WebhookCertRotation.Lifetimes(
            Duration.ofDays(10), Duration.ofMinutes(5).plusSeconds(3), Duration.ofMinutes(5));
    Webhook w = start(shortLived);
    X509Certificate first = review(w, "CREATE", pool("x", NS, "198.51.100.0/28"), null).served();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !w.servingCertificate().contains(pemBody(first)));
    Answer after = review(w, "CREATE", pool("y", NS, "198.51.100.16/28"), null);

    assertThat(after.response()).containsEntry("allowed", true);
    assertThat(after.served().getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    assertThat(after.served())
        .isEqualTo(WebhookCertificates.parseCertificates(w.servingCertificate()).get(0));
    assertThat(
            new Fabric8WebhookCertStore(client, NS, "ferrolb-webhook-cert")
                .read()
                .orElseThrow()
                .pem())
        .containsKeys("ca.crt", "ca.key", "tls.crt", "tls.key", "ca-bundle.crt");
  }

  static String pemBody(X509Certificate c) throws Exception {
    String pem = WebhookCertificates.pem("CERTIFICATE", c.getEncoded());
    return pem.split("\n")[1];
  }
}

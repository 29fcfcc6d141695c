package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the webhook's certificates live: a Secret of ferrolb's namespace ({@code ca.crt}, {@code
 * ca.key}, {@code tls.crt}, {@code tls.key}, and {@code ca-bundle.crt}, the CAs clients must trust
 * during a rotation), and the {@code caBundle} of every webhook of the
 * ValidatingWebhookConfiguration.
 */
public final class Fabric8WebhookCertStore {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String TLS_CERT = "tls.crt";
  public static final String TLS_KEY = "tls.key";
  public static final String CA_BUNDLE = "ca-bundle.crt";

  /** admissionregistration.k8s.io/v1 ValidatingWebhookConfigurations (cluster-scoped). */
  public static final ResourceDefinitionContext WEBHOOKS =
      new ResourceDefinitionContext.Builder()
          .withGroup("admissionregistration.k8s.io")
          .withVersion("v1")
          .withKind("ValidatingWebhookConfiguration")
          .withPlural("validatingwebhookconfigurations")
          .withNamespaced(false)
          .build();

  private final KubernetesClient client;
  private final String namespace;
  private final String secretName;

  public Fabric8WebhookCertStore(KubernetesClient client, String namespace, String secretName) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.secretName = Objects.requireNonNull(secretName, "secretName");
  }

  /** The Secret's PEM texts by key and its resourceVersion; empty when it does not exist. */
  public record Stored(Map<String, String> pem, String resourceVersion) {}

  public Optional<Stored> read() {
    Secret s = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (s == null) {
      return Optional.empty();
    }
    Map<String, String> out = new HashMap<>();
    if (s.getData() != null) {
      s.getData()
          .forEach(
              (k, v) ->
                  out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    }
    return Optional.of(new Stored(out, s.getMetadata().getResourceVersion()));
  }

  /**
   * Writes {@code pem}: creates the Secret, or replaces it if it is still at {@code
   * resourceVersion}.
   *
   * @return false when another replica wrote it first (read again and use theirs)
   */
  public boolean write(Map<String, String> pem, Optional<String> resourceVersion) {
    Map<String, String> data = new HashMap<>();
    pem.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    Secret s =
        new SecretBuilder()
            .withNewMetadata()
            .withName(secretName)
            .withNamespace(namespace)
            .withResourceVersion(resourceVersion.orElse(null))
            .withLabels(Map.of("app.kubernetes.io/part-of", "ferrolb"))
            .endMetadata()
            .withType("kubernetes.io/tls")
            .withData(data)
            .build();
    try {
      if (resourceVersion.isEmpty()) {
        client.secrets().inNamespace(namespace).resource(s).create();
      } else {
        client.secrets().inNamespace(namespace).resource(s).update();
      }
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Sets {@code caBundle} (PEM) on every webhook of {@code configuration}.
   *
   * @return false when the configuration does not exist (the webhook is not installed)
   */
  @SuppressWarnings("unchecked")
  public boolean patchCaBundle(String configuration, String caBundlePem) {
    var api = client.genericKubernetesResources(WEBHOOKS).withName(configuration);
    GenericKubernetesResource vwc = api.get();
    if (vwc == null) {
      return false;
    }
    String b64 = Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.UTF_8));
    boolean changed = false;
    if (vwc.getAdditionalProperties().get("webhooks") instanceof List<?> hooks) {
      for (Object h : hooks) {
        if (h instanceof Map<?, ?> hook
            && hook.get("clientConfig") instanceof Map<?, ?> cc
            && !b64.equals(cc.get("caBundle"))) {
          ((Map<String, Object>) cc).put("caBundle", b64);
          changed = true;
        }
      }
    }
    if (changed) {
      client.genericKubernetesResources(WEBHOOKS).resource(vwc).update();
    }
    return true;
  }
}

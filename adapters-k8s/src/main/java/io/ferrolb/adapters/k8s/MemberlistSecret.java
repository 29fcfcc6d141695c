package io.ferrolb.adapters.k8s;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The Secret the speakers' gossip is encrypted with: created when missing, never touched when it
 * exists. The key itself is never logged.
 */
public final class MemberlistSecret {
  public static final String NAME = "memberlist";
  public static final String KEY = "secretkey";
  // the tutorial's `openssl rand -base64 128`: 128 random bytes
  static final int KEY_BYTES = 128;
  private static final int HTTP_CONFLICT = 409;

  private MemberlistSecret() {}

  /** Returns true when this call created the Secret. */
  public static boolean ensure(KubernetesClient client, String namespace, SecureRandom random) {
    Secret existing = client.secrets().inNamespace(namespace).withName(NAME).get();
    if (existing != null) {
      return false;
    }
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    String text = Base64.getEncoder().encodeToString(key);
    Secret s =
        new SecretBuilder()
            .withNewMetadata()
            .withName(NAME)
            .withNamespace(namespace)
            .withLabels(Map.of("app.kubernetes.io/part-of", "ferrolb"))
            .endMetadata()
            .withType("Opaque")
            // the value is the base64 text (as `openssl rand -base64 128`); data holds it
            // base64-encoded
            .withData(
                Map.of(
                    KEY,
                    Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII))))
            .build();
    try {
      client.secrets().inNamespace(namespace).resource(s).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HTTP_CONFLICT) {
        return false; // another replica made it first
      }
      throw e;
    }
  }
}

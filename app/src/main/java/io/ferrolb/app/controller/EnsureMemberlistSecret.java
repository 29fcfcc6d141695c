package io.ferrolb.app.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.ferrolb.adapters.k8s.MemberlistSecret;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up step: creates the Secret the speakers' memberlist encrypts with, when it does not exist
 * yet ({@link MemberlistSecret}); an existing one is never touched. A failure is logged and
 * start-up goes on. Run by {@link Controller#start()}, never while the graph is built.
 */
final class EnsureMemberlistSecret {
  private static final Logger LOG = LoggerFactory.getLogger(EnsureMemberlistSecret.class);

  private final KubernetesClient client;
  private final String namespace;

  @Inject
  EnsureMemberlistSecret(KubernetesClient client, Controller.Options options) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = options.namespace();
  }

  void run() {
    try {
      if (MemberlistSecret.ensure(client, namespace, new SecureRandom())) {
        LOG.info(
            "event=secretCreated secret={}/{} key={}",
            namespace,
            MemberlistSecret.NAME,
            MemberlistSecret.KEY);
      }
    } catch (KubernetesClientException e) {
      LOG.warn(
          "event=secretCreateFailed secret={}/{}: {}",
          namespace,
          MemberlistSecret.NAME,
          e.getMessage());
    }
  }
}

package io.ferrolb.app.admission;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.ferrolb.adapters.k8s.Fabric8WebhookCertStore;
import io.ferrolb.domain.config.DecodedObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook of one controller replica: its certificates ({@link WebhookCertRotation}), checked
 * again every {@code checkEvery} so a rotation by any replica reaches every server, and the HTTPS
 * server ({@link AdmissionServer}).
 */
public final class Webhook implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Webhook.class);

  /**
   * @param port the HTTPS port (MetalLB's webhook uses 9443)
   * @param service the webhook Service's name: the certificate names {@code service.namespace.svc}
   *     and {@code service.namespace.svc.cluster.local}
   * @param configuration the ValidatingWebhookConfiguration whose caBundle is kept current
   * @param secret the Secret holding the certificates
   */
  public record Options(
      int port,
      String service,
      String configuration,
      String secret,
      WebhookCertRotation.Lifetimes lifetimes,
      Duration checkEvery) {
    public Options {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(configuration, "configuration");
      Objects.requireNonNull(secret, "secret");
      Objects.requireNonNull(lifetimes, "lifetimes");
      Objects.requireNonNull(checkEvery, "checkEvery");
    }

    List<String> dnsNames(String namespace) {
      return List.of(
          service + "." + namespace + ".svc",
          service + "." + namespace + ".svc.cluster.local",
          service + "." + namespace,
          service);
    }
  }

  private final AdmissionServer server;
  private final ScheduledExecutorService timer;
  private volatile WebhookCertificates.Pair serving;

  private Webhook(
      AdmissionServer server, ScheduledExecutorService timer, WebhookCertificates.Pair s) {
    this.server = server;
    this.timer = timer;
    this.serving = s;
  }

  public static Webhook start(
      KubernetesClient client, String namespace, Options o, Supplier<List<DecodedObject>> live)
      throws IOException {
    WebhookCertRotation rotation =
        new WebhookCertRotation(
            new Fabric8WebhookCertStore(client, namespace, o.secret()),
            o.configuration(),
            o.dnsNames(namespace),
            o.lifetimes(),
            Clock.systemUTC());
    WebhookCertRotation.Current current = rotation.ensure();
    AdmissionServer server =
        new AdmissionServer(new InetSocketAddress(o.port()), current.serving(), live, namespace);
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ferrolb-webhook-certs");
              t.setDaemon(true);
              return t;
            });
    Webhook w = new Webhook(server, timer, current.serving());
    long every = o.checkEvery().toMillis();
    timer.scheduleWithFixedDelay(() -> w.refresh(rotation), every, every, TimeUnit.MILLISECONDS);
    return w;
  }

  private void refresh(WebhookCertRotation rotation) {
    try {
      WebhookCertificates.Pair now = rotation.ensure().serving();
      if (!now.certPem().equals(serving.certPem())) {
        server.use(now);
        serving = now;
        LOG.info(
            "event=webhookCertificateRotated expires={}",
            now.certificate().getNotAfter().toInstant());
      }
    } catch (RuntimeException e) {
      LOG.warn("event=webhookCertificateCheckFailed keeping the current one: {}", e.getMessage());
    }
  }

  public int port() {
    return server.port();
  }

  /** The serving certificate now (PEM). */
  public String servingCertificate() {
    return serving.certPem();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    server.close();
  }
}

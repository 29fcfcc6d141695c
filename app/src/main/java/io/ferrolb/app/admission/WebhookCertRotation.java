package io.ferrolb.app.admission;

import io.ferrolb.adapters.k8s.Fabric8WebhookCertStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and rotates the webhook's certificates, shared by every replica through one Secret: the
 * first replica that finds it missing, unreadable, for other names, or within {@code renewBefore}
 * of expiry writes a new one (a replica that loses the race reads the winner's); every replica
 * serves what the Secret holds. A new CA is trusted next to the old one ({@code ca-bundle.crt} and
 * the webhook configuration's {@code caBundle}) until the old one expires, so the API server
 * accepts the old and the new serving certificate during the switch.
 */
public final class WebhookCertRotation {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookCertRotation.class);

  /** Lifetimes: the serving certificate is renewed well before it ends. */
  public record Lifetimes(Duration ca, Duration serving, Duration renewBefore) {
    public static final Lifetimes DEFAULT =
        new Lifetimes(Duration.ofDays(3650), Duration.ofDays(365), Duration.ofDays(30));
  }

  private final Fabric8WebhookCertStore store;
  private final String webhookConfiguration;
  private final List<String> dnsNames;
  private final Lifetimes lifetimes;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public WebhookCertRotation(
      Fabric8WebhookCertStore store,
      String webhookConfiguration,
      List<String> dnsNames,
      Lifetimes lifetimes,
      Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.webhookConfiguration = Objects.requireNonNull(webhookConfiguration, "config");
    this.dnsNames = List.copyOf(dnsNames);
    this.lifetimes = Objects.requireNonNull(lifetimes, "lifetimes");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** What to serve and what clients trust. */
  public record Current(WebhookCertificates.Pair serving, String caBundle) {}

  /** Makes sure the Secret holds valid certificates, then returns them (and patches caBundle). */
  public Current ensure() {
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<Fabric8WebhookCertStore.Stored> stored = store.read();
      Instant now = clock.instant();
      Optional<Current> usable = stored.flatMap(s -> usable(s.pem(), now));
      if (usable.isPresent()) {
        patch(usable.get().caBundle());
        return usable.get();
      }
      Map<String, String> next = renew(stored.map(Fabric8WebhookCertStore.Stored::pem), now);
      if (store.write(next, stored.map(Fabric8WebhookCertStore.Stored::resourceVersion))) {
        LOG.info(
            "event=webhookCertificateWritten expires={} names={}",
            WebhookCertificates.parseCertificates(next.get(Fabric8WebhookCertStore.TLS_CERT))
                .get(0)
                .getNotAfter()
                .toInstant(),
            dnsNames);
        Current c = usable(next, now).orElseThrow();
        patch(c.caBundle());
        return c;
      }
      // another replica wrote first: read theirs
    }
    throw new IllegalStateException("the webhook certificate Secret keeps changing under us");
  }

  private void patch(String caBundle) {
    if (!store.patchCaBundle(webhookConfiguration, caBundle)) {
      LOG.debug("event=webhookConfigurationMissing name={}", webhookConfiguration);
    }
  }

  /** The stored pair if it serves these names and is not due for renewal. */
  private Optional<Current> usable(Map<String, String> pem, Instant now) {
    try {
      var ca = caPair(pem);
      var serving =
          new WebhookCertificates.Pair(
              pem.get(Fabric8WebhookCertStore.TLS_CERT), pem.get(Fabric8WebhookCertStore.TLS_KEY));
      X509Certificate leaf = serving.certificate();
      serving.privateKey();
      leaf.verify(ca.certificate().getPublicKey());
      if (due(leaf, now)
          || due(ca.certificate(), now)
          || !names(leaf).equals(Set.copyOf(dnsNames))) {
        return Optional.empty();
      }
      String bundle = pem.getOrDefault(Fabric8WebhookCertStore.CA_BUNDLE, ca.certPem());
      return Optional.of(new Current(serving, bundle));
    } catch (RuntimeException | java.security.GeneralSecurityException e) {
      return Optional.empty(); // missing or unreadable: write a new one
    }
  }

  private Map<String, String> renew(Optional<Map<String, String>> old, Instant now) {
    WebhookCertificates.Pair ca;
    Set<String> bundle = new LinkedHashSet<>();
    Optional<WebhookCertificates.Pair> oldCa = old.flatMap(WebhookCertRotation::caIfReadable);
    if (oldCa.isPresent() && !due(oldCa.get().certificate(), now)) {
      ca = oldCa.get(); // only the serving certificate is renewed
      bundle.add(ca.certPem());
    } else {
      ca = WebhookCertificates.newCa("ferrolb-webhook-ca", now, lifetimes.ca(), random);
      bundle.add(ca.certPem());
      // keep trusting the old CA while certificates it signed may still be served
      oldCa
          .filter(c -> c.certificate().getNotAfter().toInstant().isAfter(now))
          .ifPresent(c -> bundle.add(c.certPem()));
    }
    var serving = WebhookCertificates.newServing(ca, dnsNames, now, lifetimes.serving(), random);
    Map<String, String> out = new HashMap<>();
    out.put(Fabric8WebhookCertStore.CA_CERT, ca.certPem());
    out.put(Fabric8WebhookCertStore.CA_KEY, ca.keyPem());
    out.put(Fabric8WebhookCertStore.TLS_CERT, serving.certPem());
    out.put(Fabric8WebhookCertStore.TLS_KEY, serving.keyPem());
    out.put(Fabric8WebhookCertStore.CA_BUNDLE, String.join("", bundle));
    return out;
  }

  private static Optional<WebhookCertificates.Pair> caIfReadable(Map<String, String> pem) {
    try {
      var ca = caPair(pem);
      ca.certificate();
      ca.privateKey();
      return Optional.of(ca);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static WebhookCertificates.Pair caPair(Map<String, String> pem) {
    return new WebhookCertificates.Pair(
        pem.get(Fabric8WebhookCertStore.CA_CERT), pem.get(Fabric8WebhookCertStore.CA_KEY));
  }

  private boolean due(X509Certificate c, Instant now) {
    return !now.plus(lifetimes.renewBefore()).isBefore(c.getNotAfter().toInstant());
  }

  private static Set<String> names(X509Certificate c) {
    Set<String> out = new LinkedHashSet<>();
    try {
      if (c.getSubjectAlternativeNames() != null) {
        for (List<?> san : c.getSubjectAlternativeNames()) {
          out.add(String.valueOf(san.get(1)));
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      return Set.of();
    }
    return out;
  }
}

package io.ferrolb.app.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WebhookCertificatesTest {
  static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
  static final SecureRandom RANDOM = new SecureRandom();
  static final List<String> NAMES =
      List.of("ferrolb-webhook-service.ferrolb-system.svc", "ferrolb-webhook-service");

  @Test
  void theCaIsASelfSignedAuthority() throws Exception {
    var ca = WebhookCertificates.newCa("ferrolb-webhook-ca", NOW, Duration.ofDays(3650), RANDOM);
    X509Certificate c = ca.certificate();

    c.verify(c.getPublicKey()); // its own issuer
    assertThat(c.getBasicConstraints()).isGreaterThanOrEqualTo(0); // CA:TRUE
    assertThat(c.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=ferrolb-webhook-ca");
    assertThat(c.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(3650)));
    assertThat(ca.privateKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void theServingCertificateChainsToTheCaAndNamesTheService() throws Exception {
    var ca = WebhookCertificates.newCa("ferrolb-webhook-ca", NOW, Duration.ofDays(3650), RANDOM);
    var leaf = WebhookCertificates.newServing(ca, NAMES, NOW, Duration.ofDays(365), RANDOM);
    X509Certificate c = leaf.certificate();

    c.verify(ca.certificate().getPublicKey());
    assertThat(c.getBasicConstraints()).isEqualTo(-1); // not a CA
    assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(c.getSubjectAlternativeNames().stream().map(l -> (Object) l.get(1)).toList())
        .containsExactlyElementsOf(List.<Object>copyOf(NAMES));
    // what a TLS client does: PKIX path validation against the CA as trust anchor
    var path = CertificateFactory.getInstance("X.509").generateCertPath(List.of(c));
    var params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(NOW.plus(Duration.ofDays(1))));
    CertPathValidator.getInstance("PKIX").validate(path, params);
  }

  @Test
  void aCertificateSignedByAnotherCaDoesNotValidate() throws Exception {
    var ca = WebhookCertificates.newCa("a", NOW, Duration.ofDays(10), RANDOM);
    var other = WebhookCertificates.newCa("b", NOW, Duration.ofDays(10), RANDOM);
    var leaf = WebhookCertificates.newServing(other, NAMES, NOW, Duration.ofDays(5), RANDOM);

    assertThatThrownBy(() -> leaf.certificate().verify(ca.certificate().getPublicKey()))
        .isInstanceOf(java.security.SignatureException.class);
  }

  @Test
  void aBundleParsesInOrderAndGarbageIsRefused() {
    var a = WebhookCertificates.newCa("a", NOW, Duration.ofDays(10), RANDOM);
    var b = WebhookCertificates.newCa("b", NOW, Duration.ofDays(10), RANDOM);

    assertThat(WebhookCertificates.parseCertificates(a.certPem() + b.certPem()))
        .extracting(x -> x.getSubjectX500Principal().getName())
        .containsExactly("CN=a", "CN=b");
    assertThatThrownBy(() -> WebhookCertificates.parseCertificates("nope"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package io.ferrolb.app.observability.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsOptionsTest {
  static final String[] SUPPORTED = {
    "TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA"
  };
  static final String[] ENABLED = {
    "TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
  };

  @Test
  void nothingGivenIsMetallbsDefaultTls13Only() {
    assertThat(TlsOptions.parse(null, null, SUPPORTED, ENABLED)).isEqualTo(TlsOptions.defaults());
    assertThat(TlsOptions.parse("VersionTLS13", "", SUPPORTED, ENABLED).protocols())
        .containsExactly("TLSv1.3");
  }

  @Test
  void tls12AddsTls12AndGoNamesBecomeJdkNamesBesideTheTls13Suites() {
    TlsOptions o =
        TlsOptions.parse(
            "VersionTLS12",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
            SUPPORTED,
            ENABLED);

    assertThat(o.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(o.cipherSuites())
        .hasValue(
            List.of(
                "TLS_AES_256_GCM_SHA384",
                "TLS_AES_128_GCM_SHA256",
                "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
  }

  @Test
  void anUnknownSuiteIsAStartupErrorNamingTheFlagAndTheSuite() {
    assertThatThrownBy(
            () ->
                TlsOptions.parse(
                    "VersionTLS12",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_FANCY_WITH_ROT13",
                    SUPPORTED,
                    ENABLED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--tls-cipher-suites=\"")
        .hasMessageContaining("\"TLS_FANCY_WITH_ROT13\" is not supported by this JVM");
  }

  @Test
  void suitesWithTheTls13MinimumAreRefusedAsMetallbRefusesThem() {
    assertThatThrownBy(
            () ->
                TlsOptions.parse(null, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", SUPPORTED, ENABLED))
        .hasMessageContaining("--tls-cipher-suites")
        .hasMessageContaining("(the default)")
        .hasMessageContaining("expected: --tls-min-version=VersionTLS12");
  }

  @Test
  void anUnknownOrOldVersionNamesTheFlag() {
    assertThatThrownBy(() -> TlsOptions.parse("TLS1.2", null, SUPPORTED, ENABLED))
        .hasMessage(
            "--tls-min-version=\"TLS1.2\": unknown version (expected: VersionTLS12 or"
                + " VersionTLS13)");
    assertThatThrownBy(() -> TlsOptions.parse("VersionTLS11", null, SUPPORTED, ENABLED))
        .hasMessageContaining("disabled");
  }

  @Test
  void theRecordKeepsNoMutableLists() {
    TlsOptions o = new TlsOptions(new java.util.ArrayList<>(List.of("TLSv1.3")), Optional.empty());
    assertThatThrownBy(() -> o.protocols().add("TLSv1.2"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}

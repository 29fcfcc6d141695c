package io.ferrolb.app.observability.secure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MetalLB's {@code --tls-min-version} and {@code --tls-cipher-suites} in JDK terms. As in MetalLB:
 * the minimum is TLS 1.3 unless {@code VersionTLS12} is given, cipher suites are Go's names (the
 * IANA names, which the JDK uses too, plus Go's short ChaCha20 aliases) and apply to TLS 1.2 only,
 * so giving them with a TLS 1.3 minimum is an error; TLS 1.3's own suites stay enabled.
 *
 * @param protocols the JDK protocol names to enable
 * @param cipherSuites the suites to enable, or empty for the JDK's defaults
 */
public record TlsOptions(List<String> protocols, Optional<List<String>> cipherSuites) {
  static final String MIN_VERSION_FLAG = "--tls-min-version";
  static final String CIPHER_SUITES_FLAG = "--tls-cipher-suites";

  /** Go's names that are not the IANA (and JDK) names. */
  private static final Map<String, String> GO_ALIASES =
      Map.of(
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
              "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

  public TlsOptions {
    protocols = List.copyOf(protocols);
    cipherSuites = cipherSuites.map(List::copyOf);
  }

  /** MetalLB's default: TLS 1.3 only, the JDK's suites. */
  public static TlsOptions defaults() {
    return new TlsOptions(List.of("TLSv1.3"), Optional.empty());
  }

  /**
   * Parses the two flags (null when not given) against the suites this JDK supports and enables by
   * default; a bad value throws, naming the flag and the value.
   */
  public static TlsOptions parse(
      String minVersion, String cipherSuites, String[] supported, String[] enabledByDefault) {
    boolean tls12 = minimumIsTls12(minVersion);
    List<String> protocols = tls12 ? List.of("TLSv1.3", "TLSv1.2") : List.of("TLSv1.3");
    if (cipherSuites == null || cipherSuites.isBlank()) {
      return new TlsOptions(protocols, Optional.empty());
    }
    if (!tls12) {
      throw new IllegalArgumentException(
          CIPHER_SUITES_FLAG
              + "=\""
              + cipherSuites
              + "\": cipher suites apply to TLS 1.2 only and the minimum version is TLS 1.3"
              + (minVersion == null || minVersion.isBlank() ? " (the default)" : "")
              + " (expected: "
              + MIN_VERSION_FLAG
              + "=VersionTLS12 with cipher suites)");
    }
    Set<String> known = Set.of(supported);
    Set<String> out = new LinkedHashSet<>();
    for (String part : cipherSuites.split(",")) {
      String name = part.strip();
      if (name.isEmpty()) {
        continue;
      }
      String jdk = GO_ALIASES.getOrDefault(name, name);
      if (!known.contains(jdk)) {
        throw new IllegalArgumentException(
            CIPHER_SUITES_FLAG
                + "=\""
                + cipherSuites
                + "\": cipher suite \""
                + name
                + "\" is not supported by this JVM (expected: Go/IANA names such as"
                + " TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
      }
      out.add(jdk);
    }
    // Go enables every TLS 1.3 suite whatever the list says: so does this
    List<String> suites = new ArrayList<>();
    Arrays.stream(enabledByDefault)
        .filter(s -> s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_"))
        .filter(s -> !out.contains(s))
        .forEach(suites::add);
    suites.addAll(out);
    return new TlsOptions(protocols, Optional.of(suites));
  }

  private static boolean minimumIsTls12(String minVersion) {
    if (minVersion == null || minVersion.isBlank()) {
      return false;
    }
    return switch (minVersion.strip()) {
      case "VersionTLS12" -> true;
      case "VersionTLS13" -> false;
      case "VersionTLS10", "VersionTLS11" ->
          throw new IllegalArgumentException(
              MIN_VERSION_FLAG
                  + "=\""
                  + minVersion
                  + "\": TLS 1.0 and 1.1 are disabled in ferrolb's JVM (expected: VersionTLS12 or"
                  + " VersionTLS13)");
      default ->
          throw new IllegalArgumentException(
              MIN_VERSION_FLAG
                  + "=\""
                  + minVersion
                  + "\": unknown version (expected: VersionTLS12 or VersionTLS13)");
    };
  }
}

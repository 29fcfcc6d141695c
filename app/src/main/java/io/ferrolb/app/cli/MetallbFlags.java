package io.ferrolb.app.cli;

import ch.qos.logback.classic.Level;
import io.ferrolb.app.observability.secure.CertDirKeyManager;
import io.ferrolb.app.observability.secure.TlsOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * MetalLB's controller and speaker flags and {@code METALLB_*} variables, so the ferrolb image runs
 * in MetalLB's manifests and Helm values unchanged. Each is mapped to ferrolb's meaning; one that
 * has none here is accepted and named in one warning line at start-up ({@link #ignored}).
 *
 * <p>Every field is null unless given, so "given" is known; a MetalLB variable counts as given when
 * set, as in MetalLB, where it is the flag's default.
 */
final class MetallbFlags {
  /** MetalLB's {@code k8s.DefaultHealthProbePort}: its manifests probe this port. */
  static final int METALLB_HEALTH_PORT = 17472;

  /** MetalLB's default {@code --port}. */
  static final int METALLB_METRICS_PORT = 9120;

  private static final Map<String, Level> LEVELS =
      Map.of(
          "all", Level.ALL,
          "debug", Level.DEBUG,
          "info", Level.INFO,
          "warn", Level.WARN,
          "error", Level.ERROR,
          "none", Level.OFF);

  /** Both components' flags. */
  static class Common {
    @Option(
        names = "--port",
        description =
            "MetalLB's metrics port (its default 9120; 0 disables metrics): /metrics here, plain"
                + " HTTP, or HTTPS with --metrics-cert-dir; /healthz and /readyz move to"
                + " --health-probe-port.")
    Integer port;

    @Option(
        names = "--health-probe-port",
        description =
            "MetalLB's health port: /healthz and /readyz (default 17472 when --port is given).")
    Integer healthProbePort;

    @Option(
        names = "--log-level",
        description = "MetalLB's log level: all, debug, info, warn, error or none.")
    String logLevel;

    @Option(
        names = "--pod-name",
        description =
            "This pod's name, the owner of the status objects written (default: $FERROLB_POD_NAME,"
                + " $METALLB_POD_NAME).")
    String podName;

    @Option(names = "--pprof-bind-address", hidden = true)
    String pprofBindAddress;

    @Option(
        names = "--tls-min-version",
        description =
            "Minimum TLS version of the HTTPS metrics: VersionTLS12 or VersionTLS13 (default).")
    String tlsMinVersion;

    @Option(
        names = "--tls-cipher-suites",
        description =
            "TLS 1.2 cipher suites of the HTTPS metrics, Go/IANA names, comma-separated (needs"
                + " --tls-min-version=VersionTLS12; TLS 1.3 suites stay enabled).")
    String tlsCipherSuites;

    @Option(names = "--tls-curve-preferences", hidden = true)
    String tlsCurvePreferences;

    @Option(
        names = "--metrics-cert-dir",
        description =
            "Directory with tls.crt and tls.key (a mounted TLS Secret): /metrics is served over"
                + " HTTPS on --port, for bearer tokens allowed get on /metrics (TokenReview,"
                + " SubjectAccessReview); re-read when the files change.")
    String metricsCertDir;
  }

  /** The controller's own. */
  static final class Controller extends Common {
    @Option(names = "--ml-secret-name", hidden = true)
    String mlSecretName;

    @Option(names = "--deployment", hidden = true)
    String deployment;

    @Option(names = "--webhook-mode", hidden = true)
    String webhookMode;

    @Option(names = "--webhook-secret", hidden = true)
    String webhookSecret;

    @Option(names = "--webhook-http2", hidden = true, arity = "0..1", fallbackValue = "true")
    Boolean webhookHttp2;

    @Option(
        names = "--disable-cert-rotation",
        hidden = true,
        arity = "0..1",
        fallbackValue = "true")
    Boolean disableCertRotation;

    @Option(names = "--cert-dir", hidden = true)
    String certDir;

    @Option(names = "--cert-service-name", hidden = true)
    String certServiceName;
  }

  /** The speaker's own. */
  static final class Speaker extends Common {
    @Option(
        names = "--host",
        description =
            "Deprecated in MetalLB ($METALLB_HOST, the host IP): a last default of --host-ip.")
    String host;

    @Option(
        names = "--ml-bindaddr",
        description = "MetalLB's memberlist address: this node's gossip address, as --host-ip.")
    String mlBindAddr;

    @Option(
        names = "--ml-labels",
        description =
            "MetalLB's speaker pod labels, k=v,... (default: app.kubernetes.io/component=speaker):"
                + " the pods that tell which nodes run a speaker.")
    String mlLabels;

    @Option(names = "--ml-secret-key-path", hidden = true)
    String mlSecretKeyPath;

    @Option(names = "--ml-wan-config", hidden = true, arity = "0..1", fallbackValue = "true")
    Boolean mlWanConfig;

    @Option(names = "--frrk8s-namespace", hidden = true)
    String frrk8sNamespace;

    @Option(
        names = "--frrk8s-secret-passthrough",
        hidden = true,
        arity = "0..1",
        fallbackValue = "true")
    Boolean frrk8sSecretPassthrough;

    @Option(names = "--bgp-debounce-timeout", hidden = true)
    String bgpDebounceTimeout;
  }

  /**
   * Where ferrolb serves metrics and probes.
   *
   * @param secure HTTPS for the metrics port ({@code --metrics-cert-dir}); probes stay plain HTTP
   */
  record Ports(OptionalInt metrics, int health, Optional<SecureMetrics> secure) {
    Ports(OptionalInt metrics, int health) {
      this(metrics, health, Optional.empty());
    }
  }

  /** The certificate (loaded at start-up, re-read on change) and TLS options of HTTPS metrics. */
  record SecureMetrics(CertDirKeyManager certificate, TlsOptions tls) {}

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(MetallbFlags.class);

  private MetallbFlags() {}

  /**
   * ferrolb's {@code --metrics-port} serves everything on one port; MetalLB's {@code --port} and
   * {@code --health-probe-port} split metrics from probes, with MetalLB's defaults.
   */
  static Ports ports(Common m, int metricsPort, boolean metricsPortGiven) {
    if (m.port == null && m.healthProbePort == null) {
      return new Ports(OptionalInt.of(metricsPort), metricsPort);
    }
    if (metricsPortGiven) {
      throw new IllegalArgumentException(
          "--metrics-port and MetalLB's --port/--health-probe-port both given (expected: one of"
              + " them)");
    }
    int metrics = m.port == null ? METALLB_METRICS_PORT : m.port;
    int health = m.healthProbePort == null ? METALLB_HEALTH_PORT : m.healthProbePort;
    return new Ports(metrics == 0 ? OptionalInt.empty() : OptionalInt.of(metrics), health);
  }

  /**
   * With {@code --metrics-cert-dir}, HTTPS metrics: the TLS flags parsed and the certificate loaded
   * now, so a bad value or an unreadable Secret stops the start naming the flag. Without it the TLS
   * flags mean nothing ({@link #ignored}).
   */
  static Ports secure(Common m, Ports ports, Clock clock) {
    if (m.metricsCertDir == null || m.metricsCertDir.isBlank() || ports.metrics().isEmpty()) {
      return ports;
    }
    if (ports.metrics().getAsInt() == ports.health()) {
      throw new IllegalArgumentException(
          "--metrics-cert-dir=\""
              + m.metricsCertDir
              + "\": HTTPS metrics need a port apart from the plain-HTTP probes, and metrics and"
              + " probes share port "
              + ports.health()
              + " (expected: MetalLB's --port and --health-probe-port, e.g. --port=9120"
              + " --health-probe-port=17472)");
    }
    SSLParameters jdk;
    SSLParameters supported;
    try {
      jdk = SSLContext.getDefault().getDefaultSSLParameters();
      supported = SSLContext.getDefault().getSupportedSSLParameters();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no TLS", e);
    }
    TlsOptions tls =
        TlsOptions.parse(
            m.tlsMinVersion, m.tlsCipherSuites, supported.getCipherSuites(), jdk.getCipherSuites());
    try {
      CertDirKeyManager cert = CertDirKeyManager.load(Path.of(m.metricsCertDir), clock);
      return new Ports(ports.metrics(), ports.health(), Optional.of(new SecureMetrics(cert, tls)));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "--metrics-cert-dir=\""
              + m.metricsCertDir
              + "\": "
              + e.getMessage()
              + " (expected: a directory with tls.crt and tls.key, PEM)",
          e);
    }
  }

  /** MetalLB's log level word as a logback level; empty when not given. */
  static Optional<Level> level(Common m) {
    if (m.logLevel == null) {
      return Optional.empty();
    }
    Level l = LEVELS.get(m.logLevel.trim().toLowerCase(Locale.ROOT));
    if (l == null) {
      throw new IllegalArgumentException(
          "--log-level \""
              + m.logLevel
              + "\": unknown (expected: all, debug, info, warn, error or none)");
    }
    return Optional.of(l);
  }

  /**
   * {@code --namespace} or {@code $FERROLB_NAMESPACE}, else {@code $METALLB_NAMESPACE}, else the
   * client's namespace (in a pod, its service account's, which is how MetalLB finds its own), else
   * ferrolb-system.
   */
  static String namespace(
      String given, Function<String, String> env, Supplier<String> clientNamespace) {
    return Optional.ofNullable(given)
        .filter(s -> !s.isBlank())
        .or(() -> flagOrEnv(null, "METALLB_NAMESPACE", env))
        .or(() -> Optional.ofNullable(clientNamespace.get()).filter(s -> !s.isBlank()))
        .orElse("ferrolb-system");
  }

  /** Sets the root log level (MetalLB's --log-level) when logback is the logging backend. */
  static void applyLevel(Level level) {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(level);
    }
  }

  /** Checks what can be checked before start; a bad value throws, naming the flag. */
  static Ports prepare(
      Common m, Integer metricsPort, int defaultMetricsPort, Function<String, String> env) {
    Ports ports =
        ports(m, metricsPort == null ? defaultMetricsPort : metricsPort, metricsPort != null);
    ports = secure(m, ports, Clock.systemUTC());
    level(m).ifPresent(MetallbFlags::applyLevel);
    for (String line : ignored(m, env)) {
      LOG.warn("event=flagIgnored {}", line);
    }
    return ports;
  }

  /** The flag's value, else the MetalLB variable's; empty when neither is set. */
  static Optional<String> flagOrEnv(String flag, String variable, Function<String, String> env) {
    if (flag != null) {
      return Optional.of(flag);
    }
    return Optional.ofNullable(env.apply(variable)).filter(s -> !s.isBlank());
  }

  /**
   * This pod's name, the owner of the status objects the component writes: {@code --pod-name}, else
   * {@code $FERROLB_POD_NAME}, else {@code $METALLB_POD_NAME}; empty outside a cluster.
   */
  static Optional<String> podName(Common m, Function<String, String> env) {
    return Optional.ofNullable(m.podName)
        .filter(s -> !s.isBlank())
        .or(() -> flagOrEnv(null, "FERROLB_POD_NAME", env))
        .or(() -> flagOrEnv(null, "METALLB_POD_NAME", env));
  }

  /** Labels {@code k=v,k2=v2} (MetalLB's --ml-labels) as a map. */
  static Map<String, String> labels(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--ml-labels \"" + text + "\": \"" + p + "\" is not key=value (expected: k=v,k2=v2)");
      }
      out.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
    }
    return out;
  }

  /** One line per MetalLB flag or variable given that means nothing to ferrolb, and why. */
  static List<String> ignored(Common m, Function<String, String> env) {
    List<String> out = new ArrayList<>();
    given(out, "--pprof-bind-address", m.pprofBindAddress, "Go's pprof; ferrolb is a JVM");
    boolean https = m.metricsCertDir != null && !m.metricsCertDir.isBlank();
    if (!https) {
      String plain =
          "it applies to HTTPS metrics, which ferrolb serves only with --metrics-cert-dir (plain"
              + " HTTP without it)";
      given(out, "--tls-min-version", m.tlsMinVersion, plain);
      given(out, "--tls-cipher-suites", m.tlsCipherSuites, plain);
    }
    given(
        out,
        "--tls-curve-preferences",
        m.tlsCurvePreferences,
        "Java 17 sets TLS key-exchange groups for the whole JVM only; the JVM's defaults apply");
    if (m instanceof Controller c) {
      String webhook =
          "MetalLB's webhook settings do not apply: ferrolb's webhook is turned on with"
              + " --webhook-port (deploy/overlays/webhook) and manages its own certificate";
      given(out, "--webhook-mode", c.webhookMode, webhook);
      given(out, "--webhook-secret", c.webhookSecret, webhook);
      given(out, "--webhook-http2", c.webhookHttp2, webhook);
      given(out, "--disable-cert-rotation", c.disableCertRotation, webhook);
      given(out, "--cert-dir", c.certDir, webhook);
      given(out, "--cert-service-name", c.certServiceName, webhook);
      givenOrSet(
          out,
          c.deployment,
          "--deployment",
          "METALLB_DEPLOYMENT",
          env,
          "MetalLB owns the memberlist Secret by its Deployment; ferrolb's Secret has no owner and"
              + " outlives it");
      if (!flagOrEnv(c.mlSecretName, "METALLB_ML_SECRET_NAME", env)
          .equals(Optional.of("memberlist"))) {
        givenOrSet(
            out,
            c.mlSecretName,
            "--ml-secret-name",
            "METALLB_ML_SECRET_NAME",
            env,
            "ferrolb's controller and speakers use the Secret \"memberlist\"");
      }
    }
    if (m instanceof Speaker s) {
      givenOrSet(
          out,
          s.mlSecretKeyPath,
          "--ml-secret-key-path",
          "METALLB_ML_SECRET_KEY_PATH",
          env,
          "the speaker reads key secretkey of the Secret \"memberlist\" through the API (MetalLB's"
              + " speaker Role allows it)");
      given(out, "--ml-wan-config", s.mlWanConfig, "ferrolb's gossip has no WAN profile");
      String frr = "ferrolb speaks BGP itself (MetalLB's native mode); there is no FRR to drive";
      givenOrSet(out, s.frrk8sNamespace, "--frrk8s-namespace", "FRRK8S_NAMESPACE", env, frr);
      given(out, "--frrk8s-secret-passthrough", s.frrk8sSecretPassthrough, frr);
      givenOrSet(
          out,
          s.bgpDebounceTimeout,
          "--bgp-debounce-timeout",
          "METALLB_BGP_DEBOUNCE_TIMEOUT",
          env,
          frr);
      Optional.ofNullable(env.apply("METALLB_BGP_TYPE"))
          .filter(v -> !v.equals("native"))
          .ifPresent(v -> out.add("METALLB_BGP_TYPE=\"" + v + "\" is ignored: " + frr));
    }
    return out;
  }

  private static void given(List<String> out, String flag, Object value, String why) {
    if (value != null) {
      out.add(flag + "=\"" + value + "\" is ignored: " + why);
    }
  }

  /** {@link #given} for a flag whose default is a variable (MetalLB's os.Getenv defaults). */
  private static void givenOrSet(
      List<String> out,
      String value,
      String flag,
      String variable,
      Function<String, String> env,
      String why) {
    flagOrEnv(value, variable, env)
        .ifPresent(
            v -> out.add((value != null ? flag : variable) + "=\"" + v + "\" is ignored: " + why));
  }
}

package io.ferrolb.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.ferrolb.adapters.k8s.RequestRateLimit;
import io.ferrolb.app.observability.secure.TestCerts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * MetalLB's flags and variables, as its manifests (config/manifests/metallb-native.yaml) and Helm
 * chart (charts/metallb/templates) pass them, parsed by ferrolb's commands.
 */
class MetallbFlagsTest {
  // charts/metallb/templates/controller.yaml with every optional flag switched on
  static final List<String> HELM_CONTROLLER =
      List.of(
          "--port=7472",
          "--health-probe-port=7473",
          "--log-level=debug",
          "--lb-class=metallb",
          "--webhook-mode=disabled",
          "--tls-cipher-suites=TLS_AES_128_GCM_SHA256",
          "--tls-curve-preferences=29",
          "--tls-min-version=VersionTLS13",
          "--metrics-cert-dir=/etc/metrics");

  // charts/metallb/templates/speaker.yaml with every optional flag switched on
  static final List<String> HELM_SPEAKER =
      List.of(
          "--port=7472",
          "--health-probe-port=7473",
          "--log-level=warn",
          "--lb-class=metallb",
          "--ml-wan-config",
          "--ignore-exclude-lb",
          "--bgp-debounce-timeout=3000",
          "--frrk8s-namespace=frr-k8s-system",
          "--frrk8s-secret-passthrough",
          "--tls-cipher-suites=TLS_AES_128_GCM_SHA256",
          "--tls-curve-preferences=29",
          "--tls-min-version=VersionTLS13",
          "--metrics-cert-dir=/etc/metrics");

  static final Map<String, String> MANIFEST_SPEAKER_ENV =
      Map.of(
          "METALLB_NODE_NAME", "node-a",
          "METALLB_POD_NAME", "speaker-x2k9q",
          "METALLB_HOST", "198.51.100.10",
          "METALLB_ML_BIND_ADDR", "198.51.100.10",
          "METALLB_ML_LABELS", "app=metallb,component=speaker",
          "METALLB_ML_SECRET_KEY_PATH", "/etc/ml_secret_key");

  static final Map<String, String> MANIFEST_CONTROLLER_ENV =
      Map.of(
          "METALLB_POD_NAME", "controller-7d4c8b9f5-abcde",
          "METALLB_ML_SECRET_NAME", "memberlist",
          "METALLB_DEPLOYMENT", "controller");

  private static <T> T parse(T command, List<String> args) {
    new CommandLine(command).parseArgs(args.toArray(String[]::new));
    return command;
  }

  @Test
  void theManifestsArgsSplitMetricsFromProbesOnMetallbsPorts() {
    ControllerCommand c =
        parse(new ControllerCommand(), List.of("--port=9120", "--log-level=info"));
    assertThat(MetallbFlags.ports(c.metallb, 7472, false))
        .isEqualTo(new MetallbFlags.Ports(OptionalInt.of(9120), 17472));
    assertThat(MetallbFlags.level(c.metallb)).contains(Level.INFO);

    SpeakerCommand s =
        parse(new SpeakerCommand(), List.of("--port=9120", "--log-level=info", "--node-name=a"));
    assertThat(MetallbFlags.ports(s.metallb, 7472, false))
        .isEqualTo(new MetallbFlags.Ports(OptionalInt.of(9120), 17472));
  }

  @Test
  void theApiLimitDefaultsToKubeControllerManagersAndFollowsTheFlags() {
    assertThat(parse(new ControllerCommand(), List.of()).kubeApi.settings())
        .isEqualTo(new RequestRateLimit.Settings(20, 30));
    assertThat(
            parse(
                    new SpeakerCommand(),
                    List.of("--kube-api-qps=5", "--kube-api-burst=10", "--node-name=a"))
                .kubeApi
                .settings())
        .isEqualTo(new RequestRateLimit.Settings(5, 10));
    assertThat(parse(new ControllerCommand(), List.of("--kube-api-qps=0")).kubeApi.settings())
        .matches(s -> !s.limited());
  }

  @Test
  void withoutMetallbsFlagsOnePortServesEverythingAsBefore() {
    ControllerCommand c = parse(new ControllerCommand(), List.of("--metrics-port=7472"));
    assertThat(MetallbFlags.ports(c.metallb, 7472, true))
        .isEqualTo(new MetallbFlags.Ports(OptionalInt.of(7472), 7472));
  }

  @Test
  void portZeroDisablesMetricsAndKeepsTheProbes() {
    ControllerCommand c = parse(new ControllerCommand(), List.of("--port=0"));
    assertThat(MetallbFlags.ports(c.metallb, 7472, false))
        .isEqualTo(new MetallbFlags.Ports(OptionalInt.empty(), 17472));
  }

  @Test
  void bothPortStylesAtOnceAreRefusedNamingBoth() {
    ControllerCommand c = parse(new ControllerCommand(), List.of("--port=9120"));
    assertThatThrownBy(() -> MetallbFlags.ports(c.metallb, 7472, true))
        .hasMessageContaining("--metrics-port")
        .hasMessageContaining("--port");
  }

  @Test
  void everyHelmFlagParsesAndEachWithoutMeaningIsNamedOnce() {
    ControllerCommand c = parse(new ControllerCommand(), HELM_CONTROLLER);
    assertThat(c.lbClass).isEqualTo("metallb");
    assertThat(MetallbFlags.ports(c.metallb, 7472, false))
        .isEqualTo(new MetallbFlags.Ports(OptionalInt.of(7472), 7473));
    assertThat(MetallbFlags.level(c.metallb)).contains(Level.DEBUG);
    List<String> controllerLines = MetallbFlags.ignored(c.metallb, Map.<String, String>of()::get);
    // with --metrics-cert-dir the TLS flags mean HTTPS metrics; the curves stay the JVM's
    assertThat(controllerLines)
        .hasSize(2)
        .anySatisfy(l -> assertThat(l).startsWith("--webhook-mode=\"disabled\" is ignored"))
        .anySatisfy(l -> assertThat(l).startsWith("--tls-curve-preferences=\"29\" is ignored"));

    SpeakerCommand s = parse(new SpeakerCommand(), append(HELM_SPEAKER, "--node-name=a"));
    assertThat(s.ignoreExcludeLb).isTrue();
    assertThat(MetallbFlags.level(s.metallb)).contains(Level.WARN);
    List<String> speakerLines =
        MetallbFlags.ignored(s.metallb, Map.of("METALLB_BGP_TYPE", "frr-k8s")::get);
    assertThat(speakerLines)
        .anySatisfy(l -> assertThat(l).startsWith("--ml-wan-config=\"true\" is ignored"))
        .anySatisfy(l -> assertThat(l).startsWith("--bgp-debounce-timeout=\"3000\" is ignored"))
        .anySatisfy(l -> assertThat(l).startsWith("--frrk8s-namespace=\"frr-k8s-system\""))
        .anySatisfy(l -> assertThat(l).startsWith("--frrk8s-secret-passthrough=\"true\""))
        .anySatisfy(l -> assertThat(l).startsWith("METALLB_BGP_TYPE=\"frr-k8s\" is ignored"));
    assertThat(speakerLines).hasSize(6);
  }

  @Test
  void theManifestsVariablesAreMappedOrNamed() {
    List<String> controller =
        MetallbFlags.ignored(new MetallbFlags.Controller(), MANIFEST_CONTROLLER_ENV::get);
    // METALLB_POD_NAME is the Lease identity, METALLB_ML_SECRET_NAME=memberlist is ferrolb's own
    assertThat(controller)
        .singleElement()
        .asString()
        .startsWith("METALLB_DEPLOYMENT=\"controller\"");

    List<String> speaker =
        MetallbFlags.ignored(new MetallbFlags.Speaker(), MANIFEST_SPEAKER_ENV::get);
    // METALLB_POD_NAME names the speaker's Pod, the owner of its status objects
    assertThat(speaker)
        .singleElement()
        .asString()
        .startsWith("METALLB_ML_SECRET_KEY_PATH=\"/etc/ml_secret_key\"");
    assertThat(MetallbFlags.podName(new MetallbFlags.Speaker(), MANIFEST_SPEAKER_ENV::get))
        .contains("speaker-x2k9q");
    assertThat(
            MetallbFlags.flagOrEnv(null, "METALLB_ML_LABELS", MANIFEST_SPEAKER_ENV::get)
                .map(MetallbFlags::labels))
        .contains(Map.of("app", "metallb", "component", "speaker"));
  }

  @Test
  void thePodNameIsTheFlagElseFerrolbsVariableElseMetallbs() {
    MetallbFlags.Speaker flag = new MetallbFlags.Speaker();
    flag.podName = "from-flag";
    Map<String, String> both = Map.of("FERROLB_POD_NAME", "ferrolb", "METALLB_POD_NAME", "metallb");

    assertThat(MetallbFlags.podName(flag, both::get)).contains("from-flag");
    assertThat(MetallbFlags.podName(new MetallbFlags.Speaker(), both::get)).contains("ferrolb");
    assertThat(
            MetallbFlags.podName(
                new MetallbFlags.Controller(), Map.of("METALLB_POD_NAME", "metallb")::get))
        .contains("metallb");
    assertThat(MetallbFlags.podName(new MetallbFlags.Speaker(), Map.<String, String>of()::get))
        .isEmpty();
  }

  @Test
  void aMemberlistSecretOfAnotherNameIsNamed() {
    assertThat(
            MetallbFlags.ignored(
                new MetallbFlags.Controller(), Map.of("METALLB_ML_SECRET_NAME", "ml")::get))
        .singleElement()
        .asString()
        .startsWith("METALLB_ML_SECRET_NAME=\"ml\" is ignored");
  }

  @Test
  void theNamespaceComesFromTheFlagThenMetallbsVariableThenThePod() {
    Map<String, String> env = Map.of("METALLB_NAMESPACE", "metallb-system");
    assertThat(MetallbFlags.namespace("lb", env::get, () -> "pod-ns")).isEqualTo("lb");
    assertThat(MetallbFlags.namespace(null, env::get, () -> "pod-ns")).isEqualTo("metallb-system");
    assertThat(MetallbFlags.namespace(null, Map.<String, String>of()::get, () -> "pod-ns"))
        .isEqualTo("pod-ns");
    assertThat(MetallbFlags.namespace(null, Map.<String, String>of()::get, () -> null))
        .isEqualTo("ferrolb-system");
  }

  @Test
  void badValuesNameTheFlagAndTheValue() {
    MetallbFlags.Common m = new MetallbFlags.Common();
    m.logLevel = "verbose";
    assertThatThrownBy(() -> MetallbFlags.level(m))
        .hasMessageContaining("--log-level \"verbose\"")
        .hasMessageContaining("expected: all, debug, info, warn, error or none");
    assertThatThrownBy(() -> MetallbFlags.labels("app=metallb,speaker"))
        .hasMessageContaining("--ml-labels \"app=metallb,speaker\"")
        .hasMessageContaining("\"speaker\" is not key=value");
  }

  @Test
  void metallbsLogLevelsMapToLogbacks() {
    MetallbFlags.Common m = new MetallbFlags.Common();
    for (var e :
        Map.of(
                "all", Level.ALL,
                "debug", Level.DEBUG,
                "info", Level.INFO,
                "warn", Level.WARN,
                "error", Level.ERROR,
                "none", Level.OFF)
            .entrySet()) {
      m.logLevel = e.getKey();
      assertThat(MetallbFlags.level(m)).contains(e.getValue());
    }
  }

  private static List<String> append(List<String> l, String s) {
    return java.util.stream.Stream.concat(l.stream(), java.util.stream.Stream.of(s)).toList();
  }

  @Test
  void tlsFlagsWithoutACertDirAreNamedAsIgnoredBecauseMetricsStayPlain() {
    ControllerCommand c =
        parse(
            new ControllerCommand(),
            List.of(
                "--port=9120",
                "--tls-min-version=VersionTLS12",
                "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));

    assertThat(MetallbFlags.ignored(c.metallb, Map.<String, String>of()::get))
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("only with --metrics-cert-dir"));
    assertThat(MetallbFlags.prepare(c.metallb, null, 7472, Map.<String, String>of()::get).secure())
        .isEmpty();
  }

  @Test
  void aCertDirGivesHttpsMetricsWithTheTlsFlags(@TempDir Path dir) throws Exception {
    new TestCerts(dir).server(dir.resolve("metrics"), "EC");
    ControllerCommand c =
        parse(
            new ControllerCommand(),
            List.of(
                "--port=9120",
                "--metrics-cert-dir=" + dir.resolve("metrics"),
                "--tls-min-version=VersionTLS12",
                "--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));

    MetallbFlags.Ports ports =
        MetallbFlags.prepare(c.metallb, null, 7472, Map.<String, String>of()::get);

    assertThat(ports.metrics()).hasValue(9120);
    assertThat(ports.health()).isEqualTo(17472);
    assertThat(ports.secure())
        .hasValueSatisfying(
            s -> {
              assertThat(s.tls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
              assertThat(s.tls().cipherSuites().orElseThrow())
                  .contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
              assertThat(s.certificate().certificate().getSubjectX500Principal().getName())
                  .isEqualTo("CN=localhost");
            });
  }

  @Test
  void aCertDirWithoutTheFilesStopsTheStartNamingTheFlag(@TempDir Path dir) {
    ControllerCommand c =
        parse(new ControllerCommand(), List.of("--port=9120", "--metrics-cert-dir=" + dir));

    assertThatThrownBy(
            () -> MetallbFlags.prepare(c.metallb, null, 7472, Map.<String, String>of()::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--metrics-cert-dir=\"" + dir + "\"")
        .hasMessageContaining("tls.crt");
  }

  @Test
  void aCertDirOnTheProbesPortIsRefused(@TempDir Path dir) {
    ControllerCommand c =
        parse(new ControllerCommand(), List.of("--metrics-port=7472", "--metrics-cert-dir=" + dir));

    assertThatThrownBy(
            () -> MetallbFlags.prepare(c.metallb, 7472, 7472, Map.<String, String>of()::get))
        .hasMessageContaining("share port 7472")
        .hasMessageContaining("--health-probe-port");
  }

  @Test
  void anUnknownCipherSuiteStopsTheStartNamingTheFlag(@TempDir Path dir) {
    ControllerCommand c =
        parse(
            new ControllerCommand(),
            List.of(
                "--port=9120",
                "--metrics-cert-dir=" + dir,
                "--tls-min-version=VersionTLS12",
                "--tls-cipher-suites=TLS_NO_SUCH_SUITE"));

    assertThatThrownBy(
            () -> MetallbFlags.prepare(c.metallb, null, 7472, Map.<String, String>of()::get))
        .hasMessageStartingWith("--tls-cipher-suites=\"TLS_NO_SUCH_SUITE\"");
  }
}

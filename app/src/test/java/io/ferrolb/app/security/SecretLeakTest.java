package io.ferrolb.app.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.ferrolb.adapters.k8s.Fabric8ClusterView;
import io.ferrolb.app.observability.MetallbExposition;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import io.ferrolb.domain.config.SecretData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The BGP passwords and the memberlist key never show: {@link Scenario} runs the controller (which
 * creates the memberlist Secret), its webhook and a speaker with gossip on, through the normal life
 * of a Service and the error paths (a password Secret without the key, a password too long for TCP
 * MD5), with every log event captured at DEBUG (message and stack trace). Then the logs, every
 * Event in the API, both components' /metrics text, the ConfigurationStates and the other status
 * objects, and the toString of the parsed configuration are searched for each secret, raw and
 * base64.
 */
@EnableKubernetesMockClient(crud = true)
class SecretLeakTest {
  KubernetesClient client;

  /** Every log event, formatted with its stack trace. */
  static final class Capture extends AppenderBase<ILoggingEvent> {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected void append(ILoggingEvent e) {
      StringBuilder b =
          new StringBuilder(e.getLoggerName()).append(' ').append(e.getFormattedMessage());
      if (e.getThrowableProxy() != null) {
        b.append('\n').append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
      }
      lines.add(b.toString());
    }
  }

  private final Capture logs = new Capture();
  private Logger ferrolb;
  private Level previous;

  @BeforeEach
  void captureLogs() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    logs.setContext(ctx);
    logs.start();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
    ferrolb = ctx.getLogger("io.ferrolb");
    previous = ferrolb.getLevel();
    ferrolb.setLevel(Level.DEBUG);
  }

  @AfterEach
  void stopCapturing() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
    ferrolb.setLevel(previous);
  }

  @Test
  void noSecretShowsInLogsEventsMetricsStatusOrToString() throws Exception {
    Map<String, String> haystacks = new LinkedHashMap<>();
    String memberlistData;
    try (Scenario s = new Scenario(client)) {
      s.cluster();
      s.start(freeGossipPort());
      s.serviceLifecycle();
      s.errorPaths();
      haystacks.put("speaker /metrics", MetallbExposition.text(s.speakerRegistry.scrape()));
      haystacks.put("controller /metrics", MetallbExposition.text(s.controllerRegistry.scrape()));
      assertThat(haystacks.get("speaker /metrics"))
          .as("the gossip drop counters are exposed")
          .contains("ferrolb_speaker_gossip_frames_dropped_total{reason=\"replayed\"}");
    }
    Secret memberlist = client.secrets().inNamespace(Scenario.NS).withName("memberlist").get();
    memberlistData = memberlist.getData().get("secretkey");

    haystacks.put("logs", String.join("\n", logs.lines));
    haystacks.put(
        "events", Serialization.asJson(client.v1().events().inAnyNamespace().list().getItems()));
    for (String plural :
        List.of(
            "configurationstates", "servicel2statuses", "servicebgpstatuses", "ipaddresspools")) {
      List<GenericKubernetesResource> objects =
          client
              .genericKubernetesResources("metallb.io/v1beta1", kindOf(plural))
              .inNamespace(Scenario.NS)
              .list()
              .getItems();
      haystacks.put(plural, Serialization.asJson(objects));
    }
    assertThat(haystacks.get("configurationstates"))
        .as("the error path was taken")
        .contains(Scenario.BROKEN_SECRET);
    haystacks.put("parsed configuration", parsedConfiguration());

    Map<String, String> needles = new LinkedHashMap<>();
    String memberlistText =
        new String(Base64.getDecoder().decode(memberlistData), StandardCharsets.US_ASCII);
    needles.put("memberlist key", memberlistText);
    needles.put("memberlist key, base64", memberlistData);
    needles.put("memberlist key, first 16 characters", memberlistText.substring(0, 16));
    for (String p : List.of(Scenario.BGP_PASSWORD, Scenario.LONG_PASSWORD)) {
      needles.put("BGP password " + p.substring(0, 4) + "…", p);
      needles.put("BGP password " + p.substring(0, 4) + "…, base64", base64(p));
    }
    assertThat(haystacks.get("logs")).as("logs captured").contains("event=ipAssigned");

    List<String> leaks = new ArrayList<>();
    needles.forEach(
        (what, needle) ->
            haystacks.forEach(
                (where, text) -> {
                  if (text.contains(needle)) {
                    int at = text.indexOf(needle);
                    leaks.add(
                        what
                            + " in "
                            + where
                            + ": …"
                            + text.substring(Math.max(0, at - 120), at).replace(needle, "<secret>")
                            + "<secret>…");
                  }
                }));
    assertThat(leaks).isEmpty();
  }

  /**
   * The configuration parsed with the cluster's Secrets, as the speaker holds it: the valid one
   * (the good peer only) and the invalid one (every peer), printed whole.
   */
  private String parsedConfiguration() {
    Fabric8ClusterView view = new Fabric8ClusterView(client, Scenario.NS);
    view.listOnce();
    List<DecodedObject> all = view.configObjects();
    view.close();
    Map<String, SecretData> secrets = new HashMap<>();
    for (Secret s : client.secrets().inNamespace(Scenario.NS).list().getItems()) {
      Map<String, String> data = new HashMap<>();
      if (s.getData() != null) {
        s.getData()
            .forEach(
                (k, v) ->
                    data.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
      }
      if (s.getStringData() != null) {
        data.putAll(s.getStringData());
      }
      secrets.put(s.getMetadata().getName(), new SecretData(String.valueOf(s.getType()), data));
    }
    ParseContext ctx = new ParseContext(Scenario.NS, secrets);
    ParseResult invalid = ConfigLoader.parse(all, ctx);
    assertThat(invalid).isInstanceOf(ParseResult.Invalid.class);
    ParseResult valid =
        ConfigLoader.parse(all.stream().filter(o -> !o.name().startsWith("router-")).toList(), ctx);
    assertThat(valid).isInstanceOf(ParseResult.Valid.class);
    var config = ((ParseResult.Valid) valid).config();
    assertThat(config.bgpPeers())
        .singleElement()
        .satisfies(p -> assertThat(p.password()).contains(Scenario.BGP_PASSWORD));
    return ctx + "\n" + invalid + "\n" + valid + "\n" + config + "\n" + config.bgpPeers();
  }

  private static String kindOf(String plural) {
    return switch (plural) {
      case "configurationstates" -> "ConfigurationState";
      case "servicel2statuses" -> "ServiceL2Status";
      case "servicebgpstatuses" -> "ServiceBGPStatus";
      default -> "IPAddressPool";
    };
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A loopback port free for both UDP and TCP: gossip binds both. */
  private static int freeGossipPort() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket()) {
          tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
          return port;
        } catch (IOException taken) {
          // try another
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no port free for both UDP and TCP");
  }
}

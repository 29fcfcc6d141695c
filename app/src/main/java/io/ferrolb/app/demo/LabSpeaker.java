package io.ferrolb.app.demo;

import static io.ferrolb.app.demo.Lab.API_NODE_ADDRESS;
import static io.ferrolb.app.demo.Lab.NODE_IP;
import static io.ferrolb.app.demo.Lab.NODE_NS;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The real {@code ferrolb speaker} process in {@code flbdemo-node}, run with this JVM's java and
 * classpath, its readiness asked over the API link, its log in {@code speaker.log}.
 */
final class LabSpeaker {
  static final int METRICS_PORT = 7472; // the speaker's default, free inside its own namespace

  private final LabCommands commands;
  private final Path dir;
  private final String announcers;
  private volatile Process process;

  /**
   * @param bgp whether the lab has a router, so that the speaker announces over BGP too
   */
  LabSpeaker(LabCommands commands, Path dir, boolean bgp) {
    this.commands = commands;
    this.dir = dir;
    this.announcers = bgp ? "layer2,bgp" : "layer2";
  }

  /**
   * Starts {@code ferrolb speaker} in the node namespace with this JVM's java and classpath,
   * talking to the API at {@code apiUrl}.
   */
  void start(String apiUrl, String node, String namespace) throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, kubeconfig(apiUrl));
    List<String> cmd =
        commands.netnsExec(
            NODE_NS,
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", // the small-memory defaults of bin/ferrolb
                "-XX:TieredStopAtLevel=1",
                "-Xss512k",
                "-cp",
                System.getProperty("java.class.path"),
                "io.ferrolb.app.Main",
                "speaker",
                "--node-name",
                node,
                "--namespace",
                namespace,
                "--announcers",
                announcers,
                "--host-ip",
                NODE_IP,
                "--ml-bindport",
                "0", // one node: no gossip
                "--metrics-port",
                Integer.toString(METRICS_PORT)));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    for (String proxy : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
      pb.environment().remove(proxy); // the API is on a link of our own, never behind a proxy
    }
    process = commands.start("speaker", pb);
  }

  /** The process, once started. */
  Optional<Process> process() {
    return Optional.ofNullable(process);
  }

  /** The speaker's /readyz answers 200 (asked over the API link). */
  boolean ready() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      throw new IllegalStateException("the speaker exited; its log:\n" + logTail(20));
    }
    HttpClient http =
        HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(1))
            .build();
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + API_NODE_ADDRESS + ":" + METRICS_PORT + "/readyz"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits for the speaker's /readyz; prints where it runs. */
  void awaitReady(PrintStream out) throws InterruptedException {
    LabCommands.poll("the speaker's /readyz", () -> ready() ? "ready" : "", "ready"::equals);
    out.println(
        "speaker ready: ferrolb speaker (pid "
            + process.pid()
            + ") in "
            + NODE_NS
            + ", announcers "
            + announcers
            + ", GET http://"
            + API_NODE_ADDRESS
            + ":"
            + METRICS_PORT
            + "/readyz -> 200");
  }

  String logTail(int lines) {
    return LabCommands.tail(commands.log("speaker"), lines);
  }

  static String kubeconfig(String url) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: flbdemo, cluster: {server: '" + url + "'}}]",
        "contexts: [{name: flbdemo, context: {cluster: flbdemo, user: flbdemo}}]",
        "current-context: flbdemo",
        "users: [{name: flbdemo, user: {token: flbdemo}}]",
        "");
  }
}

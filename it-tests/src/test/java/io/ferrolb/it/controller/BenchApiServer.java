package io.ferrolb.it.controller;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.ferrolb.app.cli.IndexedCrudDispatcher;
import io.ferrolb.it.support.Crds;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * The API server of bench/controller, a process of its own: fabric8's CRUD mock server (real HTTP,
 * real watches) with the name index of {@link IndexedCrudDispatcher} and the repository's CRDs,
 * counting every request it serves by client, method and resource. The counts are served as text on
 * a second loopback port ({@code GET /counts}: one {@code agent method resource count} line each),
 * so the harness reads what the controllers asked of the API, not what they say they did.
 *
 * <p>Usage: {@code BenchApiServer <out.properties>}; writes {@code url} and {@code counts} (a port)
 * there once it serves, and runs until killed.
 */
public final class BenchApiServer {
  /** The User-Agent of the harness's own client; every other client is a controller. */
  static final String BENCH_AGENT = "ferrolb-bench";

  private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

  private BenchApiServer() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    KubernetesMockServer server =
        IndexedCrudDispatcher.serve(new IndexedCrudDispatcher(BenchApiServer::count));
    // the mock server keeps every request for takeRequest(): drop them as they come, so that its
    // heap (and collection work) does not grow with the run
    Thread drain =
        new Thread(
            () -> {
              try {
                while (true) {
                  server.takeRequest();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "bench-api-drain");
    drain.setDaemon(true);
    drain.start();
    try (KubernetesClient client = server.createClient()) {
      Crds.install(client);
    }
    HttpServer counts =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    counts.createContext(
        "/counts",
        exchange -> {
          byte[] body = render().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
          exchange.sendResponseHeaders(200, body.length);
          try (var os = exchange.getResponseBody()) {
            os.write(body);
          }
        });
    counts.start();
    String url =
        "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    Files.writeString(tmp, "url=" + url + "\ncounts=" + counts.getAddress().getPort() + "\n");
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
    new CountDownLatch(1).await(); // until the harness kills the process
  }

  private static void count(RecordedRequest r) {
    String agent = r.getHeader("User-Agent");
    String who = agent != null && agent.startsWith(BENCH_AGENT) ? "bench" : "controller";
    COUNTS
        .computeIfAbsent(who + " " + verb(r) + " " + resource(r.getPath()), k -> new LongAdder())
        .increment();
  }

  /** The HTTP method, with GET split into GET (one object), LIST and WATCH. */
  static String verb(RecordedRequest r) {
    String method = r.getMethod();
    if (!"GET".equals(method)) {
      return method;
    }
    String path = r.getPath();
    if (path.contains("watch=true") || path.contains("watch=1")) {
      return "WATCH";
    }
    return named(path) ? "GET" : "LIST";
  }

  /**
   * {@code services}, {@code services/status}, {@code leases}, ... for a path such as {@code
   * /api/v1/namespaces/ns/services/name/status}.
   */
  static String resource(String path) {
    String[] p = rest(path);
    if (p.length == 0) {
      return "-";
    }
    return p.length >= 3 ? p[0] + "/" + p[2] : p[0];
  }

  private static boolean named(String path) {
    return rest(path).length >= 2;
  }

  /** The path after the group/version and namespace: resource[/name[/subresource]]. */
  private static String[] rest(String path) {
    String p = path;
    int q = p.indexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    String[] s = p.replaceAll("^/+", "").split("/");
    int i;
    if (s.length > 0 && s[0].equals("api")) {
      i = 2; // api/v1
    } else if (s.length > 0 && s[0].equals("apis")) {
      i = 3; // apis/group/version
    } else {
      return new String[0];
    }
    if (s.length > i + 1 && s[i].equals("namespaces") && s.length > i + 2) {
      i += 2;
    }
    if (s.length <= i) {
      return new String[0];
    }
    String[] out = new String[s.length - i];
    System.arraycopy(s, i, out, 0, out.length);
    return out;
  }

  private static String render() {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(COUNTS).forEach((k, v) -> sb.append(k).append(' ').append(v.sum()).append('\n'));
    return sb.toString();
  }
}

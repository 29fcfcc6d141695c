package io.ferrolb.it.chaos;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * An HTTP proxy in front of the mock API server that injects the faults a real API server (or the
 * network in front of it) produces: 409 Conflict on updates and patches, 429 with Retry-After, 500
 * and 503, 410 Gone on watches (an HTTP status on the handshake, or an ERROR event in the stream as
 * the API server sends for an expired resource version), watch streams cut in the middle of an
 * event, responses delayed by up to {@link Options#maxDelay}, and connections dropped (before or
 * after the request reached the server). Built on Vert.x (the HTTP stack fabric8's mock server runs
 * on): requests and responses are forwarded by the library's HTTP codec, and watches, which the
 * mock serves over WebSocket only, are bridged message by message, never buffered. A client that
 * falls back to a plain HTTP watch gets the same events as a chunked stream, one JSON line per
 * event.
 *
 * <p>Faults are drawn from a {@link Random} with a fixed seed, per request and per watch event, and
 * on a schedule: every {@link Options#cutEvery} every open watch is cut at its next event, and
 * every {@link Options#brownoutEvery} the server answers 503 or 429 to everything but watches for
 * {@link Options#brownoutLength}. {@link #stopFaults()} ends all of it; the proxy then forwards
 * faithfully.
 *
 * <p>The mock server cannot resume a watch from a resource version (it replays every object as
 * ADDED, so a deletion in the gap is lost). A real API server either replays or answers 410, so the
 * proxy answers 410 to a watch whose resource version is older than a deletion of that resource
 * ({@link WatchHistory}); those answers are counted apart, as {@link #expiredWatches()}, not as
 * faults.
 *
 * <p>The mock also breaks the API server's ordering promise: events raised while a watch's
 * WebSocket is being opened are held back and sent after the ADDED replay, behind newer events of
 * the same objects (KubernetesCrudDispatcher#handleWatch, WatchEventsListener#onOpen in
 * kubernetes-server-mock 8.0.0). A client would keep the older state, with no event to correct it
 * until its next relist. The proxy drops, per watch, an event whose object is older than one it
 * already forwarded ({@link #reorderedEvents()}), which is what a real API server guarantees.
 */
public final class FaultyApiProxy implements AutoCloseable {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(FaultyApiProxy.class);

  /** A header naming the client, so a retry after a 429 is told from another client's request. */
  public static final String CLIENT_HEADER = "X-Chaos-Client";

  /** The faults, counted by kind. */
  public enum Fault {
    CONFLICT_409,
    TOO_MANY_REQUESTS_429,
    SERVER_ERROR_500,
    UNAVAILABLE_503,
    WATCH_GONE_410,
    WATCH_CUT_MID_EVENT,
    DELAY,
    DROP_BEFORE_SERVER,
    DROP_AFTER_SERVER
  }

  /** Whether a watch from a resource version can be served by the mock without losing events. */
  public interface WatchHistory {
    /**
     * @param resource the plural resource name ({@code services}, {@code servicel2statuses})
     * @param resourceVersion the version the client resumes from
     */
    boolean canResume(String resource, long resourceVersion);
  }

  /**
   * @param seed the Random's seed
   * @param requestFaultRate the chance a plain request gets a fault (then one kind is drawn)
   * @param watchFaultRate the chance a watch handshake gets a fault
   * @param cutPerEvent the chance a watch is cut at an event
   * @param maxDelay the longest injected delay
   * @param retryAfterSeconds the Retry-After of a 429
   * @param cutEvery every this long every open watch is cut at its next event
   * @param brownoutEvery every this long a brownout starts
   * @param brownoutLength how long a brownout lasts
   */
  public record Options(
      long seed,
      double requestFaultRate,
      double watchFaultRate,
      double cutPerEvent,
      Duration maxDelay,
      int retryAfterSeconds,
      Duration cutEvery,
      Duration brownoutEvery,
      Duration brownoutLength) {
    public static Options defaults(long seed) {
      return new Options(
          seed,
          0.08,
          0.15,
          0.01,
          Duration.ofSeconds(2),
          1,
          Duration.ofSeconds(15),
          Duration.ofSeconds(20),
          Duration.ofSeconds(2));
    }
  }

  /** Upstream connections and WebSockets at most: far more than the clients under test open. */
  static final int MAX_UPSTREAM = 1000;

  private final Options options;
  private final WatchHistory history;
  private final String upstreamHost;
  private final int upstreamPort;
  private final Vertx vertx;
  private final HttpClientAgent http;
  private final WebSocketClient websockets;
  private final HttpServer server;
  private final Random random;
  private final Map<Fault, LongAdder> faults = new EnumMap<>(Fault.class);
  private final LongAdder expired = new LongAdder();
  private final LongAdder requests = new LongAdder();
  private final LongAdder watchEvents = new LongAdder();
  private final LongAdder earlyRetries = new LongAdder();
  private final LongAdder reordered = new LongAdder();
  private final Set<LiveWatch> live = ConcurrentHashMap.newKeySet();
  // method + uri + body hash of a request answered 429 -> when its Retry-After ends (epoch ms)
  private final Map<String, Long> retryNotBefore = new ConcurrentHashMap<>();
  private final AtomicLong lastFault = new AtomicLong();
  private volatile boolean faulty = true;
  private volatile long brownoutUntil;

  private FaultyApiProxy(Options options, String upstreamHost, int upstreamPort, WatchHistory h) {
    this.options = options;
    this.history = h;
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.random = new Random(options.seed());
    for (Fault f : Fault.values()) {
      faults.put(f, new LongAdder());
    }
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2));
    // Vert.x's defaults are a client's, not a proxy's: at most 5 pooled connections per server
    // and 50 WebSockets, the next ones wait for one to close. 4 clients hold about 55 watches, so
    // a watch opened late could wait for ever once the faults (and the cuts) stopped: its client
    // never got the events of that kind again ("the bug that was", docs/reliability.md)
    this.http =
        vertx.createHttpClient(
            new io.vertx.core.http.HttpClientOptions(),
            new io.vertx.core.http.PoolOptions().setHttp1MaxSize(MAX_UPSTREAM));
    this.websockets =
        vertx.createWebSocketClient(
            new io.vertx.core.http.WebSocketClientOptions()
                .setMaxConnections(MAX_UPSTREAM)
                .setMaxMessageSize(64 << 20)
                .setMaxFrameSize(64 << 20));
    this.server = vertx.createHttpServer();
  }

  /** Starts a proxy on a free loopback port in front of {@code upstreamHost:upstreamPort}. */
  public static FaultyApiProxy start(
      Options options, String upstreamHost, int upstreamPort, WatchHistory history)
      throws Exception {
    FaultyApiProxy p = new FaultyApiProxy(options, upstreamHost, upstreamPort, history);
    p.server.requestHandler(p::handle);
    p.server
        .listen(0, InetAddress.getLoopbackAddress().getHostAddress())
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    p.vertx.setPeriodic(options.cutEvery().toMillis(), id -> p.scheduleCuts());
    p.vertx.setPeriodic(options.brownoutEvery().toMillis(), id -> p.brownout());
    return p;
  }

  /** {@code http://127.0.0.1:<port>}, the master URL of the clients under test. */
  public String url() {
    return "http://"
        + InetAddress.getLoopbackAddress().getHostAddress()
        + ":"
        + server.actualPort();
  }

  /** From now on every request is forwarded faithfully; returns when the last fault was. */
  public long stopFaults() {
    faulty = false;
    brownoutUntil = 0;
    return lastFault.get();
  }

  /** Epoch millis of the last fault injected (0 if none). */
  public long lastFaultMillis() {
    return lastFault.get();
  }

  /** Faults injected so far, by kind. */
  public Map<Fault, Long> faults() {
    Map<Fault, Long> out = new EnumMap<>(Fault.class);
    faults.forEach((k, v) -> out.put(k, v.sum()));
    return Collections.unmodifiableMap(out);
  }

  /** Watches answered 410 because the mock could not have resumed them (not a fault). */
  public long expiredWatches() {
    return expired.sum();
  }

  /** Requests seen (plain requests and watch handshakes). */
  public long requests() {
    return requests.sum();
  }

  /** Watch events forwarded. */
  public long watchEvents() {
    return watchEvents.sum();
  }

  /**
   * Watch events the mock sent behind a newer event of the same object, dropped (not a fault: the
   * mock's, see the class comment).
   */
  public long reorderedEvents() {
    return reordered.sum();
  }

  /** The watches open now, one line each: client, path, age, events forwarded, the last one. */
  public java.util.List<String> liveWatches() {
    return live.stream().map(LiveWatch::toString).sorted().toList();
  }

  /** Requests repeated after a 429 before its Retry-After had passed. */
  public long earlyRetries() {
    return earlyRetries.sum();
  }

  @Override
  public void close() {
    faulty = false;
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("event=proxyCloseFailed", e);
    }
  }

  // ------------------------------------------------------------------------------ decisions

  private synchronized double draw() {
    return random.nextDouble();
  }

  private synchronized int drawInt(int bound) {
    return random.nextInt(bound);
  }

  private void count(Fault f) {
    faults.get(f).increment();
    lastFault.set(System.currentTimeMillis());
  }

  private void scheduleCuts() {
    if (faulty) {
      live.forEach(w -> w.cutAtNextEvent = true);
    }
  }

  private void brownout() {
    if (faulty) {
      brownoutUntil = System.currentTimeMillis() + options.brownoutLength().toMillis();
    }
  }

  private static boolean isWatch(HttpServerRequest req) {
    return "true".equals(req.getParam("watch"));
  }

  /** The plural resource of a path: /api/v1/[namespaces/x/]services[/name], or /apis/g/v/... */
  static String resource(String path) {
    String[] p = path.split("\\?", 2)[0].split("/");
    int i = p.length > 1 && p[1].equals("api") ? 3 : 4;
    if (p.length > i + 2 && p[i].equals("namespaces")) {
      i += 2;
    }
    return p.length > i ? p[i] : "";
  }

  // ------------------------------------------------------------------------------- handling

  private void handle(HttpServerRequest req) {
    requests.increment();
    req.pause();
    long delay = 0;
    if (faulty && draw() < options.requestFaultRate() / 2) {
      delay = 1 + (long) (draw() * options.maxDelay().toMillis());
      count(Fault.DELAY);
    }
    if (delay > 0) {
      vertx.setTimer(delay, id -> dispatch(req));
    } else {
      dispatch(req);
    }
  }

  private void dispatch(HttpServerRequest req) {
    if (isWatch(req)) {
      watch(req);
    } else {
      req.resume();
      req.body().onSuccess(body -> plain(req, body)).onFailure(e -> req.connection().close());
    }
  }

  private void plain(HttpServerRequest req, Buffer body) {
    String key =
        req.getHeader(CLIENT_HEADER)
            + " "
            + req.method()
            + " "
            + req.uri()
            + " "
            + body.toString().hashCode();
    Long notBefore = retryNotBefore.remove(key);
    if (notBefore != null && System.currentTimeMillis() < notBefore) {
      earlyRetries.increment();
      LOG.warn(
          "event=earlyRetry earlyByMs={} request=\"{} {}\"",
          notBefore - System.currentTimeMillis(),
          req.method(),
          req.uri());
    }
    if (faulty) {
      boolean write = req.method() == HttpMethod.PUT || req.method() == HttpMethod.PATCH;
      if (System.currentTimeMillis() < brownoutUntil) {
        if (draw() < 0.5) {
          tooManyRequests(req, key);
        } else {
          status(req, 503, "ServiceUnavailable", "brownout");
          count(Fault.UNAVAILABLE_503);
        }
        return;
      }
      if (draw() < options.requestFaultRate()) {
        switch (drawInt(write ? 6 : 5)) {
          case 0 -> tooManyRequests(req, key);
          case 1 -> {
            status(req, 500, "InternalError", "injected");
            count(Fault.SERVER_ERROR_500);
          }
          case 2 -> {
            status(req, 503, "ServiceUnavailable", "injected");
            count(Fault.UNAVAILABLE_503);
          }
          case 3 -> {
            count(Fault.DROP_BEFORE_SERVER);
            req.connection().close();
          }
          case 4 -> {
            count(Fault.DROP_AFTER_SERVER);
            forward(req, body, resp -> req.connection().close());
          }
          default -> {
            status(req, 409, "Conflict", "the object has been modified (injected)");
            count(Fault.CONFLICT_409);
          }
        }
        return;
      }
    }
    forward(req, body, null);
  }

  private void tooManyRequests(HttpServerRequest req, String key) {
    count(Fault.TOO_MANY_REQUESTS_429);
    retryNotBefore.put(key, System.currentTimeMillis() + options.retryAfterSeconds() * 1000L);
    req.response().putHeader("Retry-After", Integer.toString(options.retryAfterSeconds()));
    status(req, 429, "TooManyRequests", "injected");
  }

  private static void status(HttpServerRequest req, int code, String reason, String message) {
    req.response()
        .setStatusCode(code)
        .putHeader("Content-Type", "application/json")
        .end(statusJson(code, reason, message));
  }

  private static String statusJson(int code, String reason, String message) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
        + "\"message\":\""
        + message
        + "\",\"reason\":\""
        + reason
        + "\",\"code\":"
        + code
        + "}";
  }

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "sec-websocket-key",
          "sec-websocket-version",
          "sec-websocket-extensions",
          "sec-websocket-accept");

  private static void copyHeaders(MultiMap from, MultiMap to) {
    from.forEach(
        e -> {
          if (!HOP_BY_HOP.contains(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
            to.add(e.getKey(), e.getValue());
          }
        });
  }

  /**
   * Sends the request upstream and streams the answer back; {@code instead}, when given, gets the
   * upstream response in place of the client (a connection dropped after the server acted).
   */
  private void forward(HttpServerRequest req, Buffer body, Consumer<HttpClientResponse> instead) {
    RequestOptions o =
        new RequestOptions()
            .setMethod(req.method())
            .setHost(upstreamHost)
            .setPort(upstreamPort)
            .setURI(req.uri());
    copyHeaders(req.headers(), o.getHeaders() == null ? setHeaders(o) : o.getHeaders());
    http.request(o)
        .compose(c -> c.send(body))
        .onSuccess(
            up -> {
              if (instead != null) {
                instead.accept(up);
                return;
              }
              HttpServerResponse down = req.response();
              down.setStatusCode(up.statusCode());
              copyHeaders(up.headers(), down.headers());
              String length = up.getHeader("content-length");
              if (length != null) {
                down.putHeader("content-length", length);
              } else {
                down.setChunked(true);
              }
              up.pipeTo(down);
            })
        .onFailure(
            e -> {
              if (!req.response().headWritten()) {
                status(req, 502, "BadGateway", "upstream: " + e.getMessage());
              }
            });
  }

  private static MultiMap setHeaders(RequestOptions o) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    o.setHeaders(m);
    return m;
  }

  // ---------------------------------------------------------------------------------- watches

  /** One open watch: the client side (a WebSocket, or a chunked response) and its state. */
  private static final class LiveWatch {
    final HttpConnection connection;
    final ServerWebSocket socket; // null for an HTTP watch
    final HttpServerResponse chunks; // null for a WebSocket watch
    volatile boolean cutAtNextEvent;
    // namespace/name -> the newest version forwarded on this watch (only the event loop touches it)
    final Map<String, Seen> seen = new java.util.HashMap<>();

    final String client;
    final String uri;
    final long openedAt = System.currentTimeMillis();
    final AtomicLong events = new AtomicLong();
    volatile long lastEventAt;

    LiveWatch(
        HttpConnection connection,
        ServerWebSocket socket,
        HttpServerResponse chunks,
        String client,
        String uri) {
      this.connection = connection;
      this.socket = socket;
      this.chunks = chunks;
      this.client = client;
      this.uri = uri;
    }

    @Override
    public String toString() {
      long now = System.currentTimeMillis();
      return client
          + " "
          + uri.split("\\?", 2)[0]
          + (socket != null ? " (WebSocket)" : " (HTTP)")
          + " open "
          + (now - openedAt) / 1000
          + " s, "
          + events.get()
          + " events, the last "
          + (lastEventAt == 0 ? "never" : (now - lastEventAt) / 1000 + " s ago");
    }
  }

  /** The version of an object last forwarded on a watch, and whether that event deleted it. */
  record Seen(long version, boolean deleted) {}

  /**
   * Whether {@code message} is older than what {@code down} already got for its object: a lower
   * version, or the version of a deletion already forwarded (the mock sends a deleted object with
   * its last version). Records the event otherwise. Events without a numeric version pass.
   */
  static boolean stale(Map<String, Seen> seen, String message) {
    io.vertx.core.json.JsonObject event;
    try {
      event = new io.vertx.core.json.JsonObject(message);
    } catch (RuntimeException e) {
      return false;
    }
    String type = event.getString("type", "");
    io.vertx.core.json.JsonObject object = event.getJsonObject("object");
    io.vertx.core.json.JsonObject meta = object == null ? null : object.getJsonObject("metadata");
    if (meta == null || !Set.of("ADDED", "MODIFIED", "DELETED").contains(type)) {
      return false;
    }
    long version;
    try {
      version = Long.parseLong(meta.getString("resourceVersion", ""));
    } catch (NumberFormatException e) {
      return false;
    }
    String key = meta.getString("namespace", "") + "/" + meta.getString("name", "");
    Seen before = seen.get(key);
    if (before != null
        && (version < before.version() || (before.deleted() && version <= before.version()))) {
      return true;
    }
    seen.put(key, new Seen(version, type.equals("DELETED")));
    return false;
  }

  private void watch(HttpServerRequest req) {
    boolean websocket = req.canUpgradeToWebSocket();
    String rv = req.getParam("resourceVersion");
    if (rv != null && !rv.isEmpty() && !rv.equals("0")) {
      long version;
      try {
        version = Long.parseLong(rv);
      } catch (NumberFormatException e) {
        version = Long.MAX_VALUE;
      }
      if (!history.canResume(resource(req.path()), version)) {
        expired.increment();
        gone(req, websocket);
        return;
      }
    }
    if (faulty && draw() < options.watchFaultRate()) {
      switch (drawInt(5)) {
        case 0 -> {
          count(Fault.WATCH_GONE_410);
          gone(req, websocket);
        }
        case 1 -> {
          tooManyRequests(req, req.method() + " " + req.uri() + " 0");
        }
        case 2 -> {
          status(req, 500, "InternalError", "injected");
          count(Fault.SERVER_ERROR_500);
        }
        case 3 -> {
          status(req, 503, "ServiceUnavailable", "injected");
          count(Fault.UNAVAILABLE_503);
        }
        default -> {
          count(Fault.DROP_BEFORE_SERVER);
          req.connection().close();
        }
      }
      return;
    }
    WebSocketConnectOptions o =
        new WebSocketConnectOptions().setHost(upstreamHost).setPort(upstreamPort).setURI(req.uri());
    copyHeaders(req.headers(), o.getHeaders() == null ? setHeaders(o) : o.getHeaders());
    o.getHeaders().remove("sec-websocket-protocol");
    String protocol = req.getHeader("sec-websocket-protocol");
    if (protocol != null) {
      for (String p : protocol.split(",")) {
        o.addSubProtocol(p.strip());
      }
    }
    HttpConnection connection = req.connection();
    websockets
        .connect(o)
        .onSuccess(
            up -> {
              up.pause(); // the mock sends every object as ADDED at once: hold it until bridged
              if (websocket) {
                req.toWebSocket()
                    .onSuccess(
                        down ->
                            bridge(
                                up,
                                new LiveWatch(
                                    connection,
                                    down,
                                    null,
                                    req.getHeader(CLIENT_HEADER),
                                    req.uri())))
                    .onFailure(e -> up.close());
              } else {
                HttpServerResponse down = req.response();
                down.setStatusCode(200)
                    .setChunked(true)
                    .putHeader("Content-Type", "application/json");
                bridge(
                    up,
                    new LiveWatch(connection, null, down, req.getHeader(CLIENT_HEADER), req.uri()));
              }
            })
        .onFailure(
            e -> {
              int code = e instanceof UpgradeRejectedException r ? r.getStatus() : 502;
              if (!req.response().headWritten()) {
                status(req, code, "Upstream", String.valueOf(e.getMessage()));
              }
            });
  }

  /** A 410 Gone: the handshake's status, or (half the time) an ERROR event, as the API sends. */
  private void gone(HttpServerRequest req, boolean websocket) {
    String event =
        "{\"type\":\"ERROR\",\"object\":"
            + statusJson(410, "Expired", "too old resource version")
            + "}";
    if (websocket && draw() < 0.5) {
      req.toWebSocket().onSuccess(ws -> ws.writeTextMessage(event).onComplete(x -> ws.close()));
    } else if (!websocket && draw() < 0.5) {
      req.response().setStatusCode(200).putHeader("Content-Type", "application/json");
      req.response().end(event + "\n");
    } else {
      status(req, 410, "Expired", "too old resource version");
    }
  }

  private void bridge(WebSocket up, LiveWatch down) {
    live.add(down);
    Runnable closeDown =
        () -> {
          live.remove(down);
          if (down.socket != null) {
            down.socket.close();
          } else {
            down.chunks.end();
          }
        };
    up.closeHandler(v -> closeDown.run());
    up.exceptionHandler(e -> closeDown.run());
    Runnable closeUp =
        () -> {
          live.remove(down);
          up.close();
        };
    if (down.socket != null) {
      down.socket.closeHandler(v -> closeUp.run());
      down.socket.exceptionHandler(e -> closeUp.run());
    } else {
      down.chunks.closeHandler(v -> closeUp.run());
      down.chunks.exceptionHandler(e -> closeUp.run());
    }
    up.textMessageHandler(message -> event(up, down, message));
    up.binaryMessageHandler(b -> event(up, down, b.toString()));
    up.resume();
  }

  private void event(WebSocket up, LiveWatch down, String message) {
    if (stale(down.seen, message)) {
      reordered.increment();
      return;
    }
    if (faulty && (down.cutAtNextEvent || draw() < options.cutPerEvent())) {
      // half an event, then the connection goes: no close frame, no last chunk
      count(Fault.WATCH_CUT_MID_EVENT);
      live.remove(down);
      String half = message.substring(0, message.length() / 2);
      Future<Void> written =
          down.socket != null
              ? down.socket.writeFrame(WebSocketFrame.textFrame(half, false))
              : down.chunks.write(half);
      written.onComplete(
          x -> {
            down.connection.close();
            up.close();
          });
      return;
    }
    watchEvents.increment();
    down.events.incrementAndGet();
    down.lastEventAt = System.currentTimeMillis();
    if (down.socket != null) {
      down.socket.writeTextMessage(message);
    } else {
      down.chunks.write(message + "\n");
    }
  }
}

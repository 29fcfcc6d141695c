package io.ferrolb.app.cli;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.CrudDispatcher;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * fabric8's CRUD dispatcher with an index by (name, namespace) behind its single-object lookup. The
 * stock one compares every lookup with every stored object (linear in the store), so at 10,000
 * Services a benchmark would measure the mock server's scans instead of the controller. The store
 * itself, and every other behaviour, is the stock one; a lookup without a name falls back to the
 * stock scan. A PUT of a status subresource at a stale resourceVersion is refused with a 409, as a
 * real API server does (the stock one applies it, so a writer that read an object before another
 * writer changed it silently undid that change). A closed watch is finished off the server's event
 * loop ({@link OffLoopClose}). An optional observer sees every request before it is served
 * (bench/controller counts them). Serves {@code ferrolb demo} and {@code ferrolb api-server}
 * (through {@link EmbeddedApi}, which alone loads it) and every test API server.
 */
public class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
  private final Map<List<Attribute>, List<AttributeSet>> byName = new ConcurrentHashMap<>();
  private final Consumer<RecordedRequest> observer;
  // lists being paged, by continue token (a client that stops paging leaves one; few do)
  private final Map<String, Map<String, Object>> snapshots =
      Collections.synchronizedMap(
          new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
              return size() > 64;
            }
          });
  private final AtomicLong snapshotIds = new AtomicLong();
  private final ExecutorService closer =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "mock-watch-close");
            t.setDaemon(true);
            return t;
          });

  /** A mock API server on loopback, on a free port, serving through {@code dispatcher}. */
  public static KubernetesMockServer serve(IndexedCrudDispatcher dispatcher) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return server;
  }

  public IndexedCrudDispatcher() {
    this(r -> {});
  }

  public IndexedCrudDispatcher(Consumer<RecordedRequest> observer) {
    this.observer = observer;
    try {
      Field f = CrudDispatcher.class.getDeclaredField("map");
      f.setAccessible(true);
      f.set(this, Collections.synchronizedMap(new IndexingMap()));
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("fabric8 CrudDispatcher.map: not found", e);
    }
  }

  private static List<Attribute> identity(AttributeSet s) {
    return Arrays.asList(s.getAttribute("name"), s.getAttribute("namespace"));
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    observer.accept(request);
    return super.dispatch(request);
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    String path = request.getPath();
    int q = path.indexOf('?');
    if ((q < 0 ? path : path.substring(0, q)).endsWith("/status")) {
      String sent =
          resourceVersion(new String(request.getBody().getBytes(), StandardCharsets.UTF_8));
      Map.Entry<AttributeSet, String> current = findResource(getKey(path));
      if (!sent.isEmpty() && current != null && !sent.equals(resourceVersion(current.getValue()))) {
        return new MockResponse()
            .setResponseCode(409)
            .setBody(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                    + "\"reason\":\"Conflict\",\"code\":409,\"message\":\"the object has been"
                    + " modified; please apply your changes to the latest version and try again\"}");
      }
    }
    return super.handleUpdate(request);
  }

  private static String resourceVersion(String json) {
    var meta = Serialization.unmarshal(json, GenericKubernetesResource.class).getMetadata();
    return meta == null || meta.getResourceVersion() == null ? "" : meta.getResourceVersion();
  }

  @Override
  public MockResponse handleWatch(String path) {
    MockResponse r = super.handleWatch(path);
    WebSocketListener watch = r.getWebSocketListener();
    return watch == null ? r : r.withWebSocketUpgrade(new OffLoopClose(watch, closer));
  }

  @Override
  public Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
    if (query.getAttribute("name") == null) {
      return super.findResource(query);
    }
    for (AttributeSet candidate : byName.getOrDefault(identity(query), List.of())) {
      if (candidate.matches(query)) {
        String value = map.get(candidate);
        if (value != null) {
          return Map.entry(candidate, value);
        }
      }
    }
    return null;
  }

  /**
   * A GET of one object by name is answered from the index too (fabric8's leader election reads its
   * Lease every retry period); lists, watches, selectors and subresources take the stock path.
   */
  @Override
  public MockResponse handleGet(String path) {
    Map<String, String> params = query(path);
    if (params.containsKey("limit")) {
      return page(path, params);
    }
    if (path.contains("?") || path.endsWith("/status")) {
      return super.handleGet(path);
    }
    AttributeSet query = getKey(path);
    if (query.getAttribute("name") == null) {
      return super.handleGet(path);
    }
    Map.Entry<AttributeSet, String> hit = findResource(query);
    if (hit == null) {
      return super.handleGet(path);
    }
    return new MockResponse().setResponseCode(200).setBody(hit.getValue());
  }

  /**
   * A LIST with {@code limit}: one page of the stock list, and a {@code continue} token while more
   * remain, as a real API server pages (the stock dispatcher ignores both, so a client's paging
   * would go untested and every list would arrive whole). The first page takes a snapshot of the
   * list; the next pages come from that snapshot (consistent, as a real server's pages are, and
   * without serializing the whole list again for each page).
   */
  private MockResponse page(String path, Map<String, String> params) {
    int limit = Integer.parseInt(params.get("limit"));
    String token = params.get("continue");
    List<Object> items;
    Map<String, Object> list;
    int offset;
    if (token == null || token.isEmpty()) {
      StringBuilder rest = new StringBuilder(path.substring(0, path.indexOf('?')));
      char sep = '?';
      for (Map.Entry<String, String> e : params.entrySet()) {
        if (!e.getKey().equals("limit") && !e.getKey().equals("continue")) {
          rest.append(sep).append(e.getKey()).append('=').append(e.getValue());
          sep = '&';
        }
      }
      MockResponse whole = super.handleGet(rest.toString());
      if (whole.code() != 200 || limit <= 0) {
        return whole;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> parsed = Serialization.unmarshal(whole.getBody().readUtf8(), Map.class);
      @SuppressWarnings("unchecked")
      List<Object> all = (List<Object>) parsed.get("items");
      if (all == null) {
        return new MockResponse().setResponseCode(200).setBody(Serialization.asJson(parsed));
      }
      list = parsed;
      items = all;
      offset = 0;
      token = Long.toString(snapshotIds.incrementAndGet());
      snapshots.put(token, list);
    } else {
      int colon = token.indexOf('-');
      offset = Integer.parseInt(token.substring(colon + 1));
      token = token.substring(0, colon);
      list = snapshots.get(token);
      if (list == null) {
        return new MockResponse()
            .setResponseCode(410)
            .setBody("{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\"}");
      }
      @SuppressWarnings("unchecked")
      List<Object> all = (List<Object>) list.get("items");
      items = all;
    }
    int end = Math.min(items.size(), offset + limit);
    Map<String, Object> out = new LinkedHashMap<>(list);
    out.put("items", items.subList(Math.min(offset, end), end));
    @SuppressWarnings("unchecked")
    Map<String, Object> meta = (Map<String, Object>) list.get("metadata");
    Map<String, Object> outMeta = new LinkedHashMap<>(meta == null ? Map.of() : meta);
    if (end < items.size()) {
      outMeta.put("continue", token + "-" + end);
    } else {
      snapshots.remove(token);
    }
    out.put("metadata", outMeta);
    return new MockResponse().setResponseCode(200).setBody(Serialization.asJson(out));
  }

  private static Map<String, String> query(String path) {
    int q = path.indexOf('?');
    Map<String, String> out = new LinkedHashMap<>();
    if (q < 0) {
      return out;
    }
    for (String kv : path.substring(q + 1).split("&")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        out.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return out;
  }

  /** The stock store (insertion-ordered) that keeps the name index in step. */
  private final class IndexingMap extends LinkedHashMap<AttributeSet, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String put(AttributeSet key, String value) {
      String old = super.put(key, value);
      if (old == null) {
        byName.computeIfAbsent(identity(key), k -> new CopyOnWriteArrayList<>()).add(key);
      }
      return old;
    }

    @Override
    public String remove(Object key) {
      String old = super.remove(key);
      if (old != null && key instanceof AttributeSet s) {
        List<AttributeSet> l = byName.get(identity(s));
        if (l != null) {
          l.remove(s);
        }
      }
      return old;
    }

    @Override
    public void clear() {
      super.clear();
      byName.clear();
    }
  }

  /**
   * The stock watch listener, except that it is told of a closed or broken connection on a thread
   * of its own. The stock one then waits (up to a minute) for its pending sends, and each send
   * waits (up to 30 s) for a write that only the event loop it blocks can complete: one client
   * going away with events in flight (a controller stopped or killed) froze the whole server for
   * seconds, every other client's requests included.
   */
  private static final class OffLoopClose extends WebSocketListener {
    private final WebSocketListener watch;
    private final ExecutorService closer;

    OffLoopClose(WebSocketListener watch, ExecutorService closer) {
      this.watch = watch;
      this.closer = closer;
    }

    @Override
    public void onBeforeAccept(WebSocket ws, Response response) {
      watch.onBeforeAccept(ws, response);
    }

    @Override
    public void onOpen(WebSocket ws, Response response) {
      watch.onOpen(ws, response);
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      watch.onMessage(ws, text);
    }

    @Override
    public void onMessage(WebSocket ws, ByteString bytes) {
      watch.onMessage(ws, bytes);
    }

    @Override
    public void onMessage(WebSocket ws, byte[] bytes) {
      watch.onMessage(ws, bytes);
    }

    @Override
    public void onPing(WebSocket ws, byte[] bytes) {
      watch.onPing(ws, bytes);
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      watch.onClosing(ws, code, reason);
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
      closer.execute(() -> watch.onClosed(ws, code, reason));
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, Response response) {
      closer.execute(() -> watch.onFailure(ws, t, response));
    }
  }
}

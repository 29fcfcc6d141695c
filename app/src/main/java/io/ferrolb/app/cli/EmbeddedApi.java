package io.ferrolb.app.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Optional;

/**
 * The in-memory Kubernetes API of {@code ferrolb demo} and {@code ferrolb api-server}: fabric8's
 * CRUD mock server, serving through {@link IndexedCrudDispatcher} (paged lists, indexed lookups,
 * stale status writes refused), as the tests' API servers do. With that dispatcher the only class
 * that names it, so that a JVM loads its classes only when an embedded API is asked for: the
 * container image leaves its jars out (scripts/image-lib-excludes.txt), and the commands that need
 * it say so instead of failing with a NoClassDefFoundError.
 */
final class EmbeddedApi implements AutoCloseable {
  private static final String SERVER_CLASS =
      "io.fabric8.kubernetes.client.server.mock.KubernetesMockServer";

  /** The mock web server logs every request through java.util.logging; ferrolb shows none. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private final KubernetesMockServer server;

  private EmbeddedApi(KubernetesMockServer server) {
    this.server = server;
  }

  /**
   * Whether the embedded API can start here. A class of its own: verifying {@link EmbeddedApi}
   * itself loads the mock server's classes, so the question must not touch it.
   */
  static final class Presence {
    private Presence() {}

    /** Why {@code command} cannot start an embedded API here, if it cannot. */
    static Optional<String> missing(String command) {
      try {
        Class.forName(SERVER_CLASS, false, Presence.class.getClassLoader());
        return Optional.empty();
      } catch (ClassNotFoundException | LinkageError e) {
        return Optional.of(
            command
                + ": the embedded Kubernetes API is not in this installation (the container image"
                + " leaves its jars out); run it from a source checkout (bin/ferrolb "
                + command
                + "), or give --kubeconfig where the command takes one");
      }
    }
  }

  /** A server that is not listening yet: {@link #init} starts it. */
  static EmbeddedApi create() {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    return new EmbeddedApi(
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new IndexedCrudDispatcher(),
            false));
  }

  /** Listens on {@code address} (a literal, so no name lookup) and {@code port} (0: any). */
  void init(InetAddress address, int port) {
    server.init(address, port);
  }

  int port() {
    return server.getPort();
  }

  KubernetesClient createClient() {
    return server.createClient();
  }

  /**
   * Stops the server. The mock server can take longer than its own 10 s limit to close the watches
   * the components had open (its event loop waits on each one) and then throws, after the work was
   * done and checked: that is no failure, and the process exits anyway.
   */
  @Override
  public void close() {
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      System.err.println("the embedded API was slow to close its watches (" + e.getMessage() + ")");
    }
  }
}

package io.ferrolb.it.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The repository's metallb.io CRDs, created in a (mock) API so it honours their subresources. */
public final class Crds {
  /** deploy/crds of the repository (failsafe runs in the it-tests directory). */
  public static final Path DIR = Path.of("..", "deploy", "crds");

  private Crds() {}

  /** Creates every {@code deploy/crds/metallb.io_*.yaml}. */
  public static void install(KubernetesClient client) throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().startsWith("metallb.io_")).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          client.apiextensions().v1().customResourceDefinitions().load(in).create();
        }
      }
    }
  }
}

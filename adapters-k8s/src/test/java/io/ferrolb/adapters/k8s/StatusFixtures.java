package io.ferrolb.adapters.k8s;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The status CRDs, a component's Pod and the log lines of a class, for the status writer tests. */
final class StatusFixtures {
  static final String NS = "ferrolb-system";

  private StatusFixtures() {}

  /** The repository's status CRDs (deploy/crds), so the mock API honours their subresource. */
  static void installStatusCrds(KubernetesClient client) {
    for (String plural :
        List.of("servicel2statuses", "servicebgpstatuses", "configurationstates")) {
      Path f = Path.of("..", "deploy", "crds", "metallb.io_" + plural + ".yaml");
      try (InputStream in = Files.newInputStream(f)) {
        client.apiextensions().v1().customResourceDefinitions().load(in).create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Creates Pod {@code name} in {@link #NS}; the API gives it its uid. */
  static Pod pod(KubernetesClient client, String name) {
    return client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .withUid(name + "-uid")
                .endMetadata()
                .build())
        .create();
  }

  /** The reference MetalLB's speaker writes for {@code pod}: v1 Pod, name and uid, nothing else. */
  static OwnerReference ownerOf(Pod pod) {
    OwnerReference r = new OwnerReference();
    r.setApiVersion("v1");
    r.setKind("Pod");
    r.setName(pod.getMetadata().getName());
    r.setUid(pod.getMetadata().getUid());
    return r;
  }

  /** Collects what {@code type} logs until {@link Logs#close()}. */
  static Logs logs(Class<?> type) {
    return new Logs((Logger) LoggerFactory.getLogger(type));
  }

  static final class Logs implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    Logs(Logger logger) {
      this.logger = logger;
      appender.start();
      logger.addAppender(appender);
    }

    List<String> warnings() {
      return appender.list.stream()
          .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
    }
  }
}

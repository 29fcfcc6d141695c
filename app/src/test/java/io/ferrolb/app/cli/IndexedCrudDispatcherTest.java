package io.ferrolb.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mock API server pages a LIST with a limit, as a real one does. */
class IndexedCrudDispatcherTest {

  @Test
  void aListWithALimitArrivesInPagesThatTogetherHoldEveryObjectOnce() {
    KubernetesMockServer server = IndexedCrudDispatcher.serve(new IndexedCrudDispatcher());
    try (KubernetesClient client = server.createClient()) {
      for (int i = 0; i < 7; i++) {
        client
            .services()
            .inNamespace("default")
            .resource(
                new ServiceBuilder().withNewMetadata().withName("s" + i).endMetadata().build())
            .create();
      }
      List<String> names = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      String next = null;
      do {
        ServiceList page =
            client
                .services()
                .inAnyNamespace()
                .list(new ListOptionsBuilder().withLimit(3L).withContinue(next).build());
        page.getItems().forEach(s -> names.add(s.getMetadata().getName()));
        sizes.add(page.getItems().size());
        next = page.getMetadata().getContinue();
      } while (next != null && !next.isEmpty());

      assertThat(sizes).containsExactly(3, 3, 1);
      assertThat(names).containsExactlyInAnyOrder("s0", "s1", "s2", "s3", "s4", "s5", "s6");
      // and without a limit, one whole list
      assertThat(client.services().inAnyNamespace().list().getItems()).hasSize(7);
    } finally {
      server.destroy();
    }
  }
}

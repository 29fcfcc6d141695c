package io.ferrolb.app.controller;

import static io.ferrolb.app.controller.ControllerLoopTest.lb;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.InMemoryServiceStatusWriter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusPipelineTest {
  private static final List<IpAddress> IP = List.of(IpAddress.parse("198.51.100.7"));

  private final InMemoryServiceStatusWriter status = new InMemoryServiceStatusWriter();
  private final ArrayDeque<Runnable> queued = new ArrayDeque<>(); // the pool's threads, held back
  private final List<String> failed = new ArrayList<>();
  private final StatusPipeline pipeline =
      new StatusPipeline(status, queued::add, (key, why) -> failed.add(key), () -> {});

  private void runQueued() {
    while (!queued.isEmpty()) {
      queued.poll().run();
    }
  }

  @Test
  void aWriteQueuedWhenTheTermEndsIsNeverSent() {
    pipeline.submit(lb("web", 1, List.of()), IP, Optional.of("blue"));

    pipeline.endTerm(); // the Lease was lost while the write waited for a thread
    runQueued();

    assertThat(status.writes()).isZero();
    assertThat(status.ingress("default/web")).isEmpty();
    assertThat(failed).as("nothing handed back to a loop that no longer leads").isEmpty();
  }

  @Test
  void theNextTermSendsWhatTheLastOneHadAlreadySent() {
    pipeline.submit(lb("web", 1, List.of()), IP, Optional.of("blue"));
    runQueued();
    assertThat(status.writes()).isEqualTo(1);

    pipeline.endTerm();
    // the cache still shows no address: a new term must not take that for "already on its way"
    pipeline.submit(lb("web", 1, List.of()), IP, Optional.of("blue"));
    runQueued();

    assertThat(status.writes()).isEqualTo(2);
    assertThat(status.ingress("default/web")).isEqualTo(IP);
  }

  @Test
  void aQueuedWriteOfAServiceThatWasForgottenIsNeverSent() {
    pipeline.submit(lb("web", 1, List.of()), IP, Optional.of("blue"));

    pipeline.forget("default/web"); // its address freed while the write waited
    runQueued();

    assertThat(status.writes()).isZero();
  }

  @Test
  void onlyTheLatestOfTwoQueuedStatesIsWritten() {
    List<IpAddress> other = List.of(IpAddress.parse("198.51.100.9"));
    pipeline.submit(lb("web", 1, List.of()), IP, Optional.of("blue"));
    pipeline.submit(lb("web", 1, List.of()), other, Optional.of("blue"));
    runQueued();

    assertThat(status.writes()).isEqualTo(1);
    assertThat(status.ingress("default/web")).isEqualTo(other);
  }

  @Test
  void withinATermADesiredStateOnItsWayIsNotSentTwice() {
    pipeline.submit(lb("web", 1, List.of()), IP, Optional.of("blue"));
    pipeline.submit(lb("web", 1, List.of()), IP, Optional.of("blue"));
    runQueued();

    assertThat(status.writes()).isEqualTo(1);
  }
}

package io.ferrolb.ports.out;

import java.util.ArrayList;
import java.util.List;

/** A {@link ClusterEvents} that keeps every event in memory; shipped in the test-jar. */
public final class RecordingClusterEvents implements ClusterEvents {

  /** One emitted event. */
  public record Emitted(ObjectRef target, Type type, String reason, String message) {}

  private final List<Emitted> emitted = new ArrayList<>();

  @Override
  public synchronized void emit(ObjectRef target, Type type, String reason, String message) {
    emitted.add(new Emitted(target, type, reason, message));
  }

  public synchronized List<Emitted> emitted() {
    return List.copyOf(emitted);
  }

  /** The reasons of the events on {@code name} (any kind), in order. */
  public synchronized List<String> reasonsFor(String name) {
    List<String> out = new ArrayList<>();
    for (Emitted e : emitted) {
      if (e.target().name().equals(name)) {
        out.add(e.reason());
      }
    }
    return out;
  }
}

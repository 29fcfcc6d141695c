package io.ferrolb.ports.out;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link ConfigStatusWriter} that keeps the last states in memory; shipped in the test-jar. */
public final class InMemoryConfigStatusWriter implements ConfigStatusWriter {

  /** The last ConfigurationState written for a component. */
  public record State(boolean valid, String errorSummary, List<String> warnings) {}

  private final Map<String, State> states = new HashMap<>();
  private final Map<String, PoolUsage> usage = new HashMap<>();

  @Override
  public synchronized void configurationState(
      String component, boolean valid, String errorSummary) {
    states.put(component, new State(valid, errorSummary, List.of()));
  }

  @Override
  public synchronized void configurationState(
      String component, boolean valid, String errorSummary, List<String> warnings) {
    states.put(component, new State(valid, errorSummary, List.copyOf(warnings)));
  }

  @Override
  public synchronized void poolUsage(List<PoolUsage> list) {
    for (PoolUsage u : list) {
      usage.put(u.pool(), u);
    }
  }

  public synchronized Optional<State> state(String component) {
    return Optional.ofNullable(states.get(component));
  }

  public synchronized Optional<PoolUsage> usage(String pool) {
    return Optional.ofNullable(usage.get(pool));
  }
}

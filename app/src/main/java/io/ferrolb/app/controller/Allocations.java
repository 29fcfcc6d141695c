package io.ferrolb.app.controller;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Objects;

/**
 * The allocation state of one leadership term, shared by the use cases and touched by the loop
 * thread alone: the {@link AllocationEngine} (a new one each time this replica takes over) and
 * whether the pools' usage changed since it was last published.
 */
@Singleton
final class Allocations {
  private final String lbClass;
  private AllocationEngine engine;
  private boolean usageChanged;

  @Inject
  Allocations(@LbClass String lbClass) {
    this.lbClass = Objects.requireNonNull(lbClass, "lbClass");
    this.engine = new AllocationEngine(lbClass);
  }

  AllocationEngine engine() {
    return engine;
  }

  /** Starts a term from nothing: the Services' status is read back into a new engine. */
  void renew() {
    engine = new AllocationEngine(lbClass);
  }

  void usageChanged() {
    usageChanged = true;
  }

  /** True (once) when the usage changed since the last call. */
  boolean takeUsageChanged() {
    boolean changed = usageChanged;
    usageChanged = false;
    return changed;
  }

  boolean usageDirty() {
    return usageChanged;
  }
}

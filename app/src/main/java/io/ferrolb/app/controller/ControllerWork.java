package io.ferrolb.app.controller;

import java.util.Objects;

/**
 * The controller loop's work items. Records, so the loop's queue folds a burst of equal items into
 * one pass; {@code toString} is what the pass's log lines carry.
 */
sealed interface ControllerWork
    permits ControllerWork.Rebuild,
        ControllerWork.ConfigChanged,
        ControllerWork.PendingServices,
        ControllerWork.UsageChanged,
        ControllerWork.NamespaceChanged,
        ControllerWork.ServiceChanged {

  Rebuild REBUILD = new Rebuild(false);
  Rebuild RESUME = new Rebuild(true);
  ConfigChanged CONFIG_CHANGED = new ConfigChanged();
  PendingServices PENDING_SERVICES = new PendingServices();
  UsageChanged USAGE_CHANGED = new UsageChanged();

  /**
   * This replica became leader: rebuild the allocations from the Services' status; or, when {@code
   * resume}, it leads again with no other leader since its last term, and its allocations still
   * hold ({@link TakeOver#resume}).
   */
  record Rebuild(boolean resume) implements ControllerWork {
    @Override
    public String toString() {
      return resume ? "#resume" : "#rebuild";
    }
  }

  /** A configuration object changed: parse the configuration again. */
  record ConfigChanged() implements ControllerWork {
    @Override
    public String toString() {
      return "#config";
    }
  }

  /** An address was freed: look again at every LoadBalancer Service that holds none. */
  record PendingServices() implements ControllerWork {
    @Override
    public String toString() {
      return "#pending";
    }
  }

  /** The pools' usage changed (or its write failed): publish it to the status and metrics. */
  record UsageChanged() implements ControllerWork {
    @Override
    public String toString() {
      return "#stats";
    }
  }

  /** The labels of namespace {@code name} changed: look again at its Services. */
  record NamespaceChanged(String name) implements ControllerWork {
    public NamespaceChanged {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return "#ns:" + name;
    }
  }

  /** Service {@code key} ({@code namespace/name}) was added, changed or deleted. */
  record ServiceChanged(String key) implements ControllerWork {
    public ServiceChanged {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public String toString() {
      return key;
    }
  }
}

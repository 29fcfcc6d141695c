package io.ferrolb.ports.out;

import java.util.Objects;

/**
 * What an {@link Announcer#apply} did: nothing to change, changes applied, or a failure the caller
 * may retry later with the same (or a newer) desired set.
 *
 * @since 0.1
 */
public sealed interface ApplyReport {

  static ApplyReport unchanged() {
    return Unchanged.INSTANCE;
  }

  static ApplyReport applied(int entries) {
    return new Applied(entries);
  }

  static ApplyReport failed(String reason) {
    return new Failed(reason);
  }

  /** True unless the report is a {@link Failed}. */
  default boolean ok() {
    return !(this instanceof Failed);
  }

  /** The desired set was already in place. */
  enum Unchanged implements ApplyReport {
    INSTANCE
  }

  /** The announcer changed its state; {@code entries} are now announced. */
  record Applied(int entries) implements ApplyReport {
    public Applied {
      if (entries < 0) {
        throw new IllegalArgumentException("entries: " + entries + " (expected: >= 0)");
      }
    }
  }

  /** The announcer could not converge; {@code reason} says why, for logs and events. */
  record Failed(String reason) implements ApplyReport {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }
}

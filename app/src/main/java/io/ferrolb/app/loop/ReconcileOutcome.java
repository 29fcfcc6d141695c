package io.ferrolb.app.loop;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one pass over a work item achieved. A use case returns it; only {@link WorkLoop} maps it to
 * requeueing and backoff, so a use case never schedules anything itself.
 *
 * @param <W> the loop's work-item type, for the follow-up work an outcome may carry
 */
public sealed interface ReconcileOutcome<W>
    permits ReconcileOutcome.Done,
        ReconcileOutcome.Retry,
        ReconcileOutcome.Fatal,
        ReconcileOutcome.ReprocessAll {

  /** Converged (or nothing to do); {@code then} is further work the pass found, often none. */
  record Done<W>(List<W> then) implements ReconcileOutcome<W> {
    public Done {
      then = List.copyOf(then);
    }
  }

  /** Transient failure: try the same item again after {@code after} (doubling on each attempt). */
  record Retry<W>(Duration after, String reason) implements ReconcileOutcome<W> {
    public Retry {
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** A bug or broken invariant: reported, not retried. */
  record Fatal<W>(String reason) implements ReconcileOutcome<W> {
    public Fatal {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Accepted, and every item in {@code all} must be looked at again (for the controller: the pools
   * changed, so every Service).
   */
  record ReprocessAll<W>(List<W> all) implements ReconcileOutcome<W> {
    public ReprocessAll {
      all = List.copyOf(all);
    }
  }

  static <W> ReconcileOutcome<W> done() {
    return new Done<>(List.of());
  }

  static <W> ReconcileOutcome<W> then(List<W> next) {
    return new Done<>(next);
  }
}

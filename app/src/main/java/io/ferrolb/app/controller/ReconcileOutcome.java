package io.ferrolb.app.controller;

import java.time.Duration;
import java.util.Objects;

/** What one pass of the loop achieved; only the loop maps it to requeueing (house style 12). */
sealed interface ReconcileOutcome
    permits ReconcileOutcome.Done,
        ReconcileOutcome.Retry,
        ReconcileOutcome.Fatal,
        ReconcileOutcome.ReprocessAll {

  ReconcileOutcome DONE = new Done();

  /** Converged (or nothing to do). */
  record Done() implements ReconcileOutcome {}

  /** Transient failure: try the same key again after {@code after}. */
  record Retry(Duration after, String reason) implements ReconcileOutcome {
    public Retry {
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** A bug or broken invariant: reported, not retried. */
  record Fatal(String reason) implements ReconcileOutcome {}

  /** Accepted, and every Service must be looked at again (pools changed, an address was freed). */
  record ReprocessAll() implements ReconcileOutcome {}
}

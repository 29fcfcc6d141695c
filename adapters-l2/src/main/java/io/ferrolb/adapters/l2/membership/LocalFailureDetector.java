package io.ferrolb.adapters.l2.membership;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides, on this member alone, which members of the current view are already dead, before JGroups
 * installs a view without them. No I/O and no clock: every call carries the time ({@link
 * System#nanoTime} in production).
 *
 * <h2>Why</h2>
 *
 * In JGroups only the coordinator acts on a suspicion: it verifies the suspect, then installs and
 * disseminates a new view. When the coordinator itself dies the next member must first take over.
 * Measured on three speakers, that path took 500 ms to 3 s after a {@code kill -9}, which is the
 * whole L2 failover budget. Every member already has the evidence itself: it hears every peer
 * (FD_ALL3 makes every member send something to every member each heartbeat interval) and it
 * receives FD_SOCK2's "connection to X closed" broadcast a few milliseconds after a process dies.
 *
 * <h2>Rules</h2>
 *
 * <ul>
 *   <li>A member silent for {@code silenceLimit} is dead (the same silence after which JGroups
 *       would suspect and, after its probe, exclude it).
 *   <li>A member reported dead by FD_SOCK2 (its process closed its TCP connection) is dead as soon
 *       as it has also been silent for {@code deathConfirm}: a live process whose connection merely
 *       broke keeps sending, and a message heard {@code deathConfirm} or more after the report
 *       withdraws it.
 *   <li>A member that joined the view counts as heard at that moment.
 * </ul>
 *
 * <h2>Why disagreement is safe</h2>
 *
 * Survivors may reach the verdict a few milliseconds apart. Owners are chosen by rendezvous hashing
 * ({@code NodeElection}), so dropping a member moves only that member's addresses: while one
 * survivor already counts the dead member out and another does not yet, the first may claim the
 * dead member's address and the second claims nothing of it. No address ever gets two live
 * claimants from this. A member we cannot hear while others can (a one-way fault) is treated as
 * dead by us only; the address may then be answered twice until JGroups settles the view, the same
 * exposure as a JGroups false suspicion.
 *
 * @param <M> the member identity (a JGroups {@code Address} in production)
 */
final class LocalFailureDetector<M> {
  private final long silenceLimitNanos;
  private final long deathConfirmNanos;
  private final Map<M, Long> lastHeard = new HashMap<>();
  private final Map<M, Long> reportedDeadAt = new HashMap<>();

  LocalFailureDetector(Duration silenceLimit, Duration deathConfirm) {
    if (silenceLimit.isNegative() || silenceLimit.isZero()) {
      throw new IllegalArgumentException(
          "silenceLimit: " + silenceLimit.toMillis() + " ms (expected: > 0)");
    }
    if (deathConfirm.isNegative() || deathConfirm.compareTo(silenceLimit) > 0) {
      throw new IllegalArgumentException(
          "deathConfirm: "
              + deathConfirm.toMillis()
              + " ms (expected: 0.."
              + silenceLimit.toMillis()
              + " ms)");
    }
    this.silenceLimitNanos = silenceLimit.toNanos();
    this.deathConfirmNanos = deathConfirm.toNanos();
  }

  /** The view's members other than this one; forgets the rest, new ones count as just heard. */
  synchronized void view(Collection<M> peers, long now) {
    lastHeard.keySet().retainAll(peers);
    reportedDeadAt.keySet().retainAll(peers);
    for (M m : peers) {
      lastHeard.putIfAbsent(m, now);
    }
  }

  /** Any message from {@code member}. */
  synchronized void heard(M member, long now) {
    Long before = lastHeard.get(member);
    if (before == null) {
      return; // not (or no longer) in the view
    }
    if (now - before > 0) {
      lastHeard.put(member, now);
    }
    Long reported = reportedDeadAt.get(member);
    if (reported != null && now - reported >= deathConfirmNanos) {
      reportedDeadAt.remove(member); // it still talks: the report was wrong
    }
  }

  /** FD_SOCK2 says these members' processes closed their connection. */
  synchronized void reportedDead(Collection<M> members, long now) {
    for (M m : members) {
      if (lastHeard.containsKey(m)) {
        reportedDeadAt.putIfAbsent(m, now);
      }
    }
  }

  /** Members of the view this member counts as dead at {@code now}. */
  synchronized Set<M> dead(long now) {
    Set<M> dead = new HashSet<>();
    for (Map.Entry<M, Long> e : lastHeard.entrySet()) {
      long silent = now - e.getValue();
      boolean reported = reportedDeadAt.containsKey(e.getKey());
      if (silent >= silenceLimitNanos || (reported && silent >= deathConfirmNanos)) {
        dead.add(e.getKey());
      }
    }
    return dead;
  }

  @Override
  public String toString() {
    return "LocalFailureDetector[silenceLimitMs="
        + Duration.ofNanos(silenceLimitNanos).toMillis()
        + ", deathConfirmMs="
        + Duration.ofNanos(deathConfirmNanos).toMillis()
        + ", peers="
        + Objects.toString(lastHeard.keySet())
        + "]";
  }
}

package io.ferrolb.app.speaker;

/**
 * The speaker loop's work items. Every pass recomputes the node's whole plan, so one waiting {@link
 * Pass} covers any number of changes; the queue de-duplicates them.
 */
sealed interface SpeakerWork {

  /** Something changed (cluster, membership, a retry): plan and converge. */
  record Pass(String node) implements SpeakerWork {
    @Override
    public String toString() {
      return "speaker " + node;
    }
  }

  /**
   * A pass that also writes the status objects although nothing changed, so one deleted by someone
   * else comes back ({@link SpeakerSettings#statusResync()}).
   */
  record StatusResync(String node) implements SpeakerWork {
    @Override
    public String toString() {
      return "speaker " + node + " status resync";
    }
  }
}

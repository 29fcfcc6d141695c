package io.ferrolb.app.speaker;

import io.ferrolb.app.loop.ReconcileOutcome;
import io.ferrolb.app.loop.WorkLoop;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The speaker's loop, the same {@link WorkLoop} shape as the controller's: a change in the cluster
 * or in gossip membership queues a {@link SpeakerWork.Pass} (many changes before it runs make one
 * pass), a timer queues a {@link SpeakerWork.StatusResync}, and the loop thread runs {@link
 * ReconcileNode} for each; a failed pass is retried with the loop's backoff. Only this thread
 * touches announcers and status.
 */
public final class SpeakerLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpeakerLoop.class);

  private final SpeakerSettings settings;
  private final ReconcileNode reconcile;
  private final SpeakerMembership membership;
  private final WorkLoop<SpeakerWork> loop;
  private final SpeakerWork pass;

  SpeakerLoop(
      SpeakerSettings settings,
      ReconcileNode reconcile,
      SpeakerMembership membership,
      SpeakerMetrics metrics) {
    this.settings = settings;
    this.reconcile = reconcile;
    this.membership = membership;
    this.loop = new WorkLoop<>("speaker-loop", metrics);
    this.pass = new SpeakerWork.Pass(settings.node());
  }

  /**
   * Starts the loop thread, reacting to membership changes, the status resync timer and a first
   * pass; {@code gossipPatience} from now, a pass looks again at whether gossip could start (and
   * says why not). The caller starts the view with {@link #trigger} as its change callback.
   */
  public void start(Duration gossipPatience) {
    loop.start(this::work);
    membership.onChange(this::trigger);
    loop.every(settings.statusResync(), new SpeakerWork.StatusResync(settings.node()));
    loop.addAfter(gossipPatience, pass);
    trigger();
  }

  private ReconcileOutcome<SpeakerWork> work(SpeakerWork item) {
    if (item instanceof SpeakerWork.StatusResync) {
      reconcile.requestStatusResync();
    }
    try {
      return reconcile.reconcile()
          ? new ReconcileOutcome.Done<>(java.util.List.of())
          : new ReconcileOutcome.Retry<>(settings.retryAfter(), "an announcer failed to apply");
    } catch (RuntimeException e) {
      // not a Fatal: an announcer or the API may fail in ways a later pass gets past
      LOG.error("speaker pass failed; retrying in {}", settings.retryAfter(), e);
      return new ReconcileOutcome.Retry<>(settings.retryAfter(), e.toString());
    }
  }

  /** Asks for a pass; many requests before the pass starts make one pass. Any thread. */
  public void trigger() {
    loop.add(pass);
  }

  /** See {@link ReconcileNode#ready()}. */
  public boolean ready() {
    return reconcile.ready();
  }

  @Override
  public void close() {
    loop.close();
    reconcile.close();
  }
}

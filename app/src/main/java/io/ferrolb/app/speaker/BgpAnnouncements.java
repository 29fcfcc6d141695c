package io.ferrolb.app.speaker;

import io.ferrolb.domain.announce.BgpPlan;
import io.ferrolb.domain.announce.NodeState;
import java.util.Map;

/**
 * The speaker's BGP side: keeps one session per planned peer and the planned routes on each.
 * Declarative like {@link io.ferrolb.ports.out.Announcer}: every call carries the whole plan;
 * sessions whose peer configuration did not change are kept (never flapped by a config reload).
 */
public interface BgpAnnouncements extends AutoCloseable {

  /** Converges sessions and routes to {@code plan}. Never throws for network failures. */
  void apply(NodeState self, BgpPlan plan);

  /** Session state per peer name: true when Established. */
  Map<String, Boolean> sessionsUp();

  @Override
  void close();

  /** A BGP side that does nothing, for Layer-2-only speakers. */
  static BgpAnnouncements disabled() {
    return new BgpAnnouncements() {
      @Override
      public void apply(NodeState self, BgpPlan plan) {}

      @Override
      public Map<String, Boolean> sessionsUp() {
        return Map.of();
      }

      @Override
      public void close() {}
    };
  }
}

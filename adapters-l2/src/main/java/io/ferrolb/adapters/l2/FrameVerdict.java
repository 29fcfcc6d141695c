package io.ferrolb.adapters.l2;

import io.ferrolb.domain.pool.IpAddress;
import java.util.Objects;

/** What the packet processor decided for one received frame. */
public sealed interface FrameVerdict permits FrameVerdict.Reply, FrameVerdict.Drop {

  /** Send {@code frame} on the receiving interface; it answers for {@code target}. */
  record Reply(byte[] frame, IpAddress target) implements FrameVerdict {
    public Reply {
      Objects.requireNonNull(frame, "frame");
      Objects.requireNonNull(target, "target");
    }
  }

  /** Do not answer, for {@code reason}; {@code detail} explains it for DEBUG logs and tests. */
  record Drop(DropReason reason, String detail) implements FrameVerdict {
    public Drop {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}

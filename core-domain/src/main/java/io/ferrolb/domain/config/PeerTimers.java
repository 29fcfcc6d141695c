package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.PeerDraft;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A BGPPeer's hold and keepalive times: the missing one is derived from the other as MetalLB does,
 * then RFC 4271's limits are checked.
 */
final class PeerTimers {

  private final Problems problems;

  PeerTimers(ParseState state) {
    this.problems = state.problems;
  }

  void read(
      FieldReader r,
      PeerDraft d,
      Map<String, Object> m,
      String path,
      PeerKeys keys,
      boolean legacy) {
    String holdKey = keys.k("holdTime");
    String kaKey = keys.k("keepaliveTime");
    int before = problems.errorCount();
    Optional<Duration> hold = r.duration(m, holdKey, path);
    Optional<Duration> ka = r.duration(m, kaKey, path);
    if (problems.errorCount() != before) {
      return;
    }
    if (legacy && hold.isEmpty()) {
      hold = Optional.of(BgpPeer.DEFAULT_HOLD_TIME); // MetalLB v0.12 config.go: parseHoldTime("")
    }
    // MetalLB config.go parseTimers: the missing one is derived from the other
    if (hold.isPresent() && ka.isEmpty()) {
      ka = Optional.of(hold.get().dividedBy(3));
    } else if (hold.isEmpty() && ka.isPresent()) {
      hold = Optional.of(ka.get().multipliedBy(3));
    }
    if (hold.isEmpty()) {
      return;
    }
    long rounded = hold.get().getSeconds();
    String holdField = FieldReader.at(path, m.containsKey(holdKey) ? holdKey : kaKey);
    String holdText = FieldReader.render(m.getOrDefault(holdKey, m.get(kaKey)));
    boolean ok = true;
    // RFC 4271 §4.2: hold time 0, or at least 3 seconds; 16-bit field
    if (rounded != 0 && rounded < 3) {
      r.error(
          holdField,
          holdText,
          (m.containsKey(holdKey) ? "hold time " : "derived hold time (3 x keepalive) ")
              + GoDuration.format(hold.get())
              + " is too short (expected: 0 or >= 3s)");
      ok = false;
    }
    // MetalLB rounds only for the rule above and compares the keepalive with the exact hold time
    if (ok && ka.get().compareTo(hold.get()) > 0) {
      r.error(
          FieldReader.at(path, kaKey),
          FieldReader.render(m.get(kaKey)),
          "keepalive time "
              + GoDuration.format(ka.get())
              + " is longer than hold time "
              + GoDuration.format(hold.get())
              + " (expected: keepaliveTime <= holdTime)");
      ok = false;
    }
    if (ok && rounded > 65535) {
      // MetalLB accepts it; the OPEN message has 16 bits for it (RFC 4271 §4.2)
      r.warn(
          holdField,
          holdText,
          "hold time longer than BGP can carry: 65535s is sent (expected: <= 65535s)");
      Duration max = Duration.ofSeconds(65535);
      hold = Optional.of(max);
      if (ka.get().compareTo(max) > 0) {
        ka = Optional.of(max);
      }
    }
    if (ok) {
      d.builder.holdTime(hold.get()).keepaliveTime(ka.get());
    }
  }
}

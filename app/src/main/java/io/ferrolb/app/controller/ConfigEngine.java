package io.ferrolb.app.controller;

import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one seam between the controller and the domain's configuration parser.
 *
 * <p>INTERIM: until {@code io.ferrolb.domain.config.ConfigParser} is on main this reads only what
 * the controller needs (pool names, addresses, autoAssign, avoidBuggyIPs) and reports undecodable
 * objects and unparsable addresses; it is not the validation. Swap {@link #parse} for {@code
 * ConfigParser.parse(objects, new ParseContext(namespace, Map.of()))}.
 */
final class ConfigEngine {

  /** A problem found in one object: where, and what to change. */
  record Problem(RawObject object, String message) {
    Problem {
      Objects.requireNonNull(object, "object");
      Objects.requireNonNull(message, "message");
    }
  }

  sealed interface Result permits Valid, Invalid {}

  /** {@code empty} is true when no configuration object exists at all. */
  record Valid(List<Pool> pools, boolean empty) implements Result {
    Valid {
      pools = List.copyOf(pools);
    }
  }

  record Invalid(List<Problem> problems) implements Result {
    Invalid {
      problems = List.copyOf(problems);
    }
  }

  private ConfigEngine() {}

  static Result parse(List<RawObject> objects, String namespace) {
    List<Pool> pools = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (RawObject o : objects) {
      Object decodeError = o.spec().get("__error");
      if (decodeError != null) {
        problems.add(new Problem(o, String.valueOf(decodeError)));
        continue;
      }
      if ("IPAddressPool".equals(o.kind())) {
        pool(o, o.name(), o.spec(), "spec.", "autoAssign", "avoidBuggyIPs", pools, problems);
      } else if (RawObject.LEGACY_CONFIG_KIND.equals(o.kind())
          && o.spec().get("address-pools") instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          if (list.get(i) instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) m;
            String name = String.valueOf(spec.getOrDefault("name", ""));
            String prefix = "address-pools[" + i + "].";
            pool(o, name, spec, prefix, "auto-assign", "avoid-buggy-ips", pools, problems);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      return new Invalid(problems);
    }
    return new Valid(pools, objects.isEmpty());
  }

  private static void pool(
      RawObject o,
      String name,
      Map<String, Object> spec,
      String prefix,
      String autoAssignKey,
      String buggyKey,
      List<Pool> pools,
      List<Problem> problems) {
    List<IpRange> ranges = new ArrayList<>();
    Object addresses = spec.get("addresses");
    if (!(addresses instanceof List<?> list) || list.isEmpty()) {
      problems.add(
          new Problem(o, prefix + "addresses: missing (expected: at least one CIDR or a-b range)"));
      return;
    }
    for (int i = 0; i < list.size(); i++) {
      String text = String.valueOf(list.get(i));
      try {
        ranges.add(IpRange.parse(text));
      } catch (IllegalArgumentException e) {
        problems.add(
            new Problem(o, prefix + "addresses[" + i + "] \"" + text + "\": " + e.getMessage()));
      }
    }
    if (ranges.size() == list.size()) {
      boolean autoAssign = !Boolean.FALSE.equals(spec.get(autoAssignKey));
      boolean buggy = Boolean.TRUE.equals(spec.get(buggyKey));
      pools.add(new Pool(name, ranges, autoAssign, buggy, Optional.empty(), o.labels()));
    }
  }
}

package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.PoolDraft;
import io.ferrolb.domain.config.Drafts.RangeAt;
import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.Pool;
import io.ferrolb.domain.pool.ServiceAllocation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of one IPAddressPool (CRD or a legacy ConfigMap pool): its addresses, {@code
 * avoidBuggyIPs} and {@code serviceAllocation}. Overlaps between pools are a cross-object check
 * ({@link CrossObjectChecks}).
 */
final class PoolRules {

  private final ParseState state;
  private final Problems problems;
  private final List<PoolDraft> pools;

  PoolRules(ParseState state) {
    this.state = state;
    this.problems = state.problems;
    this.pools = state.pools;
  }

  void readPool(FieldReader r, RawObject o) {
    Map<String, Object> spec = o.spec();
    r.onlyKnown(spec, "spec", "addresses", "autoAssign", "avoidBuggyIPs", "serviceAllocation");
    boolean fresh = state.define("IPAddressPool", o.name(), r, "metadata.name");
    List<RangeAt> ranges = addresses(r, spec, "addresses", "spec");
    boolean autoAssign = r.bool(spec, "autoAssign", "spec").orElse(true);
    boolean avoidBuggy = r.bool(spec, "avoidBuggyIPs", "spec").orElse(false);
    Optional<ServiceAllocation> alloc =
        r.map(spec, "serviceAllocation", "spec")
            .flatMap(m -> serviceAllocation(r, m, "spec.serviceAllocation"));
    addPool(
        r,
        o.name(),
        "metadata.name",
        "spec.addresses",
        "spec.avoidBuggyIPs",
        fresh,
        ranges,
        autoAssign,
        avoidBuggy,
        alloc,
        o.labels());
  }

  void addPool(
      FieldReader r,
      String name,
      String nameField,
      String addressesField,
      String avoidField,
      boolean fresh,
      List<RangeAt> ranges,
      boolean autoAssign,
      boolean avoidBuggy,
      Optional<ServiceAllocation> alloc,
      Map<String, String> labels) {
    checkUsable(r, addressesField, avoidField, ranges, avoidBuggy);
    Optional<Pool> pool = Optional.empty();
    if (!ranges.isEmpty()) {
      pool =
          Optional.of(
              new Pool(
                  name,
                  ranges.stream().map(RangeAt::range).toList(),
                  autoAssign,
                  avoidBuggy,
                  alloc,
                  labels));
    }
    if (fresh) {
      pools.add(new PoolDraft(r.src, name, nameField, ranges, pool));
    }
  }

  private void checkUsable(
      FieldReader r, String field, String avoidField, List<RangeAt> ranges, boolean avoidBuggy) {
    if (!avoidBuggy || ranges.isEmpty()) {
      return;
    }
    boolean anyV4 = ranges.stream().anyMatch(x -> x.range().family() == IpFamily.IPV4);
    if (!anyV4) {
      r.warn(avoidField, "true", "has no effect: the pool has no IPv4 addresses");
      return;
    }
    for (RangeAt x : ranges) {
      if (PoolCapacity.usable(x.range(), true).signum() > 0) {
        return;
      }
    }
    // MetalLB accepts such a pool; it can only never assign an address
    r.warn(
        field,
        ranges.get(0).text(),
        "every address of the pool ends in .0 or .255 and "
            + avoidField.substring(avoidField.lastIndexOf('.') + 1)
            + " skips them all: this pool assigns nothing (expected: at least one usable address)");
  }

  /** Reads a pool's address list (CRD or legacy). */
  List<RangeAt> addresses(FieldReader r, Map<String, Object> m, String key, String path) {
    String field = FieldReader.at(path, key);
    Object v = m.get(key);
    if (v == null || (v instanceof List<?> l && l.isEmpty())) {
      r.error(field, null, "missing (expected: at least one CIDR or start-end range)");
      return List.of();
    }
    List<RangeAt> out = new ArrayList<>();
    r.indexedStrList(m, key, path)
        .forEach(
            (i, text) -> {
              String f = FieldReader.at(field, i);
              if (text.indexOf('-') < 0 && !text.equals(text.strip())) {
                // MetalLB trims the ends of a range, but parses a CIDR as written
                r.error(f, text, "whitespace around a CIDR (expected: a.b.c.d/n or x::/n alone)");
                return;
              }
              try {
                IpRange range = IpRange.parse(text);
                if (range.family() == IpFamily.IPV6 && overlapsMapped(range)) {
                  r.error(
                      f,
                      text,
                      "IPv4-mapped IPv6 addresses (::ffff:0:0/96) are not usable"
                          + " (expected: write IPv4 addresses as IPv4)");
                } else if (range.size().equals(BigInteger.ONE.shiftLeft(range.family().bits()))) {
                  r.error(
                      f,
                      text,
                      "covers the whole "
                          + range.family().k8sName()
                          + " address space (expected: a prefix longer than /0)");
                } else {
                  out.add(new RangeAt(range, f, text));
                }
              } catch (IllegalArgumentException e) {
                // IpRange names the range in its message; the error already shows the value
                String msg = e.getMessage();
                if (msg.startsWith("range ") && msg.indexOf(": ") > 0) {
                  msg = msg.substring(msg.indexOf(": ") + 2);
                }
                r.error(f, text, msg);
              }
            });
    return out;
  }

  private static final IpRange MAPPED = Cidr.parse("::ffff:0:0/96").toRange();

  private static boolean overlapsMapped(IpRange range) {
    return range.overlaps(MAPPED);
  }

  private Optional<ServiceAllocation> serviceAllocation(
      FieldReader r, Map<String, Object> m, String path) {
    r.onlyKnown(m, path, "priority", "namespaces", "namespaceSelectors", "serviceSelectors");
    int before = problems.errorCount();
    long priority = r.lng(m, "priority", path, Long.MIN_VALUE, Long.MAX_VALUE).orElse(0L);
    if (priority < 0) {
      // MetalLB takes any int; its pool order is undefined for a negative one
      r.warn(
          FieldReader.at(path, "priority"),
          priority,
          "negative priority is treated as unset: this pool is tried last (expected: >= 0; lower"
              + " is tried first, 0 or unset last)");
      priority = 0;
    } else if (priority > Integer.MAX_VALUE) {
      r.error(FieldReader.at(path, "priority"), priority, "out of range (expected: 0..2147483647)");
    }
    Map<Integer, String> ns = r.indexedStrList(m, "namespaces", path);
    Map<String, Integer> seen = new HashMap<>();
    List<String> namespaces = new ArrayList<>();
    ns.forEach(
        (i, n) -> {
          String f = FieldReader.at(FieldReader.at(path, "namespaces"), i);
          Integer first = seen.putIfAbsent(n, i);
          if (first != null) {
            r.error(f, n, "duplicate namespace (first at namespaces[" + first + "])");
          } else {
            if (n.length() > 63 || !n.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
              // MetalLB does not check the names; such a namespace cannot exist
              r.warn(
                  f,
                  n,
                  "not a valid namespace name, so no namespace has it (expected: a DNS-1123"
                      + " label)");
            }
            namespaces.add(n);
          }
        });
    List<LabelSelector> nsSel = r.selectors(m, "namespaceSelectors", path);
    List<LabelSelector> svcSel = r.selectors(m, "serviceSelectors", path);
    if (problems.errorCount() != before) {
      return Optional.empty();
    }
    return Optional.of(new ServiceAllocation((int) priority, namespaces, nsSel, svcSel));
  }
}

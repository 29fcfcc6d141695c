package io.ferrolb.adapters.l2.iface;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Chooses the interfaces to answer ARP/NDP on, like MetalLB: skip names matching the exclusion
 * list, loopback, down, NOARP, ports of a bridge or bond, interfaces without a MAC; keep the
 * allow-list when one is given; ARP where BROADCAST, NDP where an IPv6 link-local address exists.
 * Pure: the system is read elsewhere ({@link SystemInterfaceReader}).
 */
public final class InterfaceSelector {

  /** MetalLB: config/native/exclude-l2-config.yaml (ConfigMap metallb-excludel2). */
  public static final List<String> DEFAULT_EXCLUDES =
      List.of(
          "^docker.*",
          "^cbr.*",
          "^dummy.*",
          "^virbr.*",
          "^lxcbr.*",
          "^veth.*",
          "^lo$",
          "^cali.*",
          "^tunl.*",
          "^flannel.*",
          "^kube-ipvs.*",
          "^cni.*",
          "^nodelocaldns.*",
          "^lxc.*");

  private final List<Pattern> excludes;

  public InterfaceSelector(Collection<String> excludeRegexes) {
    List<Pattern> p = new ArrayList<>();
    for (String r : excludeRegexes) {
      try {
        p.add(Pattern.compile(r));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "interface exclude pattern \"" + r + "\": " + e.getMessage() + " (expected: regex)", e);
      }
    }
    this.excludes = List.copyOf(p);
  }

  public static InterfaceSelector withDefaults() {
    return new InterfaceSelector(DEFAULT_EXCLUDES);
  }

  /**
   * @param allowList interface names to restrict to (union of the L2Advertisements' {@code
   *     interfaces}); empty = no restriction
   */
  public InterfaceSelection select(Collection<InterfaceDescription> all, Set<String> allowList) {
    Objects.requireNonNull(allowList, "allowList");
    List<SelectedInterface> selected = new ArrayList<>();
    Map<String, SkipReason> skipped = new TreeMap<>();
    for (InterfaceDescription d : all) {
      SkipReason why = skipReason(d, allowList);
      if (why != null) {
        skipped.put(d.name(), why);
      } else {
        selected.add(
            new SelectedInterface(
                d.name(), d.mac().orElseThrow(), d.broadcast(), d.hasIpv6LinkLocal()));
      }
    }
    selected.sort((a, b) -> a.name().compareTo(b.name()));
    Set<String> missing = new TreeSet<>(allowList);
    selected.forEach(s -> missing.remove(s.name()));
    return new InterfaceSelection(selected, skipped, missing);
  }

  private SkipReason skipReason(InterfaceDescription d, Set<String> allowList) {
    if (!allowList.isEmpty() && !allowList.contains(d.name())) {
      return SkipReason.NOT_IN_ALLOW_LIST;
    }
    for (Pattern p : excludes) {
      if (p.matcher(d.name()).find()) {
        return SkipReason.EXCLUDED_NAME;
      }
    }
    if (d.loopback()) {
      return SkipReason.LOOPBACK;
    }
    if (!d.up()) {
      return SkipReason.DOWN;
    }
    if (d.noArp()) {
      return SkipReason.NO_ARP;
    }
    if (d.master().isPresent()) {
      return SkipReason.HAS_MASTER;
    }
    if (d.mac().isEmpty()) {
      return SkipReason.NO_MAC;
    }
    if (!d.broadcast() && !d.hasIpv6LinkLocal()) {
      return SkipReason.NO_PROTOCOL;
    }
    return null;
  }
}

package io.ferrolb.ports.out;

import io.ferrolb.domain.announce.BgpPlan;
import io.ferrolb.domain.pool.IpAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The complete set of addresses one node should announce through one announcer, with the services
 * behind each address, the interfaces it may be announced on and protocol attributes (for example
 * {@code bgp.communities}). Computed by the domain; announcers only converge to it.
 *
 * @param bgp for an announcer that speaks BGP (the {@code bgp} provider): the domain's BGP plan of
 *     this node, with the sessions to keep and the routes of each; empty for Layer 2 claims. An
 *     announcer given none keeps no session. (since 0.2)
 * @since 0.1
 */
public record DesiredAnnouncements(String nodeName, Set<Entry> entries, Optional<BgpPlan> bgp) {

  public DesiredAnnouncements {
    Objects.requireNonNull(nodeName, "nodeName");
    entries = Set.copyOf(entries);
    Objects.requireNonNull(bgp, "bgp");
  }

  /** Addresses only, no BGP plan. */
  public DesiredAnnouncements(String nodeName, Set<Entry> entries) {
    this(nodeName, entries, Optional.empty());
  }

  public static DesiredAnnouncements none(String nodeName) {
    return new DesiredAnnouncements(nodeName, Set.of());
  }

  /**
   * The BGP plan of {@code nodeName}, for a BGP announcer.
   *
   * @since 0.2
   */
  public static DesiredAnnouncements ofBgp(String nodeName, BgpPlan plan) {
    return new DesiredAnnouncements(nodeName, Set.of(), Optional.of(plan));
  }

  /** The BGP plan, or an empty one (no session) when none was given. */
  public BgpPlan bgpOrEmpty() {
    return bgp.orElse(EMPTY_BGP);
  }

  private static final BgpPlan EMPTY_BGP = new BgpPlan(List.of(), List.of(), Map.of(), Map.of());

  /**
   * One announced address.
   *
   * @param address the service address
   * @param services the services using it, as {@code namespace/name}
   * @param interfaces interfaces it may be announced on; empty means every eligible interface
   * @param attributes protocol attributes, keys namespaced by protocol ({@code bgp.localPref})
   */
  public record Entry(
      IpAddress address,
      Set<String> services,
      Set<String> interfaces,
      Map<String, String> attributes) {
    public Entry {
      Objects.requireNonNull(address, "address");
      services = Set.copyOf(services);
      interfaces = Set.copyOf(interfaces);
      attributes = Map.copyOf(attributes);
    }

    public static Entry of(IpAddress address, String service) {
      return new Entry(address, Set.of(service), Set.of(), Map.of());
    }
  }

  /**
   * A stable JSON rendering (entries sorted by address, keys sorted), for plugins that forward the
   * desired state to another system.
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder(64 + entries.size() * 64);
    sb.append("{\"node\":").append(quote(nodeName)).append(",\"entries\":[");
    boolean first = true;
    for (Entry e : entries.stream().sorted(Comparator.comparing(Entry::address)).toList()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append("{\"address\":").append(quote(e.address().toString()));
      sb.append(",\"services\":");
      appendArray(sb, e.services());
      sb.append(",\"interfaces\":");
      appendArray(sb, e.interfaces());
      sb.append(",\"attributes\":{");
      boolean f2 = true;
      for (Map.Entry<String, String> a : new TreeMap<>(e.attributes()).entrySet()) {
        if (!f2) {
          sb.append(',');
        }
        f2 = false;
        sb.append(quote(a.getKey())).append(':').append(quote(a.getValue()));
      }
      sb.append("}}");
    }
    return sb.append("]}").toString();
  }

  private static void appendArray(StringBuilder sb, Set<String> values) {
    sb.append('[');
    boolean first = true;
    for (String v : values.stream().sorted().toList()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append(quote(v));
    }
    sb.append(']');
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}

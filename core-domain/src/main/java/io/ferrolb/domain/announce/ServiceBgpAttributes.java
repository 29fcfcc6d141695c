package io.ferrolb.domain.announce;

import io.ferrolb.domain.config.BgpCommunity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The BGP path attributes a Service asks for in its own annotations (ferrolb only; MetalLB issue
 * #934), read with the configuration's community aliases.
 *
 * <ul>
 *   <li>{@value #COMMUNITIES}: comma-separated communities, each written as a BGPAdvertisement's
 *       {@code communities} entry ({@code A:B}, {@code large:A:B:C}, or an alias); they are added
 *       to those of every BGPAdvertisement that announces the Service.
 *   <li>{@value #LOCAL_PREF}: a LOCAL_PREF 0..4294967295 that replaces the advertisements' one
 *       towards iBGP peers.
 * </ul>
 *
 * An annotation with any bad part is ignored as a whole (never applied in part) and reported in
 * {@link #errors()}: the Service is then announced with its advertisements' attributes only.
 *
 * @param communities the valid communities of {@value #COMMUNITIES}, in order without duplicates;
 *     empty when the annotation is absent or bad
 * @param localPref the valid value of {@value #LOCAL_PREF}; empty when absent or bad
 * @param errors one line per problem, naming the Service, the annotation, the value and what was
 *     expected
 */
public record ServiceBgpAttributes(
    Set<BgpCommunity> communities, OptionalLong localPref, List<String> errors) {

  public static final String COMMUNITIES = "ferrolb.io/bgp-communities";
  public static final String LOCAL_PREF = "ferrolb.io/bgp-local-pref";

  private static final long MAX_LOCAL_PREF = 0xFFFF_FFFFL;

  public ServiceBgpAttributes {
    communities = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(communities));
    Objects.requireNonNull(localPref, "localPref");
    errors = List.copyOf(errors);
  }

  /** Reads the annotations of {@code svc}; {@code aliases} as in {@code Config.communities()}. */
  public static ServiceBgpAttributes of(ServiceState svc, Map<String, String> aliases) {
    List<String> errors = new ArrayList<>();
    Set<BgpCommunity> communities = new LinkedHashSet<>();
    String list = svc.annotations().get(COMMUNITIES);
    if (list != null) {
      List<String> bad = new ArrayList<>();
      if (list.isBlank()) {
        bad.add("empty (expected: a comma-separated list of A:B, large:A:B:C or alias names)");
      }
      String[] items = list.isBlank() ? new String[0] : list.split(",", -1);
      for (int i = 0; i < items.length; i++) {
        String item = items[i].strip();
        if (item.isEmpty()) {
          bad.add("item " + (i + 1) + " is empty (expected: A:B, large:A:B:C or an alias name)");
          continue;
        }
        try {
          communities.add(BgpCommunity.resolve(item, aliases));
        } catch (IllegalArgumentException e) {
          bad.add("item " + (i + 1) + " \"" + item + "\": " + e.getMessage());
        }
      }
      if (!bad.isEmpty()) {
        communities.clear();
        for (String b : bad) {
          errors.add(
              problem(svc, COMMUNITIES, list, b)
                  + "; none of the annotation's communities is sent, only the BGPAdvertisements'");
        }
      }
    }
    OptionalLong localPref = OptionalLong.empty();
    String lp = svc.annotations().get(LOCAL_PREF);
    if (lp != null) {
      String text = lp.strip();
      String expected = " (expected: an integer 0.." + MAX_LOCAL_PREF + ")";
      String why = null;
      if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
        why = "not a number" + expected;
      } else if (text.length() > 10 || Long.parseLong(text) > MAX_LOCAL_PREF) {
        why = "out of range" + expected;
      } else {
        localPref = OptionalLong.of(Long.parseLong(text));
      }
      if (why != null) {
        errors.add(
            problem(svc, LOCAL_PREF, lp, why)
                + "; the BGPAdvertisements' LOCAL_PREF is sent instead");
      }
    }
    return new ServiceBgpAttributes(communities, localPref, errors);
  }

  /** The form of {@code ConfigError}: object, field, value, what is wrong. */
  private static String problem(ServiceState svc, String annotation, String value, String why) {
    return "Service \""
        + svc.key()
        + "\": metadata.annotations[\""
        + annotation
        + "\"] \""
        + value
        + "\": "
        + why;
  }
}

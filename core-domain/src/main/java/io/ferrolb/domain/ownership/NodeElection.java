package io.ferrolb.domain.ownership;

import io.ferrolb.domain.pool.IpAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Layer-2 owner election as a pure function, exactly as MetalLB's speakers do it (MetalLB: {@code
 * speaker/layer2_controller.go} {@code sortL2Candidates}): candidates ordered by preference score
 * descending (absent = 0), then by {@code sha256(nodeName + "#" + ip)} ascending, compared as
 * unsigned bytes; the first candidate owns the address. {@code ip} is rendered canonically (dotted
 * quad, RFC 5952), which is what Go's {@code net.IP.String()} prints, so a mixed fleet of MetalLB
 * and ferrolb speakers agrees on owners.
 */
public final class NodeElection {

  private NodeElection() {}

  /** The candidates in election order and the winner (the first), empty when none is eligible. */
  public record Result(List<String> ordered, Optional<String> winner) {
    public Result {
      ordered = List.copyOf(ordered);
      Objects.requireNonNull(winner, "winner");
    }
  }

  /** Pure hash ordering (no preferences). */
  public static Result elect(Collection<String> eligibleNodes, IpAddress ip) {
    return elect(eligibleNodes, ip, Map.of());
  }

  /**
   * Orders {@code eligibleNodes} (duplicates count once) by {@code preference} descending, then by
   * the hash of {@code node#ip} ascending.
   */
  public static Result elect(
      Collection<String> eligibleNodes, IpAddress ip, Map<String, Long> preference) {
    Objects.requireNonNull(eligibleNodes, "eligibleNodes");
    Objects.requireNonNull(ip, "ip");
    Objects.requireNonNull(preference, "preference");
    String suffix = "#" + ip;
    record Keyed(String node, long score, byte[] hash) {}
    List<Keyed> keyed = new ArrayList<>();
    for (String node : new LinkedHashSet<>(eligibleNodes)) {
      Objects.requireNonNull(node, "node name");
      keyed.add(new Keyed(node, preference.getOrDefault(node, 0L), hash(node + suffix)));
    }
    keyed.sort(
        Comparator.comparing(Keyed::score, Comparator.<Long>reverseOrder())
            .thenComparing(Keyed::hash, Arrays::compareUnsigned)
            .thenComparing(Keyed::node));
    List<String> ordered = keyed.stream().map(Keyed::node).toList();
    return new Result(ordered, ordered.stream().findFirst());
  }

  /**
   * The owner of all of a Service's addresses: MetalLB elects on the first ingress address only
   * ("using the first IP should work for both single and dual stack"), so a dual-stack Service's
   * two addresses are always announced by the same node.
   *
   * @throws IllegalArgumentException when {@code ingress} is empty
   */
  public static Result electForService(
      Collection<String> eligibleNodes, List<IpAddress> ingress, Map<String, Long> preference) {
    if (ingress.isEmpty()) {
      throw new IllegalArgumentException("ingress: empty (expected: at least one address)");
    }
    return elect(eligibleNodes, ingress.get(0), preference);
  }

  /** {@code sha256(node + "#" + ip)}, the election key of one node for one address. */
  public static byte[] electionKey(String node, IpAddress ip) {
    return hash(node + "#" + ip);
  }

  private static byte[] hash(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}

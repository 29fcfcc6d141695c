package io.ferrolb.adapters.l2.membership;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link JGroupsMembership}. Start from {@link #defaults} and adjust with the {@code
 * with*} methods; the defaults are the tuning justified in {@link JGroupsMembership}.
 *
 * @param nodeName the Kubernetes node name; the member name peers see
 * @param bindAddress the node IP to bind the gossip sockets to
 * @param port UDP port for gossip and TCP port for process-death detection (MetalLB: 7946 TCP and
 *     UDP)
 * @param key the shared key from the {@code memberlist} Secret
 * @param heartbeatInterval how often every member sends a heartbeat to every other member
 * @param suspectTimeout silence after which a member is suspected
 * @param verifyTimeout how long a suspected member has to answer a direct probe before it is
 *     declared dead
 * @param mergeMinInterval lower bound of the random interval between partition-merge probes
 * @param mergeMaxInterval upper bound of that interval
 * @since 0.1
 */
public record MembershipSettings(
    String nodeName,
    InetAddress bindAddress,
    int port,
    MemberlistKey key,
    Duration heartbeatInterval,
    Duration suspectTimeout,
    Duration verifyTimeout,
    Duration mergeMinInterval,
    Duration mergeMaxInterval) {

  /** MetalLB's memberlist port ({@code --ml-bind-port} / {@code METALLB_ML_BIND_PORT}). */
  public static final int DEFAULT_PORT = 7946;

  public MembershipSettings {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(suspectTimeout, "suspectTimeout");
    Objects.requireNonNull(verifyTimeout, "verifyTimeout");
    Objects.requireNonNull(mergeMinInterval, "mergeMinInterval");
    Objects.requireNonNull(mergeMaxInterval, "mergeMaxInterval");
    if (nodeName.isBlank()) {
      throw new IllegalArgumentException("nodeName: \"" + nodeName + "\" (expected: a node name)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    requirePositive("heartbeatInterval", heartbeatInterval);
    requirePositive("verifyTimeout", verifyTimeout);
    requirePositive("mergeMinInterval", mergeMinInterval);
    if (suspectTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException(
          "suspectTimeout: "
              + suspectTimeout.toMillis()
              + " ms (expected: at least twice heartbeatInterval, "
              + heartbeatInterval.multipliedBy(2).toMillis()
              + " ms)");
    }
    if (mergeMaxInterval.compareTo(mergeMinInterval) <= 0) {
      throw new IllegalArgumentException(
          "mergeMaxInterval: "
              + mergeMaxInterval.toMillis()
              + " ms (expected: more than mergeMinInterval, "
              + mergeMinInterval.toMillis()
              + " ms)");
    }
  }

  private static void requirePositive(String name, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + ": " + d.toMillis() + " ms (expected: > 0)");
    }
  }

  /**
   * The default tuning on port {@value #DEFAULT_PORT}: heartbeats every 100 ms, suspicion after 400
   * ms of silence, 150 ms to answer a direct probe, merge probes every 1-3 s.
   */
  public static MembershipSettings defaults(
      String nodeName, InetAddress bindAddress, MemberlistKey key) {
    return new MembershipSettings(
        nodeName,
        bindAddress,
        DEFAULT_PORT,
        key,
        Duration.ofMillis(100),
        Duration.ofMillis(400),
        Duration.ofMillis(150),
        Duration.ofSeconds(1),
        Duration.ofSeconds(3));
  }

  /**
   * Silence after which this member counts a peer dead on its own, before any view change: the
   * suspicion timeout plus the time JGroups would give the suspect to answer its probe.
   */
  public Duration localSilenceLimit() {
    return suspectTimeout.plus(verifyTimeout);
  }

  /**
   * Silence that confirms a peer FD_SOCK2 reported dead (its process closed its connection): one
   * and a half heartbeat intervals, so the peer has missed at least one heartbeat.
   */
  public Duration localDeathConfirm() {
    return heartbeatInterval.multipliedBy(3).dividedBy(2);
  }

  public MembershipSettings withPort(int newPort) {
    return new MembershipSettings(
        nodeName,
        bindAddress,
        newPort,
        key,
        heartbeatInterval,
        suspectTimeout,
        verifyTimeout,
        mergeMinInterval,
        mergeMaxInterval);
  }

  public MembershipSettings withFailureDetection(
      Duration newHeartbeatInterval, Duration newSuspectTimeout, Duration newVerifyTimeout) {
    return new MembershipSettings(
        nodeName,
        bindAddress,
        port,
        key,
        newHeartbeatInterval,
        newSuspectTimeout,
        newVerifyTimeout,
        mergeMinInterval,
        mergeMaxInterval);
  }

  public MembershipSettings withMergeInterval(Duration min, Duration max) {
    return new MembershipSettings(
        nodeName,
        bindAddress,
        port,
        key,
        heartbeatInterval,
        suspectTimeout,
        verifyTimeout,
        min,
        max);
  }
}

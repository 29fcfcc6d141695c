package io.ferrolb.app.speaker;

import io.ferrolb.domain.ownership.SplitBrainPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How a speaker behaves.
 *
 * @param node this node's name
 * @param namespace ferrolb's namespace (configuration, status objects)
 * @param ignoreExcludeLabel announce even from nodes labelled exclude-from-external-load-balancers
 * @param splitBrain what a speaker cut off from its peers does
 * @param retryAfter delay before a failed pass is retried
 * @param statusResync how often the status objects are written although nothing changed, which
 *     brings back those deleted by someone else
 */
public record SpeakerSettings(
    String node,
    String namespace,
    boolean ignoreExcludeLabel,
    SplitBrainPolicy.Mode splitBrain,
    Duration retryAfter,
    Duration statusResync) {
  public SpeakerSettings {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(splitBrain, "splitBrain");
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(statusResync, "statusResync");
    if (statusResync.isNegative() || statusResync.isZero()) {
      throw new IllegalArgumentException(
          "statusResync: " + statusResync + " (expected: a positive duration)");
    }
    if (node.isBlank()) {
      throw new IllegalArgumentException("node name: \"\" (expected: the Kubernetes node name)");
    }
  }
}

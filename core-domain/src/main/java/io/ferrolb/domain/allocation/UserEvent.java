package io.ferrolb.domain.allocation;

import java.util.Objects;

/**
 * An event to record on the Service. {@code reason} is MetalLB's reason string ({@code
 * IPAllocated}, {@code AllocationFailed}, {@code ClearAssignment}, {@code LoadBalancerFailed},
 * {@code AdditionalAssignFailed}, {@code not enough clusterips}, {@code nolbIPsIPFamily}, {@code
 * noclusterIPsIPFamily}, {@code deprecatedAnnotation}) so existing alerts keep matching.
 */
public record UserEvent(EventType type, String reason, String message) {

  public UserEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }

  static UserEvent normal(String reason, String message) {
    return new UserEvent(EventType.NORMAL, reason, message);
  }

  static UserEvent warning(String reason, String message) {
    return new UserEvent(EventType.WARNING, reason, message);
  }
}

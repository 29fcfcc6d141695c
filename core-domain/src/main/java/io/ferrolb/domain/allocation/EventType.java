package io.ferrolb.domain.allocation;

/** Kubernetes event type. */
public enum EventType {
  NORMAL,
  WARNING
}

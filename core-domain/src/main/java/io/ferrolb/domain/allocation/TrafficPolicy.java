package io.ferrolb.domain.allocation;

/** {@code spec.externalTrafficPolicy}. */
public enum TrafficPolicy {
  CLUSTER("Cluster"),
  LOCAL("Local");

  private final String spelling;

  TrafficPolicy(String spelling) {
    this.spelling = spelling;
  }

  /** As written in a Service: {@code Cluster} or {@code Local}. */
  public String spelling() {
    return spelling;
  }
}

package io.ferrolb.domain.allocation;

/** A Service port protocol, spelled as in Kubernetes. */
public enum Protocol {
  TCP,
  UDP,
  SCTP
}

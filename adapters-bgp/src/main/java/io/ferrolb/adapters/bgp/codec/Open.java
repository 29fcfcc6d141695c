package io.ferrolb.adapters.bgp.codec;

import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * OPEN (RFC 4271 §4.2). {@code myAsField} is the 2-octet "My Autonomous System" field; a 4-octet
 * ASN travels in the {@link Capability.FourOctetAs} capability with AS_TRANS in that field (RFC
 * 6793 §4.1). Optional parameters other than capabilities are not supported.
 */
public record Open(
    int version,
    int myAsField,
    int holdTimeSeconds,
    IpAddress bgpIdentifier,
    List<Capability> capabilities)
    implements BgpMessage {
  static final int TYPE = 1;
  public static final int VERSION = 4;
  public static final int AS_TRANS = 23456; // RFC 6793 §9

  public Open {
    Objects.requireNonNull(bgpIdentifier, "bgpIdentifier");
    if (!bgpIdentifier.isV4()) {
      throw new IllegalArgumentException(
          "BGP identifier: " + bgpIdentifier + " (expected: an IPv4 address)");
    }
    if (myAsField < 0 || myAsField > 0xFFFF) {
      throw new IllegalArgumentException("OPEN My AS: " + myAsField + " (expected: 0..65535)");
    }
    if (holdTimeSeconds < 0 || holdTimeSeconds > 0xFFFF) {
      throw new IllegalArgumentException(
          "OPEN hold time: " + holdTimeSeconds + " (expected: 0..65535)");
    }
    capabilities = List.copyOf(capabilities);
  }

  /** An OPEN for {@code asn}, putting AS_TRANS in the 2-octet field when it does not fit. */
  public static Open of(
      long asn, int holdTimeSeconds, IpAddress bgpIdentifier, List<Capability> capabilities) {
    int field = asn > 0xFFFF ? AS_TRANS : (int) asn;
    return new Open(VERSION, field, holdTimeSeconds, bgpIdentifier, capabilities);
  }

  /** The speaker's ASN: from the 4-octet AS capability if present, else the 2-octet field. */
  public long asn() {
    return fourOctetAs().map(Capability.FourOctetAs::asn).orElse((long) myAsField);
  }

  public Optional<Capability.FourOctetAs> fourOctetAs() {
    return find(Capability.FourOctetAs.class);
  }

  public Optional<Capability.GracefulRestart> gracefulRestart() {
    return find(Capability.GracefulRestart.class);
  }

  public boolean supportsRouteRefresh() {
    return find(Capability.RouteRefreshCapability.class).isPresent();
  }

  public boolean supports(AddressFamily family) {
    return capabilities.contains(new Capability.MultiProtocol(family));
  }

  /** True when the OPEN carries no MP capability (RFC 4760 §8: then only IPv4 unicast). */
  public boolean hasNoMultiProtocol() {
    return find(Capability.MultiProtocol.class).isEmpty();
  }

  private <T extends Capability> Optional<T> find(Class<T> type) {
    return capabilities.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  @Override
  public int type() {
    return TYPE;
  }
}

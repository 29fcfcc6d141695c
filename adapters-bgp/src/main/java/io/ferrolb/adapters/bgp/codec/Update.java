package io.ferrolb.adapters.bgp.codec;

import io.ferrolb.domain.pool.Cidr;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * UPDATE (RFC 4271 §4.3): IPv4 withdrawn routes, path attributes, IPv4 NLRI. Other families travel
 * in MP_REACH_NLRI / MP_UNREACH_NLRI attributes (RFC 4760).
 *
 * @param treatedAsWithdraw for a received UPDATE whose attributes were malformed in a way RFC 7606
 *     answers with "treat-as-withdraw" (§2, §7): why. Its NLRI and MP_REACH_NLRI routes are then to
 *     be taken as withdrawn, and the session stays up; {@link #attributes} holds the attributes
 *     that did decode. Never encoded.
 */
public record Update(
    List<Cidr> withdrawn,
    List<PathAttribute> attributes,
    List<Cidr> nlri,
    Optional<String> treatedAsWithdraw)
    implements BgpMessage {
  static final int TYPE = 2;

  public Update(List<Cidr> withdrawn, List<PathAttribute> attributes, List<Cidr> nlri) {
    this(withdrawn, attributes, nlri, Optional.empty());
  }

  public Update {
    withdrawn = List.copyOf(withdrawn);
    attributes = List.copyOf(attributes);
    nlri = List.copyOf(nlri);
    Objects.requireNonNull(treatedAsWithdraw, "treatedAsWithdraw");
    for (Cidr c : withdrawn) {
      requireV4(c, "withdrawn");
    }
    for (Cidr c : nlri) {
      requireV4(c, "NLRI");
    }
  }

  private static void requireV4(Cidr c, String field) {
    if (!c.network().isV4()) {
      throw new IllegalArgumentException(
          "UPDATE " + field + " prefix " + c + " (expected: IPv4; IPv6 goes in MP attributes)");
    }
  }

  /** End-of-RIB marker (RFC 4724 §2): empty UPDATE for IPv4, empty MP_UNREACH otherwise. */
  public static Update endOfRib(AddressFamily family) {
    if (family.equals(AddressFamily.IPV4_UNICAST)) {
      return new Update(List.of(), List.of(), List.of());
    }
    return new Update(
        List.of(), List.of(new PathAttribute.MpUnreach(family, List.of())), List.of());
  }

  /** The family this UPDATE marks as End-of-RIB, if it is such a marker. */
  public Optional<AddressFamily> endOfRibFamily() {
    if (!withdrawn.isEmpty() || !nlri.isEmpty()) {
      return Optional.empty();
    }
    if (attributes.isEmpty()) {
      return Optional.of(AddressFamily.IPV4_UNICAST);
    }
    if (attributes.size() == 1
        && attributes.get(0) instanceof PathAttribute.MpUnreach u
        && u.withdrawn().isEmpty()) {
      return Optional.of(u.family());
    }
    return Optional.empty();
  }

  public <T extends PathAttribute> Optional<T> attribute(Class<T> type) {
    return attributes.stream().filter(type::isInstance).map(type::cast).findFirst();
  }

  @Override
  public int type() {
    return TYPE;
  }
}

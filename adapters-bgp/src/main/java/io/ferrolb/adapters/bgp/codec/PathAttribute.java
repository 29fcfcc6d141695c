package io.ferrolb.adapters.bgp.codec;

import io.ferrolb.domain.pool.Cidr;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpFamily;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A path attribute of an UPDATE (RFC 4271 §4.3, §5). */
public sealed interface PathAttribute
    permits PathAttribute.Origin,
        PathAttribute.AsPath,
        PathAttribute.NextHop,
        PathAttribute.MultiExitDisc,
        PathAttribute.LocalPref,
        PathAttribute.Communities,
        PathAttribute.MpReach,
        PathAttribute.MpUnreach,
        PathAttribute.LargeCommunities,
        PathAttribute.Unknown {

  int ORIGIN = 1;
  int AS_PATH = 2;
  int NEXT_HOP = 3;
  int MULTI_EXIT_DISC = 4;
  int LOCAL_PREF = 5;
  int ATOMIC_AGGREGATE = 6; // RFC 4271 §5.1.6: well-known discretionary, no value
  int COMMUNITIES = 8; // RFC 1997
  int MP_REACH_NLRI = 14; // RFC 4760 §3
  int MP_UNREACH_NLRI = 15; // RFC 4760 §4
  int LARGE_COMMUNITY = 32; // RFC 8092 §3

  int typeCode();

  /** ORIGIN values (RFC 4271 §5.1.1). */
  enum OriginType {
    IGP,
    EGP,
    INCOMPLETE
  }

  record Origin(OriginType value) implements PathAttribute {
    public static final Origin IGP = new Origin(OriginType.IGP);

    public Origin {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public int typeCode() {
      return ORIGIN;
    }
  }

  /** AS_PATH segment types (RFC 4271 §4.3; RFC 5065 for the confederation types). */
  enum SegmentType {
    AS_SET(1),
    AS_SEQUENCE(2),
    AS_CONFED_SEQUENCE(3),
    AS_CONFED_SET(4);

    private final int code;

    SegmentType(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    static Optional<SegmentType> of(int code) {
      for (SegmentType t : values()) {
        if (t.code == code) {
          return Optional.of(t);
        }
      }
      return Optional.empty();
    }
  }

  record Segment(SegmentType type, List<Long> asns) {
    public Segment {
      Objects.requireNonNull(type, "type");
      asns = List.copyOf(asns);
      if (asns.isEmpty() || asns.size() > 255) {
        throw new IllegalArgumentException(
            "AS_PATH segment: " + asns.size() + " ASNs (expected: 1..255)");
      }
    }
  }

  /** AS_PATH; ASNs are 4 octets on the wire when both speakers negotiated RFC 6793. */
  record AsPath(List<Segment> segments) implements PathAttribute {
    public static final AsPath EMPTY = new AsPath(List.of());

    public AsPath {
      segments = List.copyOf(segments);
    }

    public static AsPath sequence(long... asns) {
      return new AsPath(
          List.of(
              new Segment(
                  SegmentType.AS_SEQUENCE, java.util.Arrays.stream(asns).boxed().toList())));
    }

    @Override
    public int typeCode() {
      return AS_PATH;
    }
  }

  record NextHop(IpAddress address) implements PathAttribute {
    public NextHop {
      Objects.requireNonNull(address, "address");
      if (!address.isV4()) {
        throw new IllegalArgumentException(
            "NEXT_HOP: " + address + " (expected: IPv4; IPv6 goes in MP_REACH_NLRI)");
      }
    }

    @Override
    public int typeCode() {
      return NEXT_HOP;
    }
  }

  record MultiExitDisc(long value) implements PathAttribute {
    @Override
    public int typeCode() {
      return MULTI_EXIT_DISC;
    }
  }

  record LocalPref(long value) implements PathAttribute {
    public LocalPref {
      if (value < 0 || value > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("LOCAL_PREF: " + value + " (expected: 0..4294967295)");
      }
    }

    @Override
    public int typeCode() {
      return LOCAL_PREF;
    }
  }

  record Communities(List<Community> values) implements PathAttribute {
    public Communities {
      values = List.copyOf(values);
    }

    @Override
    public int typeCode() {
      return COMMUNITIES;
    }
  }

  record LargeCommunities(List<LargeCommunity> values) implements PathAttribute {
    public LargeCommunities {
      values = List.copyOf(values);
    }

    @Override
    public int typeCode() {
      return LARGE_COMMUNITY;
    }
  }

  /**
   * MP_REACH_NLRI for a unicast family we carry as Cidrs. IPv6 has a global next hop and, for
   * link-local sessions, a link-local one (RFC 2545 §3).
   */
  record MpReach(
      AddressFamily family,
      IpAddress nextHop,
      Optional<IpAddress> linkLocalNextHop,
      List<Cidr> nlri)
      implements PathAttribute {
    public MpReach {
      Objects.requireNonNull(family, "family");
      Objects.requireNonNull(nextHop, "nextHop");
      Objects.requireNonNull(linkLocalNextHop, "linkLocalNextHop");
      nlri = List.copyOf(nlri);
      IpFamily f =
          family
              .ipFamily()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "MP_REACH family: " + family + " (expected: ipv4/ipv6 unicast)"));
      for (Cidr c : nlri) {
        if (c.family() != f) {
          throw new IllegalArgumentException("MP_REACH " + family + " prefix: " + c);
        }
      }
      if (nextHop.family() != f) {
        throw new IllegalArgumentException(
            "MP_REACH " + family + " next hop: " + nextHop + " (expected: same family)");
      }
    }

    @Override
    public int typeCode() {
      return MP_REACH_NLRI;
    }
  }

  record MpUnreach(AddressFamily family, List<Cidr> withdrawn) implements PathAttribute {
    public MpUnreach {
      Objects.requireNonNull(family, "family");
      withdrawn = List.copyOf(withdrawn);
    }

    @Override
    public int typeCode() {
      return MP_UNREACH_NLRI;
    }
  }

  /**
   * Any other attribute (and MP attributes of families we do not carry), kept raw. {@code flags}
   * never has the extended-length bit: that is a property of one encoding (the encoder sets it when
   * the value needs it), so one attribute read from two encodings is one value.
   */
  record Unknown(int flags, int typeCode, Octets value) implements PathAttribute {
    public Unknown {
      Objects.requireNonNull(value, "value");
    }
  }
}

package io.ferrolb.adapters.bgp.codec;

import java.util.List;
import java.util.Objects;

/** A capability advertised in OPEN (RFC 5492). */
public sealed interface Capability
    permits Capability.MultiProtocol,
        Capability.RouteRefreshCapability,
        Capability.FourOctetAs,
        Capability.GracefulRestart,
        Capability.Unknown {

  int MULTIPROTOCOL = 1; // RFC 4760 §8
  int ROUTE_REFRESH = 2; // RFC 2918 §2
  int GRACEFUL_RESTART = 64; // RFC 4724 §3
  int FOUR_OCTET_AS = 65; // RFC 6793 §3

  int code();

  /** MP-BGP support for one AFI/SAFI (RFC 4760 §8). */
  record MultiProtocol(AddressFamily family) implements Capability {
    public MultiProtocol {
      Objects.requireNonNull(family, "family");
    }

    @Override
    public int code() {
      return MULTIPROTOCOL;
    }
  }

  /** Route refresh (RFC 2918). */
  record RouteRefreshCapability() implements Capability {
    @Override
    public int code() {
      return ROUTE_REFRESH;
    }
  }

  /** 4-octet AS number support, carrying the speaker's real ASN (RFC 6793 §3). */
  record FourOctetAs(long asn) implements Capability {
    public FourOctetAs {
      if (asn < 0 || asn > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("ASN: " + asn + " (expected: 0..4294967295)");
      }
    }

    @Override
    public int code() {
      return FOUR_OCTET_AS;
    }
  }

  /**
   * Graceful restart (RFC 4724 §3): R bit (restarting), N bit (RFC 8538), restart time (12 bits,
   * seconds), per AFI/SAFI the forwarding-state-preserved bit.
   */
  record GracefulRestart(
      boolean restarting, boolean notification, int restartTimeSeconds, List<GrFamily> families)
      implements Capability {
    public GracefulRestart {
      if (restartTimeSeconds < 0 || restartTimeSeconds > 0xFFF) {
        throw new IllegalArgumentException(
            "graceful restart time: " + restartTimeSeconds + "s (expected: 0..4095)");
      }
      families = List.copyOf(families);
    }

    @Override
    public int code() {
      return GRACEFUL_RESTART;
    }
  }

  /** One AFI/SAFI tuple of the graceful restart capability. */
  record GrFamily(AddressFamily family, boolean forwardingPreserved) {
    public GrFamily {
      Objects.requireNonNull(family, "family");
    }
  }

  /** Any other capability, kept as raw bytes (we never act on it). */
  record Unknown(int code, Octets value) implements Capability {
    public Unknown {
      Objects.requireNonNull(value, "value");
      if (code < 0 || code > 0xFF) {
        throw new IllegalArgumentException("capability code: " + code + " (expected: 0..255)");
      }
    }
  }
}

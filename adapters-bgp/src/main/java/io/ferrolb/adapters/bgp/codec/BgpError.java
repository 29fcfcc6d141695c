package io.ferrolb.adapters.bgp.codec;

import java.util.Optional;

/** NOTIFICATION error code and subcode pairs (RFC 4271 §4.5, §6; RFC 4486; RFC 5492; RFC 9384). */
public enum BgpError {
  MESSAGE_HEADER_ERROR(1, 0),
  CONNECTION_NOT_SYNCHRONIZED(1, 1),
  BAD_MESSAGE_LENGTH(1, 2),
  BAD_MESSAGE_TYPE(1, 3),
  OPEN_MESSAGE_ERROR(2, 0),
  UNSUPPORTED_VERSION_NUMBER(2, 1),
  BAD_PEER_AS(2, 2),
  BAD_BGP_ID(2, 3),
  UNSUPPORTED_OPTIONAL_PARAMETER(2, 4),
  HOLD_TIME_NOT_ACCEPTABLE(2, 6),
  UNSUPPORTED_CAPABILITY(2, 7), // RFC 5492 §5
  UPDATE_MESSAGE_ERROR(3, 0),
  MALFORMED_ATTRIBUTE_LIST(3, 1),
  UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE(3, 2),
  MISSING_WELL_KNOWN_ATTRIBUTE(3, 3),
  ATTRIBUTE_FLAGS_ERROR(3, 4),
  ATTRIBUTE_LENGTH_ERROR(3, 5),
  INVALID_ORIGIN_ATTRIBUTE(3, 6),
  INVALID_NEXT_HOP_ATTRIBUTE(3, 8),
  OPTIONAL_ATTRIBUTE_ERROR(3, 9),
  INVALID_NETWORK_FIELD(3, 10),
  MALFORMED_AS_PATH(3, 11),
  HOLD_TIMER_EXPIRED(4, 0),
  FSM_ERROR(5, 0),
  CEASE(6, 0),
  CEASE_ADMINISTRATIVE_SHUTDOWN(6, 2), // RFC 4486 §4
  CEASE_PEER_DECONFIGURED(6, 3),
  CEASE_ADMINISTRATIVE_RESET(6, 4),
  CEASE_OTHER_CONFIGURATION_CHANGE(6, 6),
  CEASE_BFD_DOWN(6, 10), // RFC 9384
  ROUTE_REFRESH_INVALID_LENGTH(7, 1); // RFC 7313 §5

  private final int code;
  private final int subcode;

  BgpError(int code, int subcode) {
    this.code = code;
    this.subcode = subcode;
  }

  public int code() {
    return code;
  }

  public int subcode() {
    return subcode;
  }

  /** The named error for a received code/subcode pair, if we know it. */
  public static Optional<BgpError> of(int code, int subcode) {
    for (BgpError e : values()) {
      if (e.code == code && e.subcode == subcode) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name() + "(" + code + "/" + subcode + ")";
  }
}

package io.ferrolb.adapters.bgp.codec;

/** A BGP-4 message (RFC 4271 §4; ROUTE-REFRESH from RFC 2918). */
public sealed interface BgpMessage permits Open, Update, Notification, Keepalive, RouteRefresh {
  /** The message type octet of the header (RFC 4271 §4.1). */
  int type();
}

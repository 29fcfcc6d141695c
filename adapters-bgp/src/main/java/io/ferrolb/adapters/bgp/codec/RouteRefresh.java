package io.ferrolb.adapters.bgp.codec;

import java.util.Objects;

/** ROUTE-REFRESH for one AFI/SAFI (RFC 2918 §3). */
public record RouteRefresh(AddressFamily family) implements BgpMessage {
  static final int TYPE = 5;

  public RouteRefresh {
    Objects.requireNonNull(family, "family");
  }

  @Override
  public int type() {
    return TYPE;
  }
}

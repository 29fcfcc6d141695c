package io.ferrolb.adapters.bgp.bfd;

/** BFD session states, wire values (RFC 5880 §4.1). */
public enum BfdState {
  ADMIN_DOWN,
  DOWN,
  INIT,
  UP;

  static BfdState ofWire(int v) {
    return values()[v & 0x3];
  }
}

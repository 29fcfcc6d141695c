package io.ferrolb.adapters.bgp.codec;

/** KEEPALIVE: a header only (RFC 4271 §4.4). */
public record Keepalive() implements BgpMessage {
  public static final Keepalive INSTANCE = new Keepalive();
  static final int TYPE = 4;

  @Override
  public int type() {
    return TYPE;
  }
}

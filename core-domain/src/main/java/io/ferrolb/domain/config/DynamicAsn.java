package io.ferrolb.domain.config;

/** {@code BGPPeer.spec.dynamicASN}: accept whatever ASN the peer announces, of this kind. */
public enum DynamicAsn {
  /** The peer's ASN equals myASN (iBGP). */
  INTERNAL("internal"),
  /** The peer's ASN differs from myASN (eBGP). */
  EXTERNAL("external");

  private final String text;

  DynamicAsn(String text) {
    this.text = text;
  }

  /** The spelling in the CRD. */
  public String text() {
    return text;
  }
}

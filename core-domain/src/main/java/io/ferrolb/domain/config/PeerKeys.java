package io.ferrolb.domain.config;

/** Field names of a peer in CRD (camelCase) and legacy (kebab-case) spelling. */
enum PeerKeys {
  CRD,
  LEGACY;

  String k(String camel) {
    if (this == CRD) {
      return camel;
    }
    return switch (camel) {
      case "myASN" -> "my-asn";
      case "peerASN" -> "peer-asn";
      case "peerAddress" -> "peer-address";
      case "peerPort" -> "peer-port";
      case "sourceAddress" -> "source-address";
      case "holdTime" -> "hold-time";
      case "keepaliveTime" -> "keepalive-time";
      case "routerID" -> "router-id";
      case "bfdProfile" -> "bfd-profile";
      case "ebgpMultiHop" -> "ebgp-multihop";
      case "nodeSelectors" -> "node-selectors";
      default -> camel;
    };
  }
}

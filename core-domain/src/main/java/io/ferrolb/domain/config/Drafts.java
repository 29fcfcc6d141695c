package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Problems.Src;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.LabelSelector;
import io.ferrolb.domain.pool.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the readers produce per object, kept with positions for the cross-object checks. */
final class Drafts {

  private Drafts() {}

  /** One address entry of a pool with where it was written. */
  record RangeAt(IpRange range, String field, String text) {}

  /** A pool being read. {@code pool} is empty when the object had errors that prevent it. */
  record PoolDraft(
      Src src, String name, String nameField, List<RangeAt> ranges, Optional<Pool> pool) {}

  /** Fields shared by both advertisement kinds for cross-object resolution. */
  static final class AdRefs {
    final Src src;
    final String name;
    final String path;
    final boolean legacy;
    String poolsField = "";
    Map<Integer, String> poolNames = new LinkedHashMap<>();
    List<LabelSelector> poolSelectors = new ArrayList<>();
    boolean poolSelectorsGiven;
    List<String> resolvedPools = new ArrayList<>();

    AdRefs(Src src, String name, String path, boolean legacy) {
      this.src = src;
      this.name = name;
      this.path = path;
      this.legacy = legacy;
    }
  }

  static final class L2Draft {
    final AdRefs refs;
    final ImmutableL2Advertisement.Builder builder;

    L2Draft(AdRefs refs, ImmutableL2Advertisement.Builder builder) {
      this.refs = refs;
      this.builder = builder;
    }
  }

  static final class BgpAdDraft {
    final AdRefs refs;
    final ImmutableBgpAdvertisement.Builder builder;
    int aggregationLength = BgpAdvertisement.DEFAULT_AGGREGATION_LENGTH;
    int aggregationLengthV6 = BgpAdvertisement.DEFAULT_AGGREGATION_LENGTH_V6;
    String aggregationField = "";
    String aggregationV6Field = "";
    boolean hasLocalPref;
    long localPref;
    List<LabelSelector> nodeSelectors = new ArrayList<>();
    boolean hasServiceSelectors;
    String localPrefField = "";
    String communitiesField = "";
    Map<Integer, String> communities = new LinkedHashMap<>();
    String peersField = "";
    Map<Integer, String> peers = new LinkedHashMap<>();

    BgpAdDraft(AdRefs refs, ImmutableBgpAdvertisement.Builder builder) {
      this.refs = refs;
      this.builder = builder;
    }
  }

  static final class PeerDraft {
    final Src src;
    final String name;
    final String nameField;
    final ImmutableBgpPeer.Builder builder;
    String bfdField = "";
    Optional<String> bfdProfile = Optional.empty();
    boolean ibgp;
    boolean ipv6Peer;
    String peerAddressText = "";

    /** MetalLB's peer identity: the address or interface, and the VRF. */
    String sessionKey = "";

    String vrf = "";
    List<LabelSelector> nodeSelectors = List.of();
    long myAsn = -1;
    String routerId = "";
    String routerIdField = "";
    String myAsnField = "";

    String sessionField = "";

    PeerDraft(Src src, String name, String nameField, ImmutableBgpPeer.Builder builder) {
      this.src = src;
      this.name = name;
      this.nameField = nameField;
      this.builder = builder;
    }
  }

  /** A named thing with where it was first defined, for duplicate detection. */
  record Defined(Src src, String field) {
    String where() {
      return src.object() + (src.origin().isEmpty() ? "" : " at " + src.origin());
    }
  }
}

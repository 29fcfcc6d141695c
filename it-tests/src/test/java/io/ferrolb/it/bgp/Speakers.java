package io.ferrolb.it.bgp;

import java.util.ArrayList;
import java.util.List;

/** The speaker processes one test starts against a router; closed after each test. */
final class Speakers implements AutoCloseable {
  private final List<SpeakerProcess> running = new ArrayList<>();

  /** Starts {@link SpeakerMain} in {@code node}'s namespace as AS {@code asn}. */
  SpeakerProcess start(Lab.Host node, long asn, String... args) throws Exception {
    List<String> a =
        new ArrayList<>(List.of("--asn", String.valueOf(asn), "--router-id", node.v4()));
    a.addAll(List.of(args));
    SpeakerProcess p = SpeakerProcess.start(node.ns(), a);
    running.add(p);
    return p;
  }

  /**
   * The three-node ECMP set-up every router test makes: N1, N2 and N3 each announce {@code prefix}
   * as AS {@code asn} to {@code peer} ({@code address,asn}), N3 over a TCP-MD5 session keyed {@code
   * md5}.
   */
  void startThreeAnnouncing(String peer, long asn, String md5, String prefix) throws Exception {
    start(Lab.N1, asn, "--peer", peer, "--adv", prefix);
    start(Lab.N2, asn, "--peer", peer, "--adv", prefix);
    start(Lab.N3, asn, "--peer", peer + ",password=" + md5, "--adv", prefix);
  }

  /**
   * True if {@code routerOutput} names all three nodes, N1 to N3, each right after {@code before}
   * ({@code "via "} in a kernel route, empty in a RIB listing).
   */
  static boolean namesAllThree(String routerOutput, String before) {
    return routerOutput.contains(before + Lab.N1.v4())
        && routerOutput.contains(before + Lab.N2.v4())
        && routerOutput.contains(before + Lab.N3.v4());
  }

  /** The test stopped {@code p} itself (killed, or closed to check what follows). */
  void forget(SpeakerProcess p) {
    running.remove(p);
  }

  @Override
  public void close() throws Exception {
    for (SpeakerProcess s : running) {
      s.close();
    }
    running.clear();
  }
}

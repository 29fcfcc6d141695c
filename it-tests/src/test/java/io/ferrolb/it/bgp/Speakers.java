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

package io.ferrolb.adapters.bgp.bfd;

import java.util.Objects;

/**
 * The BFD state machine (RFC 5880 §6.2, reception rules of §6.8.6) as pure functions over an
 * immutable session record. Asynchronous mode, no echo, no demand, no authentication.
 */
public final class BfdFsm {
  /** RFC 5880 §6.8.3: while not Up, transmit no faster than once per second. */
  public static final long SLOW_TX_MICROS = 1_000_000;

  private BfdFsm() {}

  /** Session variables (RFC 5880 §6.8.1) that change with received packets. */
  public record Session(
      BfdState state,
      int localDiagnostic,
      long localDiscriminator,
      long remoteDiscriminator,
      long remoteMinRxMicros,
      long remoteDesiredTxMicros,
      int remoteDetectMultiplier,
      boolean pollPending) {
    public Session {
      Objects.requireNonNull(state, "state");
    }

    public static Session initial(long localDiscriminator) {
      return new Session(BfdState.DOWN, BfdPacket.DIAG_NONE, localDiscriminator, 0, 1, 0, 0, false);
    }

    Session withState(BfdState s, int diag) {
      return new Session(
          s,
          diag,
          localDiscriminator,
          remoteDiscriminator,
          remoteMinRxMicros,
          remoteDesiredTxMicros,
          remoteDetectMultiplier,
          pollPending);
    }
  }

  /** Result of receiving a packet: the new session and whether to answer with Final at once. */
  public record Received(Session session, boolean sendFinal) {}

  public static Received receive(Session s, BfdPacket p) {
    if (s.state() == BfdState.ADMIN_DOWN) {
      return new Received(s, false);
    }
    boolean pollDone = s.pollPending() && p.fin();
    Session n =
        new Session(
            s.state(),
            s.localDiagnostic(),
            s.localDiscriminator(),
            p.myDiscriminator(),
            p.requiredMinRxMicros(),
            p.desiredMinTxMicros(),
            p.detectMultiplier(),
            s.pollPending() && !pollDone);
    if (p.state() == BfdState.ADMIN_DOWN) {
      if (n.state() != BfdState.DOWN) {
        n = n.withState(BfdState.DOWN, BfdPacket.DIAG_NEIGHBOR_SIGNALED_DOWN);
      }
    } else {
      switch (n.state()) {
        case DOWN -> {
          if (p.state() == BfdState.DOWN) {
            n = n.withState(BfdState.INIT, n.localDiagnostic());
          } else if (p.state() == BfdState.INIT) {
            n = up(n);
          }
        }
        case INIT -> {
          if (p.state() == BfdState.INIT || p.state() == BfdState.UP) {
            n = up(n);
          }
        }
        case UP -> {
          if (p.state() == BfdState.DOWN) {
            n = n.withState(BfdState.DOWN, BfdPacket.DIAG_NEIGHBOR_SIGNALED_DOWN);
          }
        }
        case ADMIN_DOWN -> {}
      }
    }
    return new Received(n, p.poll());
  }

  private static Session up(Session s) {
    // going Up lowers our transmit interval from the 1 s floor: a Poll sequence announces it
    Session u = s.withState(BfdState.UP, BfdPacket.DIAG_NONE);
    return new Session(
        u.state(),
        u.localDiagnostic(),
        u.localDiscriminator(),
        u.remoteDiscriminator(),
        u.remoteMinRxMicros(),
        u.remoteDesiredTxMicros(),
        u.remoteDetectMultiplier(),
        true);
  }

  /** The detection time passed without a packet (RFC 5880 §6.8.4). */
  public static Session detectionTimeout(Session s) {
    if (s.state() == BfdState.INIT || s.state() == BfdState.UP) {
      Session d = s.withState(BfdState.DOWN, BfdPacket.DIAG_DETECTION_TIME_EXPIRED);
      return new Session(d.state(), d.localDiagnostic(), d.localDiscriminator(), 0, 1, 0, 0, false);
    }
    return s;
  }

  /** Our DesiredMinTx: the configured value when Up, at least 1 s otherwise (§6.8.3). */
  public static long desiredMinTx(Session s, long configuredMicros) {
    return s.state() == BfdState.UP ? configuredMicros : Math.max(SLOW_TX_MICROS, configuredMicros);
  }

  /** The interval between our packets before jitter: max(our desired TX, their required RX). */
  public static long txInterval(Session s, long configuredTxMicros) {
    return Math.max(desiredMinTx(s, configuredTxMicros), s.remoteMinRxMicros());
  }

  /** Detection time in asynchronous mode (§6.8.4): their mult × max(our RX, their TX). */
  public static long detectionTime(Session s, long configuredRxMicros) {
    return (long) s.remoteDetectMultiplier()
        * Math.max(configuredRxMicros, s.remoteDesiredTxMicros());
  }

  /** The packet to send now. */
  public static BfdPacket packet(
      Session s, boolean fin, int detectMultiplier, long txMicros, long rxMicros) {
    return new BfdPacket(
        s.localDiagnostic(),
        s.state(),
        s.pollPending() && !fin,
        fin,
        detectMultiplier,
        s.localDiscriminator(),
        s.remoteDiscriminator(),
        desiredMinTx(s, txMicros),
        rxMicros,
        0);
  }

  /**
   * Whether a control packet may be sent now: a system in the Passive role sends nothing while it
   * has not heard from the peer, i.e. while bfd.RemoteDiscr is zero (RFC 5880 §6.1, §6.8.7).
   */
  static boolean maySend(Session s, boolean passive) {
    return !passive || s.remoteDiscriminator() != 0;
  }
}

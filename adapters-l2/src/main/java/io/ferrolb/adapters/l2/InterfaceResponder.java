package io.ferrolb.adapters.l2;

import io.ferrolb.adapters.l2.iface.SelectedInterface;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One interface: a thread that reads frames, asks {@link PacketProcessor}, sends replies. */
final class InterfaceResponder {
  private static final Logger LOG = LoggerFactory.getLogger(InterfaceResponder.class);

  private final SelectedInterface iface;
  private final LocalInterface local;
  private final L2Channel channel;
  private final Supplier<OwnedAddresses> owned;
  private final Stats stats;
  private final Thread thread;
  private volatile boolean running;

  /** Where the thread reports; implemented by {@link L2Responder}. */
  interface Stats {
    AddressCounters counters(io.ferrolb.domain.pool.IpAddress ip);

    void dropped(DropReason reason);
  }

  private final int realtimePriority;

  InterfaceResponder(
      SelectedInterface iface,
      L2Channel channel,
      Supplier<OwnedAddresses> owned,
      Stats stats,
      int realtimePriority) {
    this.realtimePriority = realtimePriority;
    this.iface = iface;
    this.local = new LocalInterface(iface.name(), iface.mac());
    this.channel = channel;
    this.owned = owned;
    this.stats = stats;
    this.thread = new Thread(this::run, "ferrolb-l2-" + iface.name());
    this.thread.setDaemon(true);
  }

  SelectedInterface iface() {
    return iface;
  }

  L2Channel channel() {
    return channel;
  }

  void start() {
    running = true;
    thread.start();
  }

  private void run() {
    if (realtimePriority > 0) {
      String failed = RealtimeThread.trySetFifo(realtimePriority);
      if (failed == null) {
        LOG.info(
            "l2ResponderRealtime interface={} fifoPriority={}", iface.name(), realtimePriority);
      } else {
        LOG.warn(
            "l2ResponderRealtime interface={} not set ({}; needs CAP_SYS_NICE): answers may wait"
                + " behind other work on a busy node",
            iface.name(),
            failed);
      }
    }
    LOG.info(
        "l2ResponderStarted interface={} mac={} arp={} ndp={}",
        iface.name(),
        iface.mac(),
        iface.arp(),
        iface.ndp());
    try {
      channel.receiveLoop(this::onFrame);
    } catch (IOException | RuntimeException e) {
      if (running) {
        LOG.warn("l2ResponderFailed interface={}: {}", iface.name(), e.toString());
      }
    }
  }

  void onFrame(byte[] frame) {
    FrameVerdict v = PacketProcessor.process(ByteBuffer.wrap(frame), local, owned.get());
    if (v instanceof FrameVerdict.Reply r) {
      AddressCounters c = stats.counters(r.target());
      c.requestsReceived.incrementAndGet();
      try {
        channel.send(r.frame());
        c.responsesSent.incrementAndGet();
      } catch (IOException | RuntimeException e) {
        LOG.warn("replyFailed interface={} ip={}: {}", iface.name(), r.target(), e.toString());
      }
    } else {
      FrameVerdict.Drop d = (FrameVerdict.Drop) v;
      stats.dropped(d.reason());
      if (LOG.isDebugEnabled()) {
        LOG.debug("dropped interface={} reason={} {}", iface.name(), d.reason(), d.detail());
      }
    }
  }

  /** Stops the thread, waits for it, closes the channel. */
  void stop() {
    running = false;
    channel.stopReceiving();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("l2ResponderStuck interface={}: thread did not stop in 2 s", iface.name());
    }
    channel.close();
    LOG.info("l2ResponderStopped interface={}", iface.name());
  }
}

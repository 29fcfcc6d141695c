package io.ferrolb.adapters.l2;

import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** In-memory channel: frames put into {@link #inbound} are received, sent frames are recorded. */
final class FakeL2Channel implements L2Channel {
  final BlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
  final List<byte[]> sent = new CopyOnWriteArrayList<>();
  volatile Set<IpAddress> groups = Set.of();
  volatile boolean stopped;
  volatile boolean closed;

  @Override
  public void receiveLoop(Consumer<byte[]> handler) {
    while (!stopped) {
      try {
        byte[] f = inbound.poll(10, TimeUnit.MILLISECONDS);
        if (f != null) {
          handler.accept(f);
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void stopReceiving() {
    stopped = true;
  }

  @Override
  public void send(byte[] frame) {
    sent.add(frame);
  }

  @Override
  public void setMulticastGroups(Set<IpAddress> groups) {
    this.groups = Set.copyOf(groups);
  }

  @Override
  public void close() {
    closed = true;
  }
}

package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.bfd.BfdEndpoint;
import io.ferrolb.adapters.bgp.bfd.BfdState;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Owns the epoll event loops; opens sessions on them. One per process; all sessions of a node share
 * it. Linux only (native epoll, needed for TCP-MD5).
 */
public final class BgpSpeaker implements AutoCloseable {
  private final EventLoopGroup group;
  private BfdEndpoint bfd;

  public BgpSpeaker() {
    this(1);
  }

  public BgpSpeaker(int threads) {
    this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
  }

  /** Creates and starts a session: it dials the peer and retries with back-off until closed. */
  public BgpSession open(BgpSessionConfig config, BgpSessionListener listener) {
    BgpSession s = new BgpSession(config, group.next(), listener);
    config
        .bfd()
        .ifPresent(
            settings -> {
              AtomicReference<BfdState> last = new AtomicReference<>(BfdState.DOWN);
              s.attachBfd(
                  bfd()
                      .open(
                          config.peerAddress(),
                          config.sourceAddress(),
                          settings,
                          state -> {
                            // RFC 5882 §4.3: a BFD Down after Up takes the session down at once
                            if (last.getAndSet(state) == BfdState.UP && state != BfdState.UP) {
                              s.bfdDown();
                            }
                          }));
            });
    s.start();
    return s;
  }

  private synchronized BfdEndpoint bfd() {
    if (bfd == null) {
      bfd = new BfdEndpoint(group);
    }
    return bfd;
  }

  public BgpSession open(BgpSessionConfig config) {
    return open(config, BgpSessionListener.NONE);
  }

  /** Stops the event loops. Close the sessions first: this sends no NOTIFICATION. */
  @Override
  public void close() {
    synchronized (this) {
      if (bfd != null) {
        bfd.close();
      }
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}

package io.ferrolb.adapters.bgp.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.concurrent.TimeUnit;

/**
 * Owns the epoll event loops; opens sessions on them. One per process; all sessions of a node share
 * it. Linux only (native epoll, needed for TCP-MD5).
 */
public final class BgpSpeaker implements AutoCloseable {
  private final EventLoopGroup group;

  public BgpSpeaker() {
    this(1);
  }

  public BgpSpeaker(int threads) {
    this.group = new MultiThreadIoEventLoopGroup(threads, EpollIoHandler.newFactory());
  }

  /** Creates and starts a session: it dials the peer and retries with back-off until closed. */
  public BgpSession open(BgpSessionConfig config, BgpSessionListener listener) {
    BgpSession s = new BgpSession(config, group.next(), listener);
    s.start();
    return s;
  }

  public BgpSession open(BgpSessionConfig config) {
    return open(config, BgpSessionListener.NONE);
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}

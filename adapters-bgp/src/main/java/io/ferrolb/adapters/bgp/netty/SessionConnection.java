package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.codec.BgpMessage;
import io.ferrolb.adapters.bgp.codec.Update;
import io.ferrolb.adapters.bgp.fsm.Event;
import io.ferrolb.domain.pool.IpAddress;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The TCP connection a {@link BgpSession} now uses: dials it ({@link BgpChannels}), writes to it,
 * closes it, and feeds what happens on it to the FSM as events (connected, failed, closed, and,
 * through {@link SessionInbound}, received messages). A new dial replaces the channel; events of a
 * channel that is no longer current are dropped. Writes without a connection are dropped too. Event
 * loop only.
 */
final class SessionConnection {
  private final BgpSessionConfig config;
  private final EventLoop loop;
  private final Consumer<Event> events;
  private Channel channel;
  private long updatesSent;

  SessionConnection(BgpSessionConfig config, EventLoop loop, Consumer<Event> events) {
    this.config = config;
    this.loop = loop;
    this.events = events;
  }

  BgpSessionConfig config() {
    return config;
  }

  /** Closes the current connection, if any, and dials a new one. */
  void connect() {
    close();
    ChannelFuture f = BgpChannels.connect(config, loop, new SessionInbound(this));
    Channel ch = f.channel();
    channel = ch;
    f.addListener(
        (ChannelFutureListener)
            future -> {
              if (channel != ch) {
                return;
              }
              if (future.isSuccess()) {
                events.accept(new Event.TcpConnected());
              } else {
                channel = null;
                events.accept(new Event.TcpFailed("connect: " + future.cause().getMessage()));
              }
            });
  }

  /** Closes the connection after what was written to it. */
  void close() {
    Channel ch = channel;
    channel = null;
    if (ch != null) {
      // writes are ordered, so a NOTIFICATION written just before still goes out
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Closes the connection at once, without flushing: for a restart (no NOTIFICATION). */
  void closeNow() {
    Channel ch = channel;
    channel = null;
    if (ch != null) {
      ch.close();
    }
  }

  void write(BgpMessage m, boolean flush) {
    Channel ch = channel;
    if (ch == null) {
      return;
    }
    if (m instanceof Update) {
      updatesSent++;
    }
    if (flush) {
      ch.writeAndFlush(m, ch.voidPromise());
    } else {
      ch.write(m, ch.voidPromise());
    }
  }

  void flush() {
    if (channel != null) {
      channel.flush();
    }
  }

  /** Switches the decoder to 4-octet AS numbers (RFC 6793), as negotiated. */
  void fourOctetAs(boolean fourOctetAs) {
    if (channel != null) {
      channel.attr(BgpMessageDecoder.FOUR_OCTET_AS).set(fourOctetAs);
    }
  }

  /** UPDATEs written, over all connections. */
  long updatesSent() {
    return updatesSent;
  }

  /** This end's address of the connection, if connected. */
  Optional<IpAddress> localAddress() {
    if (channel != null && channel.localAddress() instanceof InetSocketAddress isa) {
      return Optional.of(IpAddress.fromBytes(isa.getAddress().getAddress()));
    }
    return Optional.empty();
  }

  /** The connection now in use, if any. */
  Channel currentChannel() {
    return channel;
  }

  /** From {@link SessionInbound}: an event of {@code ch}, ignored if it is no longer current. */
  void onInbound(Channel ch, Event e) {
    if (ch == channel) {
      events.accept(e);
    }
  }

  /** From {@link SessionInbound}: {@code ch} closed or failed; ignored if no longer current. */
  void onConnectionLost(Channel ch, String why) {
    if (ch == channel) {
      channel = null;
      events.accept(new Event.TcpFailed(why));
    }
  }
}

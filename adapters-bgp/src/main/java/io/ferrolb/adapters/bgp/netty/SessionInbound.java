package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.codec.BgpMessage;
import io.ferrolb.adapters.bgp.codec.BgpProtocolException;
import io.ferrolb.adapters.bgp.codec.Keepalive;
import io.ferrolb.adapters.bgp.codec.Notification;
import io.ferrolb.adapters.bgp.codec.Open;
import io.ferrolb.adapters.bgp.codec.RouteRefresh;
import io.ferrolb.adapters.bgp.codec.Update;
import io.ferrolb.adapters.bgp.fsm.Event;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The netty side of one connection of a {@link BgpSession}: turns received messages, decode errors
 * and the connection's end into FSM events. One per channel; the {@link SessionConnection} ignores
 * events from a channel that is no longer its current one.
 */
final class SessionInbound extends SimpleChannelInboundHandler<BgpMessage> {
  private static final Logger LOG = LoggerFactory.getLogger(SessionInbound.class);

  private final SessionConnection connection;
  private long treatedAsWithdraw; // this connection's UPDATEs RFC 7606 withdrew (event loop)

  SessionInbound(SessionConnection connection) {
    this.connection = connection;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, BgpMessage msg) {
    Event e;
    if (msg instanceof Open o) {
      e = new Event.OpenReceived(o);
    } else if (msg instanceof Keepalive) {
      e = new Event.KeepaliveReceived();
    } else if (msg instanceof Update u) {
      u.treatedAsWithdraw().ifPresent(why -> malformed(ctx, why));
      e = new Event.UpdateReceived(u);
    } else if (msg instanceof Notification n) {
      if (ctx.channel() == connection.currentChannel()) {
        LOG.info("peer {}: received {}", connection.config().peerAddress(), n);
      }
      e = new Event.NotificationReceived(n);
    } else if (msg instanceof RouteRefresh r) {
      e = new Event.RouteRefreshReceived(r);
    } else {
      return;
    }
    connection.onInbound(ctx.channel(), e);
  }

  /**
   * A malformed UPDATE that RFC 7606 withdraws: the session stays up (the speaker uses no route it
   * receives). Logged the 1st, 2nd, 4th, 8th... time on a connection, so a peer that sends nothing
   * else cannot flood the log.
   */
  private void malformed(ChannelHandlerContext ctx, String why) {
    treatedAsWithdraw++;
    if (ctx.channel() == connection.currentChannel()
        && (treatedAsWithdraw & (treatedAsWithdraw - 1)) == 0) {
      LOG.warn(
          "peer {}: malformed UPDATE treated as withdraw (RFC 7606), {} on this connection: {}",
          connection.config().peerAddress(),
          treatedAsWithdraw,
          why);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    connection.onConnectionLost(ctx.channel(), "connection closed by peer");
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (ctx.channel() != connection.currentChannel()) {
      return;
    }
    Throwable c =
        cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (c instanceof BgpProtocolException p) {
      LOG.warn("peer {}: malformed message: {}", connection.config().peerAddress(), p.getMessage());
      connection.onInbound(
          ctx.channel(), new Event.DecodeFailed(p.error(), p.data(), p.getMessage()));
    } else {
      connection.onInbound(ctx.channel(), new Event.TcpFailed(String.valueOf(c.getMessage())));
    }
  }
}

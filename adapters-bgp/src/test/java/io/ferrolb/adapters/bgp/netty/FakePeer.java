package io.ferrolb.adapters.bgp.netty;

import io.ferrolb.adapters.bgp.codec.BgpMessage;
import io.ferrolb.adapters.bgp.codec.BgpMessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** A blocking BGP peer on loopback for session tests: accepts one connection at a time. */
final class FakePeer implements AutoCloseable {
  private final ServerSocket server;
  private Socket socket;
  private DataInputStream in;
  private OutputStream out;

  FakePeer() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.setSoTimeout(10_000);
  }

  int port() {
    return server.getLocalPort();
  }

  void accept() throws IOException {
    socket = server.accept();
    socket.setSoTimeout(10_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  BgpMessage read(boolean as4) throws IOException {
    byte[] header = new byte[BgpMessageCodec.HEADER_LENGTH];
    in.readFully(header);
    int len = ((header[16] & 0xFF) << 8) | (header[17] & 0xFF);
    byte[] all = new byte[len];
    System.arraycopy(header, 0, all, 0, header.length);
    in.readFully(all, header.length, len - header.length);
    ByteBuf b = Unpooled.wrappedBuffer(all);
    try {
      return BgpMessageCodec.decode(b, as4);
    } finally {
      b.release();
    }
  }

  /** Reads until a message of the type arrives, skipping KEEPALIVEs. */
  <T extends BgpMessage> T expect(Class<T> type, boolean as4) throws IOException {
    while (true) {
      BgpMessage m = read(as4);
      if (type.isInstance(m)) {
        return type.cast(m);
      }
      if (!(m instanceof io.ferrolb.adapters.bgp.codec.Keepalive)) {
        throw new AssertionError("expected " + type.getSimpleName() + ", got " + m);
      }
    }
  }

  void send(BgpMessage m) throws IOException {
    ByteBuf b = Unpooled.buffer();
    try {
      BgpMessageCodec.encode(m, b, true);
      out.write(ByteBufUtil.getBytes(b));
      out.flush();
    } finally {
      b.release();
    }
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  boolean closedByRemote(Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    }
  }

  /**
   * Bytes the remote sent before it closed the connection, or -1 if it did not close within {@code
   * within}.
   */
  long bytesBeforeClose(Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    long n = 0;
    try {
      while (in.read() >= 0) {
        n++;
      }
      return n;
    } catch (java.net.SocketTimeoutException e) {
      return -1;
    }
  }

  void dropConnection() throws IOException {
    if (socket != null) {
      socket.close();
    }
  }

  @Override
  public void close() throws IOException {
    dropConnection();
    server.close();
  }
}

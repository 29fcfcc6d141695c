package io.ferrolb.it.membership;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Finds a port free for both UDP and TCP on 127.0.0.1 (a member binds both). */
final class FreePorts {
  private FreePorts() {}

  /**
   * A port free for UDP and TCP on each of {@code hosts} (loopback addresses such as 127.0.0.2).
   */
  static int udpAndTcpOn(String... hosts) {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port = udpAndTcp();
      boolean freeEverywhere = true;
      for (String host : hosts) {
        try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(host, port));
            ServerSocket tcp = new ServerSocket()) {
          tcp.bind(new InetSocketAddress(host, port));
        } catch (IOException taken) {
          freeEverywhere = false;
          break;
        }
      }
      if (freeEverywhere) {
        return port;
      }
    }
    throw new IllegalStateException("no port free on every host after 50 attempts");
  }

  static int udpAndTcp() {
    for (int attempt = 0; attempt < 50; attempt++) {
      try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket()) {
          tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
          return port;
        } catch (IOException taken) {
          // try another
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no port free for both UDP and TCP after 50 attempts");
  }
}

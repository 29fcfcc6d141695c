package io.ferrolb.domain.allocation;

import java.util.Objects;

/** One {@code spec.ports[]} entry as far as IP sharing cares: protocol and port. */
public record ServicePort(Protocol protocol, int port) {

  public ServicePort {
    Objects.requireNonNull(protocol, "protocol");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
  }

  public static ServicePort tcp(int port) {
    return new ServicePort(Protocol.TCP, port);
  }

  public static ServicePort udp(int port) {
    return new ServicePort(Protocol.UDP, port);
  }

  /** {@code TCP/80}, as MetalLB prints ports in its messages. */
  @Override
  public String toString() {
    return protocol + "/" + port;
  }
}

package io.ferrolb.ports.spi;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.Membership;

/**
 * Makes a speaker's gossip {@link Membership}, found with {@link java.util.ServiceLoader} (list the
 * implementation in {@code META-INF/services/io.ferrolb.ports.spi.MembershipProvider}), so the
 * speaker's wiring names no implementation class. {@code adapters-l2} ships the JGroups one; the
 * first provider found is used.
 *
 * @since 0.2
 */
public interface MembershipProvider {

  /**
   * A membership for {@code node}, not started: gossip bound to {@code bind}:{@code port}, every
   * frame sealed with a key derived from {@code secret}.
   *
   * @param secret the raw bytes of the {@code memberlist} Secret's {@code secretkey}
   * @throws IllegalArgumentException naming the parameter when one is unusable (an empty secret, a
   *     port outside 1..65535)
   */
  Membership create(String node, IpAddress bind, int port, byte[] secret);
}

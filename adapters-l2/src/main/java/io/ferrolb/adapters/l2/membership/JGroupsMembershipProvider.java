package io.ferrolb.adapters.l2.membership;

import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.Membership;
import io.ferrolb.ports.spi.MembershipProvider;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The speaker's gossip: {@link JGroupsMembership} with its default tuning. */
public final class JGroupsMembershipProvider implements MembershipProvider {

  @Override
  public Membership create(String node, IpAddress bind, int port, byte[] secret) {
    return new JGroupsMembership(
        MembershipSettings.defaults(node, inet(bind), MemberlistKey.fromSecret(secret))
            .withPort(port));
  }

  private static InetAddress inet(IpAddress ip) {
    try {
      return InetAddress.getByAddress(ip.toBytes()); // no name lookup
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 or 16 bytes are always an address", e);
    }
  }
}

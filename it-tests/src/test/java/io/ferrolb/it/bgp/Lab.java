package io.ferrolb.it.bgp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ferrolb.it.support.Sh;
import java.util.List;

/**
 * The BGP interop segment: namespace {@code flbb-sw} holds bridge {@code flbb-br}; every host
 * namespace gets interface {@code flbb0} on 203.0.113.0/24 and 2001:db8:77::/64. No link touches
 * the root namespace and no namespace has a default route.
 */
final class Lab {
  static final String FRR = "flbb-frr";
  static final String BIRD = "flbb-bird";
  static final String GOBGP = "flbb-gbp";
  static final String IF = "flbb0";

  /** Host namespace name and last address octet/hextet. */
  record Host(String ns, int octet) {
    String v4() {
      return "203.0.113." + octet;
    }

    String v6() {
      return "2001:db8:77::" + octet;
    }
  }

  static final Host R_FRR = new Host(FRR, 1);
  static final Host R_BIRD = new Host(BIRD, 2);
  static final Host R_GOBGP = new Host(GOBGP, 3);
  static final Host N1 = new Host("flbb-n1", 11);
  static final Host N2 = new Host("flbb-n2", 12);
  static final Host N3 = new Host("flbb-n3", 13);
  static final Host N4 = new Host("flbb-n4", 14);

  private Lab() {}

  /** Skips the test class unless root with the given binaries. */
  static void assumeLab(String... binaries) {
    assumeTrue(Sh.isRoot(), "BGP interop ITs need root (network namespaces); skipped");
    for (String b : binaries) {
      assumeTrue(Sh.hasBinary(b), b + " is not installed; skipped");
    }
  }

  static void up(List<Host> hosts) {
    down();
    Sh.sh(
        "ip netns add flbb-sw && ip -n flbb-sw link add flbb-br type bridge stp_state 0 "
            + "&& ip -n flbb-sw link set flbb-br up");
    StringBuilder s = new StringBuilder("set -e\n");
    for (Host h : hosts) {
      String ns = h.ns();
      String port = "flbb-p" + h.octet();
      s.append("ip netns add ").append(ns).append('\n');
      s.append("ip -n flbb-sw link add ")
          .append(port)
          .append(" type veth peer name ")
          .append(IF)
          .append(" netns ")
          .append(ns)
          .append('\n');
      s.append("ip -n flbb-sw link set ").append(port).append(" master flbb-br up\n");
      s.append("ip netns exec ")
          .append(ns)
          .append(
              " sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
                  + " net.ipv6.conf.all.accept_ra=0 net.ipv4.conf.all.send_redirects=0"
                  + " net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1\n");
      s.append("ip -n ").append(ns).append(" link set lo up\n");
      s.append("ip -n ").append(ns).append(" link set ").append(IF).append(" up\n");
      s.append("ip -n ")
          .append(ns)
          .append(" addr add ")
          .append(h.v4())
          .append("/24 dev ")
          .append(IF)
          .append('\n');
      s.append("ip -n ")
          .append(ns)
          .append(" addr add ")
          .append(h.v6())
          .append("/64 dev ")
          .append(IF)
          .append(" nodad\n");
    }
    Sh.sh(s.toString());
  }

  /** Deletes every flbb-* namespace (and with them the veths and the bridge). */
  static void down() {
    // processes left in our namespaces (ours, from an aborted run) go first, then the namespaces
    Sh.shQuiet(
        "for n in $(ip netns list | awk '{print $1}' | grep '^flbb-'); do"
            + " ip netns pids $n | xargs -r kill -9; done; sleep 0.2;"
            + " for n in $(ip netns list | awk '{print $1}' | grep '^flbb-'); do ip netns del $n; done");
  }
}

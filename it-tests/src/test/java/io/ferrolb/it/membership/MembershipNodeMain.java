package io.ferrolb.it.membership;

import io.ferrolb.adapters.l2.membership.JGroupsMembership;
import io.ferrolb.adapters.l2.membership.MemberlistKey;
import io.ferrolb.adapters.l2.membership.MembershipSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One speaker's membership in its own JVM, for {@link MembershipIT}. Arguments: {@code name port
 * secret seeds [bindAddress]} (seeds comma-separated, each a port on 127.0.0.1 or {@code
 * address:port}, or {@code -} for none; the bind address defaults to 127.0.0.1). Prints {@code
 * READY <epochMillis>} once started and {@code VIEW <epochMillis> <a,b,c>} on every change. Leaves
 * gracefully and exits when stdin closes (so it dies with the test JVM).
 */
public final class MembershipNodeMain {
  private MembershipNodeMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4 && args.length != 5) {
      System.err.println("usage: MembershipNodeMain name port secret seeds|- [bindAddress]");
      System.exit(2);
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    InetAddress bind = args.length == 5 ? InetAddress.getByName(args[4]) : loopback;
    MembershipSettings settings =
        MembershipSettings.defaults(args[0], bind, MemberlistKey.fromSecret(args[2]))
            .withPort(Integer.parseInt(args[1]));
    Set<InetSocketAddress> seeds =
        "-".equals(args[3])
            ? Set.of()
            : Arrays.stream(args[3].split(","))
                .map(MembershipNodeMain::seed)
                .collect(Collectors.toSet());
    JGroupsMembership membership = new JGroupsMembership(settings);
    membership.setSeeds(seeds);
    membership.addListener(
        alive ->
            out.println(
                "VIEW "
                    + System.currentTimeMillis()
                    + " "
                    + alive.stream().sorted().collect(Collectors.joining(","))));
    membership.start();
    out.println("READY " + System.currentTimeMillis());
    while (System.in.read() >= 0) {
      // wait for EOF
    }
    membership.close();
    System.exit(0);
  }

  /** {@code port} (on 127.0.0.1) or {@code address:port}. */
  private static InetSocketAddress seed(String text) {
    int colon = text.lastIndexOf(':');
    try {
      return colon < 0
          ? new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(text))
          : new InetSocketAddress(
              InetAddress.getByName(text.substring(0, colon)),
              Integer.parseInt(text.substring(colon + 1)));
    } catch (IOException e) {
      throw new IllegalArgumentException("seed: " + text, e);
    }
  }
}

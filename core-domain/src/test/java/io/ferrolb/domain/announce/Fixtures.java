package io.ferrolb.domain.announce;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.allocation.TrafficPolicy;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.domain.pool.IpRange;
import io.ferrolb.domain.pool.Pool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Small builders for announcement tests. */
final class Fixtures {
  private Fixtures() {}

  static Pool pool(String name, String... ranges) {
    return Pool.of(name, Stream.of(ranges).map(IpRange::parse).toList());
  }

  static NodeState node(String name, String... labels) {
    return new NodeState(name, labels(labels), false);
  }

  static Map<String, String> labels(String... kv) {
    var m = new java.util.HashMap<String, String>();
    for (String s : kv) {
      int eq = s.indexOf('=');
      m.put(s.substring(0, eq), s.substring(eq + 1));
    }
    return m;
  }

  static ServiceState service(
      String name,
      TrafficPolicy etp,
      List<String> ips,
      List<Endpoint> endpoints,
      String... labels) {
    return new ServiceState(
        new ServiceKey("default", name),
        ips.stream().map(IpAddress::parse).toList(),
        labels(labels),
        Map.of(),
        etp,
        endpoints);
  }

  static ServiceState shared(ServiceState s, String key) {
    return new ServiceState(
        s.key(),
        s.ingress(),
        s.labels(),
        Map.of("metallb.io/allow-shared-ip", key),
        s.externalTrafficPolicy(),
        s.endpoints());
  }

  /** MetalLB's order, computed independently: sha256(node + "#" + ip), unsigned bytes ascending. */
  static List<String> hashOrder(String ip, String... nodes) {
    return Stream.of(nodes)
        .sorted(Comparator.comparing(n -> hash(n + "#" + ip), Arrays::compareUnsigned))
        .toList();
  }

  static byte[] hash(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}

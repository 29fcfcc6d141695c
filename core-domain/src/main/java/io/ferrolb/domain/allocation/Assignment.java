package io.ferrolb.domain.allocation;

import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Objects;

/** The addresses a Service holds and the pool they come from. */
public record Assignment(ServiceKey key, String pool, List<IpAddress> ips) {

  public Assignment {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(pool, "pool");
    ips = List.copyOf(ips);
  }
}

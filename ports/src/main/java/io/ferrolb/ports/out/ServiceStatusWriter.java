package io.ferrolb.ports.out;

import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Optional;

/**
 * Writes the controller's decision onto a Service: {@code status.loadBalancer.ingress} and the
 * {@code metallb.io/ip-allocated-from-pool} annotation. Implementations compare with {@code
 * current} and write only what differs, and only onto the version of the Service that {@code
 * current} was read from ({@link ServiceSnapshot#resourceVersion}, when known): a Service changed
 * since, by anyone, refuses the write, and the caller decides again from a fresher read. This is
 * the fence between two replicas that both believe they lead for a moment.
 *
 * @since 0.1
 */
public interface ServiceStatusWriter {

  /**
   * Makes {@code current}'s ingress equal {@code ingress} (in order) and its pool annotation equal
   * {@code pool} (removed when empty).
   *
   * @return true when something was written; false also when the Service is gone (deleted after
   *     {@code current} was read): there is nothing to retry
   * @throws ClusterWriteException when the API refused or failed, a conflict with a newer version
   *     of the Service included (retry later, from a fresher read)
   */
  boolean write(ServiceSnapshot current, List<IpAddress> ingress, Optional<String> pool);
}

package io.ferrolb.ports.out;

import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import java.util.Optional;

/**
 * Writes the controller's decision onto a Service: {@code status.loadBalancer.ingress} and the
 * {@code metallb.io/ip-allocated-from-pool} annotation. Implementations compare with {@code
 * current} and write only what differs.
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
   * @throws ClusterWriteException when the API refused or failed (retry later)
   */
  boolean write(ServiceSnapshot current, List<IpAddress> ingress, Optional<String> pool);
}

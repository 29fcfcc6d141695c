package io.ferrolb.ports.out;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.AnnouncedCondition;

/**
 * Writes the {@value AnnouncedCondition#TYPE} condition on a Service's status, leaving every other
 * condition alone.
 *
 * @since 0.2
 */
public interface ServiceConditionWriter {

  /**
   * Makes the Service's condition say {@code condition}; the transition time moves only when the
   * status flips.
   *
   * @return true when written; false when it already said so, or the Service is gone
   * @throws ClusterWriteException when the write failed and is worth a retry
   */
  boolean write(ServiceKey service, AnnouncedCondition condition);
}

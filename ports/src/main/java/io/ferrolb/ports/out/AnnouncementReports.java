package io.ferrolb.ports.out;

import io.ferrolb.domain.allocation.ServiceKey;
import io.ferrolb.domain.announce.AnnouncedCondition;
import java.util.Map;

/**
 * What the speakers report announcing (MetalLB's ServiceL2Status and ServiceBGPStatus objects),
 * read by the controller to tell users whether each Service is announced. Reads come from a cache.
 *
 * @since 0.2
 */
public interface AnnouncementReports extends AutoCloseable {

  /** Starts watching; {@code onChange} runs (on an informer thread) after any change. */
  void start(Runnable onChange);

  /** True once the reports are listed. */
  boolean synced();

  /** Every Service some speaker reports, with the nodes and their interfaces or peers. */
  Map<ServiceKey, AnnouncedCondition.Reports> snapshot();

  @Override
  void close();
}

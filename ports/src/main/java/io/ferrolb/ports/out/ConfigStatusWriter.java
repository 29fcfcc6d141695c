package io.ferrolb.ports.out;

import java.util.List;

/**
 * The structured status surface of the configuration: the {@code ConfigurationState} object of a
 * component and the {@code IPAddressPool} status counters.
 *
 * @since 0.1
 */
public interface ConfigStatusWriter {

  /** Writes {@code ConfigurationState/<component>}: result Valid or Invalid with a summary. */
  void configurationState(String component, boolean valid, String errorSummary);

  /** Writes each pool's {@code status} counters (pools without a CR are skipped). */
  void poolUsage(List<PoolUsage> usage);
}

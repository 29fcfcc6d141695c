package io.ferrolb.app.observability;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * MetalLB's two configuration gauges, which the controller and the speaker both export with the
 * same names and meaning: {@code metallb_k8s_client_config_loaded_bool} and {@code
 * metallb_k8s_client_config_stale_bool}. Both start at 0.
 */
public final class ConfigGauges {
  private final Gauge loaded;
  private final Gauge stale;

  public ConfigGauges(PrometheusRegistry registry) {
    loaded =
        Gauge.builder()
            .name("metallb_k8s_client_config_loaded_bool")
            .help("1 when a valid configuration was loaded")
            .register(registry);
    stale =
        Gauge.builder()
            .name("metallb_k8s_client_config_stale_bool")
            .help("1 when the running configuration is stale: the latest one was invalid")
            .register(registry);
    loaded.set(0);
    stale.set(0);
  }

  public void loaded(boolean isLoaded) {
    loaded.set(isLoaded ? 1 : 0);
  }

  public void stale(boolean isStale) {
    stale.set(isStale ? 1 : 0);
  }

  public double staleValue() {
    return stale.get();
  }
}

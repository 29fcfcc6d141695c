package io.ferrolb.app.cli;

import io.ferrolb.adapters.k8s.RequestRateLimit;
import picocli.CommandLine.Option;

/**
 * {@code --kube-api-qps} and {@code --kube-api-burst}: the client-side limit on this process's
 * requests to the API server ({@link RequestRateLimit}), with kube-controller-manager's defaults.
 */
final class KubeApiFlags {
  @Option(
      names = "--kube-api-qps",
      defaultValue = "20",
      description =
          "Requests per second this process sends to the API server at most, sustained (default:"
              + " ${DEFAULT-VALUE}); 0 removes the limit.")
  double qps;

  @Option(
      names = "--kube-api-burst",
      defaultValue = "30",
      description =
          "Requests that may go at once above --kube-api-qps after a quiet spell (default:"
              + " ${DEFAULT-VALUE}).")
  int burst;

  /** The flags as a limit; an inconsistent pair throws IllegalArgumentException. */
  RequestRateLimit.Settings settings() {
    return new RequestRateLimit.Settings(qps, burst);
  }
}

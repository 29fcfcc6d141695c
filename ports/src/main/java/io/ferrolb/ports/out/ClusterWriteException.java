package io.ferrolb.ports.out;

/**
 * A write to the cluster failed for a reason worth a retry (conflict, timeout, server error). The
 * reconcile loop maps it to a retry with backoff.
 *
 * @since 0.1
 */
public final class ClusterWriteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClusterWriteException(String message, Throwable cause) {
    super(message, cause);
  }
}

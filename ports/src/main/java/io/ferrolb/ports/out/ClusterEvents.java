package io.ferrolb.ports.out;

/**
 * Tells users what happened to their objects: Kubernetes Events with MetalLB's reasons. Emitting is
 * fire-and-forget (an implementation may queue and aggregate repeats); it never throws.
 *
 * @since 0.1
 */
public interface ClusterEvents {

  enum Type {
    NORMAL,
    WARNING
  }

  void emit(ObjectRef target, Type type, String reason, String message);
}

package io.ferrolb.adapters.bgp.netty;

/** Called on the session's event loop whenever the status changes; must not block. */
@FunctionalInterface
public interface BgpSessionListener {
  BgpSessionListener NONE = s -> {};

  void statusChanged(SessionStatus status);
}

package io.ferrolb.adapters.bgp;

import io.ferrolb.adapters.bgp.netty.BgpSpeaker;
import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.spi.AnnouncerContext;
import io.ferrolb.ports.spi.AnnouncerProvider;

/**
 * The {@code bgp} announcer: ferrolb's native BGP speaker (netty, epoll), with sessions and routes
 * from the BGP plan that each {@code apply} carries ({@link
 * io.ferrolb.ports.out.DesiredAnnouncements#bgp()}), MetalLB's FRR-mode session rules, BFD and
 * graceful restart. The router ID of a peer without one comes from {@link
 * AnnouncerContext#nodeAddress()}. No settings.
 */
public final class BgpAnnouncerProvider implements AnnouncerProvider {

  /** The provider's name, which the speaker's {@code --announcers} selects. */
  public static final String NAME = "bgp";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Announcer create(AnnouncerContext context) {
    return new BgpAnnouncer(new BgpSpeaker(), context::nodeAddress);
  }
}

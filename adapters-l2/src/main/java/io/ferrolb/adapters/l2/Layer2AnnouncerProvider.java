package io.ferrolb.adapters.l2;

import io.ferrolb.adapters.l2.iface.InterfaceSelector;
import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.spi.AnnouncerContext;
import io.ferrolb.ports.spi.AnnouncerProvider;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The {@code layer2} announcer: ARP/NDP through pcap. Settings: {@code layer2.gratuitousInterval}
 * (default 1100ms, MetalLB issue 172), {@code layer2.gratuitousDuration} (5s), {@code
 * layer2.rescanInterval} (1s; MetalLB rescans every 10 s, which leaves a node whose link came back
 * unable to answer for up to 10 s), {@code layer2.realtimePriority} (0 = normal scheduling).
 */
public final class Layer2AnnouncerProvider implements AnnouncerProvider {

  @Override
  public String name() {
    return "layer2";
  }

  @Override
  public Announcer create(AnnouncerContext context) {
    var s = context.settings();
    L2ResponderConfig config =
        new L2ResponderConfig(
                s.getDuration("layer2.gratuitousInterval", Duration.ofMillis(1100)),
                s.getDuration("layer2.gratuitousDuration", Duration.ofSeconds(5)),
                L2ResponderConfig.DEFAULTS.warmUpRounds(),
                0)
            .withRealtimePriority(s.getInt("layer2.realtimePriority", 0));
    L2Responder responder = L2Responder.withPcap(config);
    responder.start();
    Layer2Announcer announcer =
        new Layer2Announcer(
            responder, InterfaceSelector.withDefaults(), Layer2Announcer.systemInterfaces());
    long rescan = s.getDuration("layer2.rescanInterval", Duration.ofSeconds(1)).toMillis();
    context
        .scheduler()
        .scheduleWithFixedDelay(announcer::rescan, rescan, rescan, TimeUnit.MILLISECONDS);
    return announcer;
  }
}

package io.ferrolb.adapters.l2;

import io.ferrolb.adapters.l2.iface.InterfaceDescription;
import io.ferrolb.adapters.l2.iface.InterfaceSelection;
import io.ferrolb.adapters.l2.iface.InterfaceSelector;
import io.ferrolb.domain.pool.IpAddress;
import io.ferrolb.ports.out.Announcer;
import io.ferrolb.ports.out.AnnouncerStatus;
import io.ferrolb.ports.out.ApplyReport;
import io.ferrolb.ports.out.DesiredAnnouncements;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in Layer 2 announcer: answers ARP/NDP for the addresses this node owns, on the
 * interfaces selected like MetalLB (exclusion list, up, not enslaved, ARP-capable), restricted per
 * address to the interfaces its L2Advertisements name. Interfaces are re-read at every {@link
 * #apply} and by {@link #rescan()}, which the provider schedules.
 */
public final class Layer2Announcer implements Announcer {
  private static final Logger LOG = LoggerFactory.getLogger(Layer2Announcer.class);

  private final L2Responder responder;
  private final InterfaceSelector selector;
  private final Supplier<List<InterfaceDescription>> interfaces;
  private DesiredAnnouncements current;
  private Set<String> selected = Set.of();

  public Layer2Announcer(
      L2Responder responder,
      InterfaceSelector selector,
      Supplier<List<InterfaceDescription>> interfaces) {
    this.responder = responder;
    this.selector = selector;
    this.interfaces = interfaces;
  }

  @Override
  public synchronized ApplyReport apply(DesiredAnnouncements desired) {
    boolean interfacesChanged = reselect();
    Map<IpAddress, Set<String>> owned = new HashMap<>();
    Set<String> missing = new TreeSet<>();
    for (DesiredAnnouncements.Entry e : desired.entries()) {
      owned.put(e.address(), e.interfaces());
      if (!e.interfaces().isEmpty() && e.interfaces().stream().noneMatch(selected::contains)) {
        missing.add(e.address() + " (interfaces " + new TreeSet<>(e.interfaces()) + ")");
      }
    }
    if (!interfacesChanged && desired.equals(current)) {
      return missing.isEmpty() ? ApplyReport.unchanged() : failedMissing(missing);
    }
    responder.setOwned(owned);
    current = desired;
    return missing.isEmpty() ? ApplyReport.applied(owned.size()) : failedMissing(missing);
  }

  private ApplyReport failedMissing(Set<String> missing) {
    return ApplyReport.failed(
        "announceFailed: no selected interface on this node for "
            + String.join(", ", missing)
            + " (selected: "
            + selected
            + ")");
  }

  /** Re-reads the interfaces; true when the selection changed. */
  public synchronized boolean rescan() {
    return reselect();
  }

  private boolean reselect() {
    InterfaceSelection selection = selector.select(interfaces.get(), Set.of());
    Set<String> names = new TreeSet<>();
    selection.selected().forEach(s -> names.add(s.name()));
    if (names.equals(selected)) {
      return false;
    }
    Set<String> failed = responder.setInterfaces(selection.selected());
    if (!failed.isEmpty()) {
      LOG.warn("event=announceFailed interfaces {} could not be opened", failed);
    }
    LOG.info("event=interfacesSelected selected={} skipped={}", names, selection.skipped());
    selected = names;
    return true;
  }

  /** The per-address counters for metrics. */
  public Map<IpAddress, AddressCounters> counters() {
    return responder.counters();
  }

  /** The per-address counters: ARP requests / NS received, replies sent, gratuitous sent. */
  @Override
  public Optional<AnnouncerStatus> status() {
    List<AnnouncerStatus.Address> out = new ArrayList<>();
    for (Map.Entry<IpAddress, AddressCounters> e : responder.counters().entrySet()) {
      AddressCounters c = e.getValue();
      out.add(
          new AnnouncerStatus.Address(
              e.getKey(), c.requestsReceived(), c.responsesSent(), c.gratuitousSent()));
    }
    return Optional.of(AnnouncerStatus.ofAddresses(out));
  }

  @Override
  public synchronized void close() {
    responder.close();
    current = null;
  }

  /** Reads the system's interfaces; an unreadable /sys is an empty list, logged. */
  static Supplier<List<InterfaceDescription>> systemInterfaces() {
    var reader = new io.ferrolb.adapters.l2.iface.SystemInterfaceReader();
    return () -> {
      try {
        return reader.read();
      } catch (IOException e) {
        LOG.warn("event=interfaceScanFailed {}", e.toString());
        return List.of();
      }
    };
  }
}

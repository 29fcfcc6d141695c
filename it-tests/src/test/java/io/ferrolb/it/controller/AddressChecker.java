package io.ferrolb.it.controller;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches Services directly on the API server (not through what is under test) and records, with
 * the time, every violation of the allocation's promises: an address held by two Services at once,
 * a Service with more than one address, and a Service whose address changed or went away once
 * assigned (a deletion ends a Service's promise). Used by ChaosIT and ControllerCrashIT.
 */
public final class AddressChecker implements Watcher<Service> {
  private final Map<String, String> owner = new HashMap<>(); // ip -> uid
  private final Map<String, String> held = new HashMap<>(); // uid -> ip
  private final Map<String, String> firstIp = new HashMap<>(); // uid -> the first address it had
  private final Map<String, String> names = new HashMap<>(); // uid -> ns/name
  public final Map<String, Long> assignedAt = new ConcurrentHashMap<>(); // ns/name -> epoch ms
  public final List<String> violations = new CopyOnWriteArrayList<>();
  public final AtomicInteger events = new AtomicInteger();
  public volatile boolean closed;

  @Override
  public synchronized void eventReceived(Action action, Service s) {
    events.incrementAndGet();
    String uid = s.getMetadata().getUid();
    String name = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    names.put(uid, name);
    long now = System.currentTimeMillis();
    if (action == Action.DELETED) {
      String ip = held.remove(uid);
      if (ip != null && uid.equals(owner.get(ip))) {
        owner.remove(ip);
      }
      return;
    }
    List<String> ingress = Fixtures.ingress(s);
    if (ingress.size() > 1) {
      violations.add(now + " " + name + " has " + ingress.size() + " addresses " + ingress);
    }
    String ip = ingress.isEmpty() ? null : ingress.get(0);
    String before = held.get(uid);
    if (before != null && !before.equals(ip)) {
      violations.add(now + " " + name + " address changed " + before + " -> " + ip);
      if (uid.equals(owner.get(before))) {
        owner.remove(before);
      }
    }
    if (ip == null) {
      held.remove(uid);
      return;
    }
    String first = firstIp.putIfAbsent(uid, ip);
    if (first != null && !first.equals(ip) && before == null) {
      violations.add(now + " " + name + " got " + ip + " after having had " + first);
    }
    held.put(uid, ip);
    assignedAt.putIfAbsent(name, now);
    String other = owner.putIfAbsent(ip, uid);
    if (other != null && !other.equals(uid)) {
      violations.add(now + " " + ip + " held by " + names.get(other) + " and " + name + " at once");
    }
  }

  @Override
  public void onClose(WatcherException cause) {
    closed = true;
    violations.add(System.currentTimeMillis() + " the checker's watch closed: " + cause);
  }
}

package io.ferrolb.it.l2;

import io.ferrolb.adapters.l2.L2Responder;
import io.ferrolb.adapters.l2.L2ResponderConfig;
import io.ferrolb.adapters.l2.iface.InterfaceSelection;
import io.ferrolb.adapters.l2.iface.InterfaceSelector;
import io.ferrolb.adapters.l2.iface.SystemInterfaceReader;
import io.ferrolb.domain.pool.IpAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A responder process for network tests and the arp-latency bench: selects this namespace's
 * interfaces like the speaker, owns the addresses given as arguments, prints {@code READY} and runs
 * until killed; on SIGTERM prints its counters.
 *
 * <p>Usage: {@code java -cp ... io.ferrolb.it.l2.L2ResponderMain VIP...}
 */
public final class L2ResponderMain {
  private L2ResponderMain() {}

  public static void main(String[] args) throws Exception {
    InterfaceSelection sel =
        InterfaceSelector.withDefaults().select(new SystemInterfaceReader().read(), Set.of());
    System.out.println("selected " + sel.selected() + " skipped " + sel.skipped());
    // -Dferrolb.l2.rtPriority=N: receive threads under SCHED_FIFO N (0 = off)
    int rt = Integer.getInteger("ferrolb.l2.rtPriority", 0);
    L2Responder responder =
        L2Responder.withPcap(L2ResponderConfig.DEFAULTS.withRealtimePriority(rt));
    responder.start();
    Set<String> failed = responder.setInterfaces(sel.selected());
    if (!failed.isEmpty()) {
      System.out.println("FAILED interfaces " + failed);
      System.exit(2);
    }
    Map<IpAddress, Set<String>> owned = new LinkedHashMap<>();
    for (String a : args) {
      owned.put(IpAddress.parse(a), Set.of());
    }
    responder.setOwned(owned);
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("counters " + responder.counters());
                  System.out.println("drops " + responder.drops());
                  responder.close();
                  done.countDown();
                }));
    System.out.println("READY owned " + owned.keySet());
    System.out.flush();
    done.await();
  }
}

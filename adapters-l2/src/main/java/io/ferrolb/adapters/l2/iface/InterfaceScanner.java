package io.ferrolb.adapters.l2.iface;

import java.io.IOException;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the system and selects in one call: what the speaker runs on a timer (MetalLB: every 10 s)
 * and on link changes, then hands {@link InterfaceSelection#selected()} to {@code
 * L2Responder.setInterfaces} and raises {@code announceFailed} for {@link
 * InterfaceSelection#missingAllowed()}.
 */
public final class InterfaceScanner {
  private final SystemInterfaceReader reader;
  private final InterfaceSelector selector;

  public InterfaceScanner(SystemInterfaceReader reader, InterfaceSelector selector) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.selector = Objects.requireNonNull(selector, "selector");
  }

  /** The real system with MetalLB's default exclusion list. */
  public static InterfaceScanner withDefaults() {
    return new InterfaceScanner(new SystemInterfaceReader(), InterfaceSelector.withDefaults());
  }

  /**
   * @param allowList union of the L2Advertisements' {@code interfaces}; empty = all eligible
   */
  public InterfaceSelection scan(Set<String> allowList) throws IOException {
    return selector.select(reader.read(), allowList);
  }
}

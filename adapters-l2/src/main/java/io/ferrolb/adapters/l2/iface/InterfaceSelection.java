package io.ferrolb.adapters.l2.iface;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Result of a selection: the interfaces to answer on, every other interface with its reason, and
 * allow-listed names that are not selected (missing or skipped: raise {@code announceFailed}).
 */
public record InterfaceSelection(
    List<SelectedInterface> selected, Map<String, SkipReason> skipped, Set<String> missingAllowed) {
  public InterfaceSelection {
    selected = List.copyOf(Objects.requireNonNull(selected, "selected"));
    skipped = Map.copyOf(Objects.requireNonNull(skipped, "skipped"));
    missingAllowed = Set.copyOf(Objects.requireNonNull(missingAllowed, "missingAllowed"));
  }
}

package io.ferrolb.adapters.l2.membership;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import org.jgroups.Address;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.FD_SOCK2;

/**
 * FD_SOCK2 that also tells this member's {@link LocalFailureDetector} when a peer's process closed
 * its connection. Plain FD_SOCK2 broadcasts that news to every member but only the coordinator acts
 * on it; here every member learns it at once (on receipt, and on the detecting member when it
 * broadcasts).
 */
final class DeathReportingFdSock2 extends FD_SOCK2 {
  private final Consumer<Collection<Address>> onReport;

  DeathReportingFdSock2(Consumer<Collection<Address>> onReport) {
    this.onReport = onReport;
    // keep FD_SOCK2's protocol id so its headers (and peers running plain FD_SOCK2) interoperate
    setId(ClassConfigurator.getProtocolId(FD_SOCK2.class));
  }

  @Override
  protected void broadcastSuspectMessage(List<Address> suspectedMembers) {
    if (suspectedMembers != null && !suspectedMembers.isEmpty()) {
      onReport.accept(List.copyOf(suspectedMembers));
    }
    super.broadcastSuspectMessage(suspectedMembers);
  }

  @Override
  protected void suspect(Collection<Address> suspects) {
    if (suspects != null && !suspects.isEmpty()) {
      onReport.accept(List.copyOf(suspects));
    }
    super.suspect(suspects);
  }
}

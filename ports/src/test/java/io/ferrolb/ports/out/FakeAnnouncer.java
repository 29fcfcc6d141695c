package io.ferrolb.ports.out;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An {@link Announcer} that records every desired set it is given; shipped in the test-jar. */
public final class FakeAnnouncer implements Announcer {
  private final List<DesiredAnnouncements> applied = new ArrayList<>();
  private DesiredAnnouncements current;
  private String failWith;
  private boolean closed;

  @Override
  public synchronized ApplyReport apply(DesiredAnnouncements desired) {
    applied.add(desired);
    if (failWith != null) {
      return ApplyReport.failed(failWith);
    }
    if (desired.equals(current)) {
      return ApplyReport.unchanged();
    }
    current = desired;
    return ApplyReport.applied(desired.entries().size());
  }

  /** Makes every later {@code apply} fail with {@code reason}; null to succeed again. */
  public synchronized void failWith(String reason) {
    this.failWith = reason;
  }

  /** Every desired set given, in order. */
  public synchronized List<DesiredAnnouncements> applied() {
    return List.copyOf(applied);
  }

  /** The last desired set successfully converged to. */
  public synchronized Optional<DesiredAnnouncements> current() {
    return Optional.ofNullable(current);
  }

  public synchronized boolean closed() {
    return closed;
  }

  @Override
  public synchronized void close() {
    closed = true;
    current = null;
  }
}

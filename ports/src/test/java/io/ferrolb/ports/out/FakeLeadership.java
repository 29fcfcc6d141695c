package io.ferrolb.ports.out;

/** A {@link Leadership} the test drives by hand; shipped in the test-jar. */
public final class FakeLeadership implements Leadership {
  private final String identity;
  private Listener listener;
  private boolean closed;

  public FakeLeadership(String identity) {
    this.identity = identity;
  }

  @Override
  public synchronized void start(Listener listener) {
    this.listener = listener;
  }

  /** This replica wins. */
  public void win() {
    Listener l;
    synchronized (this) {
      l = listener;
    }
    l.newLeader(identity);
    l.startedLeading();
  }

  /** This replica leads again, with no other leader since its last term. */
  public void resume() {
    Listener l;
    synchronized (this) {
      l = listener;
    }
    l.newLeader(identity);
    l.resumedLeading();
  }

  /** This replica loses to {@code other}. */
  public void lose(String other) {
    Listener l;
    synchronized (this) {
      l = listener;
    }
    l.stoppedLeading();
    l.newLeader(other);
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  public synchronized boolean closed() {
    return closed;
  }
}

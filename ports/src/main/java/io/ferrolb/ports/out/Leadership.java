package io.ferrolb.ports.out;

/**
 * Election among replicas: only the leader writes. Callbacks come from the implementation's thread;
 * they must return quickly.
 *
 * @since 0.1
 */
public interface Leadership extends AutoCloseable {

  interface Listener {
    void startedLeading();

    /**
     * This replica leads again, and no other replica led since its last term ended (the lock shows
     * no transition since): what it decided then still holds, though it missed the changes of the
     * meantime. By default the same as {@link #startedLeading()}.
     *
     * @since 0.2
     */
    default void resumedLeading() {
      startedLeading();
    }

    void stoppedLeading();

    /** Any replica (this one included) became leader. */
    void newLeader(String identity);
  }

  /** Starts campaigning; the listener hears about every change. */
  void start(Listener listener);

  /** Stops campaigning and releases the lock if held. */
  @Override
  void close();
}

package io.ferrolb.adapters.l2;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;

/**
 * Puts the calling thread under SCHED_FIFO, like keepalived's {@code vrrp_rt_priority}: a responder
 * thread that sleeps in poll() otherwise waits behind every runnable CFS task when the node is busy
 * (measured: speaker p99 9.5 ms under load without, 0.25 ms with). Needs CAP_SYS_NICE; the kernel's
 * RT throttling (sched_rt_runtime_us, 95% by default) still bounds a flood.
 */
final class RealtimeThread {
  /** linux/sched.h: SCHED_FIFO. */
  static final int SCHED_FIFO = 1;

  private static final boolean AVAILABLE = register();

  private RealtimeThread() {}

  static native int sched_setscheduler(int pid, int policy, int[] param);

  private static boolean register() {
    if (!Platform.isLinux()) {
      return false;
    }
    try {
      Native.register(RealtimeThread.class, NativeLibrary.getInstance(Platform.C_LIBRARY_NAME));
      return true;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }

  /**
   * @return null on success, else why not (for a log line)
   */
  static String trySetFifo(int priority) {
    if (!AVAILABLE) {
      return "sched_setscheduler unavailable";
    }
    // pid 0 = the calling thread (sched_setscheduler(2) acts on a thread id on Linux)
    int rc = sched_setscheduler(0, SCHED_FIFO, new int[] {priority});
    return rc == 0 ? null : "sched_setscheduler failed, errno " + Native.getLastError();
  }
}

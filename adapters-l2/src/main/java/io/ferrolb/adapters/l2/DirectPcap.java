package io.ferrolb.adapters.l2;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direct JNA mappings (JNA "direct mapping": a JNI stub per method, no reflection per call) of the
 * two libpcap calls on the responder's hot path, on the same libpcap pcap4j loaded. pcap4j opens,
 * filters and closes the handle; only receiving goes through here.
 */
final class DirectPcap {
  private static final Logger LOG = LoggerFactory.getLogger(DirectPcap.class);

  /** pcap.h: PCAP_ERROR_BREAK, returned after pcap_breakloop. */
  static final int PCAP_ERROR_BREAK = -2;

  /** Offset of caplen in struct pcap_pkthdr on LP64 Linux (after a 16-byte struct timeval). */
  static final int CAPLEN_OFFSET = 16;

  static final boolean AVAILABLE = register();

  private static Field handleField;

  private DirectPcap() {}

  static native int pcap_next_ex(Pointer p, long[] header, long[] data);

  private static boolean register() {
    if (!Platform.isLinux() || !Platform.is64Bit()) {
      return false;
    }
    try {
      Native.register(DirectPcap.class, NativeLibrary.getInstance("pcap"));
      handleField = PcapHandle.class.getDeclaredField("handle");
      handleField.setAccessible(true);
      return true;
    } catch (LinkageError | ReflectiveOperationException | RuntimeException e) {
      LOG.info("direct libpcap path unavailable, using pcap4j's loop: {}", e.toString());
      return false;
    }
  }

  /** The pcap_t* inside a pcap4j handle, or null. */
  static Pointer pointerOf(PcapHandle h) {
    try {
      return (Pointer) handleField.get(h);
    } catch (IllegalAccessException | RuntimeException e) {
      return null;
    }
  }
}

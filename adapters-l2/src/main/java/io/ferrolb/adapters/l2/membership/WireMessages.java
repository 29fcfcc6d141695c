package io.ferrolb.adapters.l2.membership;

import java.io.DataInput;
import java.io.EOFException;
import java.io.IOException;
import org.jgroups.BytesMessage;
import org.jgroups.CompositeMessage;
import org.jgroups.FragmentedMessage;
import org.jgroups.Message;
import org.jgroups.MessageFactory;
import org.jgroups.NioMessage;
import org.jgroups.util.ByteArrayDataInputStream;

/**
 * Messages read from a datagram allocate no more than the datagram holds.
 *
 * <p>JGroups' readers of {@code BytesMessage}, {@code FragmentedMessage}, {@code NioMessage} and
 * {@code CompositeMessage} allocate the length (or count) they read before reading the data. The
 * transport parses each datagram before any protocol sees it, so a 40-octet datagram to port 7946
 * claiming a 2 GiB payload made the receiving speaker allocate 2 GiB, an OutOfMemoryError in its 64
 * MiB heap, before {@link AeadSymEncrypt} could drop it (found by {@code AeadSymEncryptFuzzTest}).
 * {@link #install} replaces JGroups' creators of these types (static, for the whole JVM) with
 * subclasses that first check the declared size against the octets left in the packet; a lie ends
 * in an {@link EOFException}, which the transport logs and drops.
 */
final class WireMessages {

  private WireMessages() {}

  /** Idempotent; called before a channel is built. */
  static void install() {
    Creators.install();
  }

  /** {@code MessageFactory}'s creators are protected: only a subclass may replace them. */
  private static final class Creators extends MessageFactory {
    static synchronized void install() {
      creators[Message.BYTES_MSG] = BoundedBytes::new;
      creators[Message.NIO_MSG] = BoundedNio::new;
      creators[Message.COMPOSITE_MSG] = BoundedComposite::new;
      creators[Message.FRAG_MSG] = BoundedFragmented::new;
    }
  }

  /**
   * Throws when the int {@code skip} octets ahead says more than the packet holds after it: {@code
   * unit} octets at least per element. Reads nothing. Inputs that are not a whole packet in memory
   * are left to JGroups.
   */
  static void checkDeclaredSize(DataInput in, int skip, int unit) throws IOException {
    if (!(in instanceof ByteArrayDataInputStream b)) {
      return;
    }
    int start = b.position();
    long left = (long) b.limit() - start - skip - Integer.BYTES;
    if (left < 0) {
      return; // JGroups' own read ends in EOF
    }
    b.position(start + skip);
    int declared = b.readInt();
    b.position(start);
    if (declared > 0 && (long) declared * unit > left) {
      throw new EOFException(
          "message payload of "
              + declared
              + (unit == 1 ? " octets" : " messages")
              + ": "
              + left
              + " octets left in the packet");
    }
  }

  static final class BoundedBytes extends BytesMessage {
    @Override
    public void readPayload(DataInput in) throws IOException {
      checkDeclaredSize(in, 0, 1); // int length, then the octets
      super.readPayload(in);
    }
  }

  static final class BoundedFragmented extends FragmentedMessage {
    @Override
    public void readPayload(DataInput in) throws IOException {
      checkDeclaredSize(in, 0, 1);
      super.readPayload(in);
    }
  }

  static final class BoundedNio extends NioMessage {
    @Override
    public void readPayload(DataInput in) throws IOException {
      checkDeclaredSize(in, 1, 1); // boolean direct, int length, then the octets
      super.readPayload(in);
    }
  }

  static final class BoundedComposite extends CompositeMessage {
    @Override
    public void readPayload(DataInput in) throws IOException, ClassNotFoundException {
      checkDeclaredSize(in, 0, Short.BYTES); // int count, then messages of >= 2 octets (type)
      super.readPayload(in);
    }
  }
}

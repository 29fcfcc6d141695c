package io.ferrolb.adapters.l2.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jgroups.BytesMessage;
import org.jgroups.Message;
import org.jgroups.util.ByteArray;
import org.jgroups.util.Util;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WireMessagesTest {
  private static final byte[] PAYLOAD = "heartbeat".getBytes(StandardCharsets.UTF_8);

  @BeforeAll
  static void install() {
    WireMessages.install();
  }

  private static byte[] datagram(Message m) throws Exception {
    ByteArray b = Util.messageToBuffer(m);
    return Arrays.copyOfRange(b.array(), b.offset(), b.offset() + b.length());
  }

  @Test
  void aPayloadThePacketHoldsIsRead() throws Exception {
    byte[] d = datagram(new BytesMessage(null, PAYLOAD));
    Message m = Util.messageFromBuffer(d, 0, d.length);
    assertThat(Arrays.copyOfRange(m.getArray(), m.getOffset(), m.getOffset() + m.getLength()))
        .isEqualTo(PAYLOAD);
  }

  @Test
  void aPayloadLengthBeyondThePacketIsRefusedBeforeAllocating() throws Exception {
    byte[] d = datagram(new BytesMessage(null, PAYLOAD));
    // the payload is the last field: int length, then the octets
    ByteBuffer.wrap(d).putInt(d.length - PAYLOAD.length - Integer.BYTES, Integer.MAX_VALUE);

    assertThatThrownBy(() -> Util.messageFromBuffer(d, 0, d.length))
        .isInstanceOf(EOFException.class)
        .hasMessage("message payload of 2147483647 octets: 9 octets left in the packet");
  }
}

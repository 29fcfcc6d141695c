package io.ferrolb.adapters.l2.membership;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the seeds of {@link AeadSymEncryptFuzzTest}: datagrams sealed with {@link Gossip#KEY}, so
 * the fuzzer starts from packets that open, and two round-trip inputs. Run from the module
 * directory: {@code java -cp target/test-classes:target/classes:<deps>
 * io.ferrolb.adapters.l2.membership.FuzzSeeds}. Not a test.
 */
public final class FuzzSeeds {
  private static final Path DIR =
      Path.of(
          "src/test/resources/io/ferrolb/adapters/l2/membership/AeadSymEncryptFuzzTestInputs"
              + "/onlySealedPayloadsComeOut");

  private FuzzSeeds() {}

  public static void main(String[] args) throws Exception {
    Files.createDirectories(DIR);
    Gossip gossip = new Gossip(Gossip.KEY);
    int i = 0;
    for (String payload : AeadSymEncryptFuzzTest.SEALED_PAYLOADS) {
      // the mode octet (consumed from the end): even, a received datagram
      write("sealed-" + i++, concat(gossip.seal(payload.getBytes(StandardCharsets.UTF_8)), 0));
    }
    // a datagram of 40-odd octets whose payload length says 2 GiB (see WireMessages)
    byte[] lie = gossip.seal("x".getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.wrap(lie);
    int at = lie.length - Integer.BYTES;
    while (b.getInt(at) != lie.length - at - Integer.BYTES) {
      at--; // the payload is the last field: its int length, then the sealed octets
    }
    b.putInt(at, Integer.MAX_VALUE);
    write("crasher-payload-length-2gib", concat(lie, 0));
    write("round-trip-text", concat("heartbeat".getBytes(StandardCharsets.UTF_8), 1));
    write("round-trip-empty", new byte[] {1});
  }

  private static byte[] concat(byte[] b, int last) {
    byte[] out = new byte[b.length + 1];
    System.arraycopy(b, 0, out, 0, b.length);
    out[b.length] = (byte) last;
    return out;
  }

  private static void write(String name, byte[] bytes) throws IOException {
    Files.write(DIR.resolve(name), bytes);
  }
}

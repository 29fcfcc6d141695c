package io.ferrolb.adapters.l2.membership;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.jgroups.Address;
import org.jgroups.Header;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.util.FastArray;
import org.jgroups.util.MessageBatch;
import org.jgroups.util.Util;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SYM_ENCRYPT} with AES-GCM instead of CBC, so every packet is authenticated, not only
 * encrypted: a packet that was not sealed with the shared key fails its tag check and is dropped.
 *
 * <p>{@code SYM_ENCRYPT} passes messages without payload through with only a key-version check (an
 * MD5 of the key, readable on the wire). Here the stack puts {@code SERIALIZE} right above this
 * protocol, so every legitimate message carries its whole content (headers included) as an
 * encrypted payload, and a message without payload is rejected.
 *
 * <p>Replays: the 12-byte IV is not random but this channel's stream (6 random bytes drawn at
 * start) and a 6-byte frame counter (NIST SP 800-38D §8.2.1, deterministic construction; the wire
 * format is unchanged, an older speaker reads these IVs as any other). GCM authenticates the IV, so
 * after the tag check the receiver trusts (stream, counter) and refuses a frame it already had
 * ({@link ReplayWindow}). Our own stream goes through the same window: JGroups loops the messages a
 * member sends itself back through the transport, so a frame of ours is accepted once. Without
 * this, a captured heartbeat of a dead speaker, replayed, would keep it alive.
 *
 * <p>Every dropped frame is counted by reason ({@link GossipDrops}); none is logged per frame.
 */
final class AeadSymEncrypt extends SYM_ENCRYPT {
  static final String TRANSFORMATION = "AES/GCM/NoPadding";

  /** NIST SP 800-38D §8.2.2: 96-bit random IVs. */
  static final int IV_BYTES = 12;

  /** NIST SP 800-38D §5.2.1.2: full 128-bit tag. */
  private static final int TAG_BITS = 128;

  private static final Logger LOG = LoggerFactory.getLogger(JGroupsMembership.class);
  private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  private final Map<Address, Long> lastWarnedNanos = new ConcurrentHashMap<>();

  /** NIST SP 800-38D §8.2.1: a fixed field naming the sender, then an invocation counter. */
  static final int STREAM_BYTES = 6;

  static final int COUNTER_BYTES = IV_BYTES - STREAM_BYTES;
  private static final long COUNTER_MASK = (1L << (8 * COUNTER_BYTES)) - 1;

  /** The GCM tag closes every sealed payload. */
  static final int TAG_BYTES = TAG_BITS / 8;

  private final long stream;
  private final AtomicLong sent = new AtomicLong();
  private final ReplayWindow received = new ReplayWindow();
  private final GossipDrops drops;

  AeadSymEncrypt(MemberlistKey key, GossipDrops drops) {
    this.drops = drops;
    this.stream = new SecureRandom().nextLong() & ((1L << (8 * STREAM_BYTES)) - 1);
    // reuse SYM_ENCRYPT's protocol id (SYM_ENCRYPT itself is not in the stack): EncryptHeader is
    // registered under it
    setId(ClassConfigurator.getProtocolId(SYM_ENCRYPT.class));
    symAlgorithm(TRANSFORMATION);
    symIvLength(IV_BYTES);
    setSecretKey(key.aesKey());
  }

  /**
   * Instead of an error line per packet, one warning a minute per sender: a speaker with a wrong
   * {@code memberlist} Secret sends several packets per second.
   */
  private void warnKeyMismatch(Address sender) {
    if (sender == null) {
      return;
    }
    long now = System.nanoTime();
    Long last = lastWarnedNanos.get(sender);
    if (last != null && now - last < WARN_EVERY_NANOS) {
      return;
    }
    if (lastWarnedNanos.size() > 1000) {
      lastWarnedNanos.clear(); // bound the map against a flood of forged sender addresses
    }
    lastWarnedNanos.put(sender, now);
    LOG.warn(
        "membershipKeyMismatch: dropping packets from {} sealed with another key (check that"
            + " every speaker mounts the same Secret memberlist, key secretkey)",
        JGroupsStack.nameOf(sender));
  }

  /** Our stream, then the next counter: never the same IV twice under one key and stream. */
  @Override
  protected byte[] makeIv() {
    long counter = sent.getAndIncrement() & COUNTER_MASK;
    byte[] iv = new byte[IV_BYTES];
    for (int i = 0; i < STREAM_BYTES; i++) {
      iv[i] = (byte) (stream >>> (8 * (STREAM_BYTES - 1 - i)));
    }
    for (int i = 0; i < COUNTER_BYTES; i++) {
      iv[STREAM_BYTES + i] = (byte) (counter >>> (8 * (COUNTER_BYTES - 1 - i)));
    }
    return iv;
  }

  @Override
  public Object up(Message msg) {
    Message plain = open(msg);
    return plain == null ? null : up_prot.up(plain);
  }

  @Override
  public void up(MessageBatch batch) {
    for (FastArray<Message>.FastIterator it = batch.array().iterator(); it.hasNext(); ) {
      Message plain = open(it.next());
      if (plain == null) {
        it.remove();
      } else {
        it.replace(plain);
      }
    }
    if (!batch.isEmpty()) {
      up_prot.up(batch);
    }
  }

  /** The message sealed in {@code msg}, or null when it is dropped (and counted). */
  Message open(Message msg) {
    // the header's class travels on the wire (its magic id), so any sender can put another one
    // under this protocol's id: a cast would throw into the transport (AeadSymEncryptFuzzTest)
    Header h = msg.getHeader(this.id);
    if (!(h instanceof EncryptHeader hdr)) {
      return dropped(GossipDrops.Reason.UNENCRYPTED); // no encryption header, or another one
    }
    if (!Arrays.equals(hdr.version(), sym_version)) {
      warnKeyMismatch(msg.getSrc());
      return dropped(GossipDrops.Reason.WRONG_KEY);
    }
    byte[] iv = hdr.iv();
    if (!msg.hasPayload() || iv == null || iv.length != IV_BYTES || msg.getLength() < TAG_BYTES) {
      return dropped(GossipDrops.Reason.TRUNCATED);
    }
    byte[] plain;
    try {
      plain = code(msg.getArray(), msg.getOffset(), msg.getLength(), iv, true);
    } catch (GeneralSecurityException e) {
      return dropped(GossipDrops.Reason.BAD_TAG);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return dropped(GossipDrops.Reason.BAD_TAG);
    }
    long from = bytes(iv, 0, STREAM_BYTES);
    if (!received.accept(from, bytes(iv, STREAM_BYTES, COUNTER_BYTES))) {
      return dropped(GossipDrops.Reason.REPLAYED);
    }
    try {
      if (hdr.needsDeserialization()) {
        return Util.messageFromBuffer(plain, 0, plain.length);
      }
      return msg.copy(false, true).setArray(plain, 0, plain.length);
    } catch (Exception e) {
      return dropped(GossipDrops.Reason.TRUNCATED); // authentic, yet not a whole message
    }
  }

  private Message dropped(GossipDrops.Reason reason) {
    drops.count(reason);
    return null;
  }

  private static long bytes(byte[] b, int offset, int length) {
    long v = 0;
    for (int i = 0; i < length; i++) {
      v = (v << 8) | (b[offset + i] & 0xff);
    }
    return v;
  }

  @Override
  protected byte[] code(byte[] buf, int offset, int length, byte[] iv, boolean decode)
      throws Exception {
    BlockingQueue<Cipher> queue = decode ? decoding_ciphers : encoding_ciphers;
    Cipher cipher = queue.take();
    try {
      cipher.init(
          decode ? Cipher.DECRYPT_MODE : Cipher.ENCRYPT_MODE,
          secret_key,
          new GCMParameterSpec(TAG_BITS, iv));
      return cipher.doFinal(buf, offset, length);
    } finally {
      queue.offer(cipher);
    }
  }
}

package io.ferrolb.adapters.l2.membership;

import java.security.Key;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import org.jgroups.Address;
import org.jgroups.Header;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.SYM_ENCRYPT;
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

  AeadSymEncrypt(MemberlistKey key) {
    // reuse SYM_ENCRYPT's protocol id (SYM_ENCRYPT itself is not in the stack): EncryptHeader is
    // registered under it
    setId(ClassConfigurator.getProtocolId(SYM_ENCRYPT.class));
    symAlgorithm(TRANSFORMATION);
    symIvLength(IV_BYTES);
    setSecretKey(key.aesKey());
  }

  /**
   * Drops a message whose header under this protocol's id is not an {@link EncryptHeader}. The
   * header's class travels on the wire (its magic id), so any sender can put another there; {@code
   * Encrypt.up} casts it before its try block, and the ClassCastException escaped into the
   * transport for each such packet (found by {@code AeadSymEncryptFuzzTest}). A message without the
   * header still goes to {@code Encrypt}, which drops it.
   */
  @Override
  public Object up(Message msg) {
    if (hasForeignHeader(msg)) {
      return null;
    }
    return super.up(msg);
  }

  @Override
  public void up(MessageBatch batch) {
    batch.removeIf(this::hasForeignHeader, false);
    if (!batch.isEmpty()) {
      super.up(batch);
    }
  }

  private boolean hasForeignHeader(Message msg) {
    Header h = msg.getHeader(id);
    return h != null && !(h instanceof EncryptHeader);
  }

  /**
   * Called by {@code Encrypt.decrypt} only for a packet sealed with another key version. Such a
   * packet is dropped (unless its sender is a member, then the key cache is tried, as in
   * SYM_ENCRYPT); instead of SYM_ENCRYPT's error line per packet we warn once a minute per sender:
   * a speaker with a wrong {@code memberlist} Secret sends several packets per second.
   */
  @Override
  protected boolean inView(Address sender, String errorMsg) {
    View current = this.view;
    boolean member = current == null || current.containsMember(sender);
    if (!member) {
      warnKeyMismatch(sender);
    }
    return member;
  }

  private void warnKeyMismatch(Address sender) {
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

  @Override
  protected Message _decrypt(Cipher cipher, Key key, Message msg, EncryptHeader hdr)
      throws Exception {
    if (!msg.hasPayload() || hdr.iv() == null || hdr.iv().length != IV_BYTES) {
      return null; // not sealed by a member of this cluster
    }
    byte[] plain;
    if (cipher == null) {
      plain = code(msg.getArray(), msg.getOffset(), msg.getLength(), hdr.iv(), true);
    } else {
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, hdr.iv()));
      plain = cipher.doFinal(msg.getArray(), msg.getOffset(), msg.getLength());
    }
    if (hdr.needsDeserialization()) {
      return Util.messageFromBuffer(plain, 0, plain.length);
    }
    return msg.setArray(plain, 0, plain.length);
  }
}

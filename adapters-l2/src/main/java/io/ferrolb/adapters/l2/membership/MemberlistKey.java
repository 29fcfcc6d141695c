package io.ferrolb.adapters.l2.membership;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 key all speakers share, derived from the {@code memberlist} Secret's {@code
 * secretkey} value: {@code SHA-256(secret bytes)}. Only the derived key is kept, never the secret
 * itself, and {@link #toString()} never shows either.
 *
 * <p>MetalLB's controller creates that Secret with 16 random bytes; the tutorials create it with
 * {@code openssl rand -base64 128}. Any non-empty byte string works: the hash spreads it over 256
 * bits.
 *
 * @since 0.1
 */
public final class MemberlistKey {
  private final byte[] aesKey;

  private MemberlistKey(byte[] aesKey) {
    this.aesKey = aesKey;
  }

  /**
   * Derives the key from the raw secret bytes (the Secret's data value after base64 decoding).
   *
   * @throws IllegalArgumentException if the secret is empty
   */
  public static MemberlistKey fromSecret(byte[] secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.length == 0) {
      throw new IllegalArgumentException(
          "memberlist secret: empty (expected: the non-empty value of Secret memberlist key"
              + " secretkey)");
    }
    try {
      return new MemberlistKey(MessageDigest.getInstance("SHA-256").digest(secret));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
    }
  }

  /** Same as {@link #fromSecret(byte[])} for a secret held as text (UTF-8 bytes). */
  public static MemberlistKey fromSecret(String secret) {
    Objects.requireNonNull(secret, "secret");
    return fromSecret(secret.getBytes(StandardCharsets.UTF_8));
  }

  SecretKey aesKey() {
    return new SecretKeySpec(aesKey, "AES");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemberlistKey other && MessageDigest.isEqual(aesKey, other.aesKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(aesKey);
  }

  @Override
  public String toString() {
    return "MemberlistKey[redacted]";
  }
}

package io.ferrolb.domain.config;

import java.util.Map;
import java.util.Objects;

/**
 * What the parser needs beyond the objects: ferrolb's namespace (every configuration object must
 * live there; an object without a namespace is taken to be in it) and the Secrets of that namespace
 * by name (for {@code BGPPeer.spec.passwordSecret}).
 *
 * @param secretsComplete true when {@code secrets} are all the Secrets there are (in the cluster):
 *     a {@code passwordSecret} naming another one is an error, as in MetalLB. False for files
 *     checked offline, where the Secret usually lives elsewhere: such a reference is a warning that
 *     it was not checked.
 * @param advertisementsIncluded false when the objects leave the L2/BGPAdvertisements out on
 *     purpose (the controller judges no advertisement, {@link #withoutAdvertisements}): then no
 *     pool is said to be selected by none
 */
public record ParseContext(
    String namespace,
    Map<String, SecretData> secrets,
    boolean secretsComplete,
    boolean advertisementsIncluded) {

  public ParseContext {
    Objects.requireNonNull(namespace, "namespace");
    secrets = Map.copyOf(secrets);
  }

  /** A context whose objects include every advertisement there is. */
  public ParseContext(String namespace, Map<String, SecretData> secrets, boolean secretsComplete) {
    this(namespace, secrets, secretsComplete, true);
  }

  /** A context whose {@code secrets} are complete (the cluster's). */
  public ParseContext(String namespace, Map<String, SecretData> secrets) {
    this(namespace, secrets, true);
  }

  /** A context without Secrets, in which a referenced Secret must exist (is an error). */
  public static ParseContext of(String namespace) {
    return new ParseContext(namespace, Map.of(), true);
  }

  /**
   * A context for files checked offline: Secrets come only from the files, and one that is not
   * among them is a warning, or an error when {@code strict}.
   */
  public static ParseContext offline(String namespace, boolean strict) {
    return new ParseContext(namespace, Map.of(), strict);
  }

  /**
   * This context for objects without the advertisements (the controller's share of the
   * configuration): whether an advertisement selects a pool is not known, so it is not warned of.
   */
  public ParseContext withoutAdvertisements() {
    return new ParseContext(namespace, secrets, secretsComplete, false);
  }
}

package io.ferrolb.domain.config;

import io.ferrolb.domain.config.Drafts.PeerDraft;
import java.util.Map;
import java.util.Optional;

/**
 * A BGPPeer's {@code passwordSecret}: the Secret must be in ferrolb's namespace, of type {@code
 * kubernetes.io/basic-auth}, with a {@code password} key; Secrets that are not among the files are
 * only warned about unless the context says the set is complete.
 */
final class PeerPasswords {

  private final ParseContext ctx;
  private final Map<String, SecretData> secrets;

  PeerPasswords(ParseState state) {
    this.ctx = state.ctx;
    this.secrets = state.secrets;
  }

  void read(FieldReader r, PeerDraft d, Map<String, Object> s, String path) {
    r.onlyKnown(s, path, "name", "namespace");
    Optional<String> name = r.nonEmptyStr(s, "name", path);
    Optional<String> ns = r.str(s, "namespace", path);
    if (name.isEmpty()) {
      if (!s.containsKey("name")) {
        r.error(FieldReader.at(path, "name"), null, "missing (expected: the name of a Secret)");
      }
      return;
    }
    if (ns.isPresent() && !ns.get().isEmpty() && !ns.get().equals(ctx.namespace())) {
      r.error(
          FieldReader.at(path, "namespace"),
          ns.get(),
          "Secret outside ferrolb's namespace (expected: " + ctx.namespace() + ")");
      return;
    }
    d.builder.passwordSecret(name.get());
    SecretData secret = secrets.get(name.get());
    if (secret == null && !ctx.secretsComplete()) {
      r.warn(
          FieldReader.at(path, "name"),
          name.get(),
          "not checked: Secret "
              + name.get()
              + " is not among the files (in the cluster it must exist in namespace "
              + ctx.namespace()
              + ", type "
              + SecretData.BASIC_AUTH
              + " with key \"password\"; --strict makes this an error)");
    } else if (secret == null) {
      r.error(
          FieldReader.at(path, "name"),
          name.get(),
          "no Secret of that name in namespace "
              + ctx.namespace()
              + " (expected: a Secret of type "
              + SecretData.BASIC_AUTH
              + " with key \"password\")");
    } else if (!secret.type().equals(SecretData.BASIC_AUTH)) {
      r.error(
          FieldReader.at(path, "name"),
          name.get(),
          "Secret has type " + secret.type() + " (expected: " + SecretData.BASIC_AUTH + ")");
    } else if (!secret.data().containsKey("password")) {
      r.error(
          FieldReader.at(path, "name"),
          name.get(),
          "Secret has no key \"password\" (expected: the TCP MD5 password under data.password)");
    } else {
      d.builder.password(secret.data().get("password"));
    }
  }
}

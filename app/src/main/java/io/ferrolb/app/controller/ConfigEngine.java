package io.ferrolb.app.controller;

import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigParser;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.config.SecretData;
import io.ferrolb.domain.pool.Pool;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one seam between the controller and the domain's configuration parser ({@link ConfigParser}).
 * The controller does not read Secrets: like MetalLB's validating webhook it blanks this
 * "transient" reference (every {@code passwordSecret} a BGPPeer names is taken to exist with the
 * right type); the speakers, which use the password, check it for real.
 *
 * <p>Like MetalLB's pool reconciler, the controller judges only what it uses to assign addresses:
 * IPAddressPools, Communities and the legacy ConfigMap ({@link #CONTROLLER_KINDS}). A mistake in a
 * BGPPeer, BFDProfile or advertisement makes the speakers' ConfigurationState Invalid and leaves
 * the controller Valid and assigning, as in MetalLB.
 */
final class ConfigEngine {

  /** A problem found in one object (when known): where, and what to change. */
  record Problem(String origin, Optional<RawObject> object, String message) {
    Problem {
      Objects.requireNonNull(origin, "origin");
      Objects.requireNonNull(object, "object");
      Objects.requireNonNull(message, "message");
    }
  }

  sealed interface Result permits Valid, Invalid {}

  /** {@code empty} is true when no configuration object exists at all. */
  record Valid(List<Pool> pools, boolean empty, List<Problem> warnings) implements Result {
    Valid {
      pools = List.copyOf(pools);
      warnings = List.copyOf(warnings);
    }

    /** Each warning as one line, with its origin. */
    List<String> warningLines() {
      return warnings.stream()
          .map(p -> p.origin().isEmpty() ? p.message() : p.origin() + ": " + p.message())
          .toList();
    }
  }

  record Invalid(List<Problem> problems) implements Result {
    Invalid {
      problems = List.copyOf(problems);
    }
  }

  /** The key a {@link io.ferrolb.ports.out.ConfigSource} puts in the spec of undecodable text. */
  static final String DECODE_ERROR = "__error";

  // stands in for a Secret the controller does not read (never used as a password)
  private static final String NOT_READ = "not-read-by-the-controller";

  /** The kinds the controller parses; the rest is the speakers' to judge. */
  static final Set<String> CONTROLLER_KINDS =
      Set.of("IPAddressPool", "Community", "ConfigMap", RawObject.LEGACY_CONFIG_KIND);

  private ConfigEngine() {}

  /** The controller's verdict: {@link #parse} over the objects of {@link #CONTROLLER_KINDS}. */
  static Result parseForController(List<RawObject> objects, String namespace) {
    return parse(
        objects.stream().filter(o -> CONTROLLER_KINDS.contains(o.kind())).toList(), namespace);
  }

  static Result parse(List<RawObject> objects, String namespace) {
    List<Problem> problems = new ArrayList<>();
    List<RawObject> decoded = new ArrayList<>();
    Map<String, RawObject> byOrigin = new HashMap<>();
    Map<String, SecretData> secrets = new HashMap<>();
    for (RawObject o : objects) {
      Object decodeError = o.spec().get(DECODE_ERROR);
      if (decodeError != null) {
        problems.add(new Problem(o.origin(), Optional.of(o), String.valueOf(decodeError)));
        continue;
      }
      decoded.add(o);
      byOrigin.put(o.origin(), o);
      if ("BGPPeer".equals(o.kind())
          && o.spec().get("passwordSecret") instanceof Map<?, ?> ref
          && ref.get("name") instanceof String name) {
        secrets.put(name, new SecretData(SecretData.BASIC_AUTH, Map.of("password", NOT_READ)));
      }
    }
    ParseResult result = ConfigParser.parse(decoded, new ParseContext(namespace, secrets));
    if (result instanceof ParseResult.Invalid invalid) {
      for (ConfigError e : invalid.errors()) {
        problems.add(
            new Problem(e.origin(), Optional.ofNullable(byOrigin.get(e.origin())), e.toString()));
      }
    }
    if (!problems.isEmpty()) {
      return new Invalid(problems);
    }
    ParseResult.Valid valid = (ParseResult.Valid) result;
    List<Problem> warnings = new ArrayList<>();
    for (ConfigError w : valid.warnings()) {
      warnings.add(
          new Problem(w.origin(), Optional.ofNullable(byOrigin.get(w.origin())), w.toString()));
    }
    return new Valid(valid.config().pools(), objects.isEmpty(), warnings);
  }
}

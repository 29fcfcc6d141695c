package io.ferrolb.domain.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one configuration loader of the controller and the speakers: parse, keep the last good
 * configuration, report once. Each {@link #load} parses the objects as they are now and says what
 * is in force afterwards: the new configuration ({@link Loaded}), the same one ({@link Unchanged}),
 * or, when the objects are invalid, the last good one with the errors ({@link KeptLastGood}). No
 * objects at all is a valid state with no configuration in force.
 *
 * <p>{@link Outcome#reportDue()} is true only when what there is to tell changed since the last
 * load (valid or invalid, configured or not, the set of errors or warnings): callers log, emit
 * events and write the ConfigurationState's verdict then, not on every pass.
 *
 * <p>Pure: no I/O, no clock. Not thread-safe; one loop thread owns an instance.
 */
public final class ConfigLoader {

  /** What a load leaves in force, and whether it is news. */
  public sealed interface Outcome permits Loaded, Unchanged, KeptLastGood {

    /** The configuration in force after the load; empty when there is none (no objects). */
    Optional<Config> config();

    /** Problems that do not make the configuration invalid. */
    List<ConfigError> warnings();

    /** True when this outcome tells something the previous one did not: report it now. */
    boolean reportDue();
  }

  /** The objects are valid and differ in effect from the configuration in force before. */
  public record Loaded(Optional<Config> config, List<ConfigError> warnings, boolean reportDue)
      implements Outcome {
    public Loaded {
      Objects.requireNonNull(config, "config");
      warnings = List.copyOf(warnings);
    }
  }

  /** The objects are valid and give the configuration already in force. */
  public record Unchanged(Optional<Config> config, List<ConfigError> warnings, boolean reportDue)
      implements Outcome {
    public Unchanged {
      Objects.requireNonNull(config, "config");
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The objects are invalid: the last good configuration ({@code config}, empty when there was
   * none) stays in force. {@code errors} is never empty.
   */
  public record KeptLastGood(
      Optional<Config> config,
      List<ConfigError> errors,
      List<ConfigError> warnings,
      boolean reportDue)
      implements Outcome {
    public KeptLastGood {
      Objects.requireNonNull(config, "config");
      errors = List.copyOf(errors);
      warnings = List.copyOf(warnings);
      if (errors.isEmpty()) {
        throw new IllegalArgumentException("errors: empty (expected: at least one)");
      }
    }
  }

  /** What was last told: the verdict and its problems (warnings, or errors when invalid). */
  private record Report(boolean valid, boolean configured, List<ConfigError> problems) {}

  private Optional<Config> inForce = Optional.empty();
  private Optional<Report> reported = Optional.empty();

  /** Parses {@code objects} and updates what is in force. */
  public Outcome load(List<DecodedObject> objects, ParseContext ctx) {
    ParseResult result = parse(objects, ctx);
    if (result instanceof ParseResult.Invalid invalid) {
      boolean due = tell(new Report(false, inForce.isPresent(), invalid.errors()));
      return new KeptLastGood(inForce, invalid.errors(), invalid.warnings(), due);
    }
    Optional<Config> config =
        objects.isEmpty() ? Optional.empty() : Optional.of(((ParseResult.Valid) result).config());
    boolean due = tell(new Report(true, config.isPresent(), result.warnings()));
    boolean changed = !config.equals(inForce);
    inForce = config;
    return changed
        ? new Loaded(config, result.warnings(), due)
        : new Unchanged(config, result.warnings(), due);
  }

  /**
   * Forgets the configuration in force and what was reported, as a fresh loader: for a controller
   * that becomes leader and reports anew.
   */
  public void forget() {
    inForce = Optional.empty();
    reported = Optional.empty();
  }

  private boolean tell(Report now) {
    boolean due = !reported.equals(Optional.of(now));
    reported = Optional.of(now);
    return due;
  }

  /**
   * {@link ConfigParser#parse} over the decoded objects, with every undecodable one an error of its
   * own (first, in the order given): a configuration with an undecodable object is invalid.
   */
  public static ParseResult parse(List<DecodedObject> objects, ParseContext ctx) {
    List<RawObject> decoded = new ArrayList<>(objects.size());
    List<ConfigError> undecodable = new ArrayList<>();
    for (DecodedObject o : objects) {
      if (o instanceof DecodedObject.Decoded d) {
        decoded.add(d.object());
      } else {
        undecodable.add(((DecodedObject.Undecodable) o).error());
      }
    }
    ParseResult result = ConfigParser.parse(decoded, ctx);
    if (undecodable.isEmpty()) {
      return result;
    }
    List<ConfigError> errors = new ArrayList<>(undecodable);
    if (result instanceof ParseResult.Invalid invalid) {
      errors.addAll(invalid.errors());
    }
    return new ParseResult.Invalid(errors, result.warnings());
  }
}

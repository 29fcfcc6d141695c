package io.ferrolb.app.admission;

import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The webhook's verdict on one change to the configuration: the cluster's objects with the change
 * applied, judged by the same parser as {@code ferrolb validate} and the controller. A change is
 * refused only for the errors it brings; errors the configuration already had (another object's)
 * are not blamed on it, since refusing an unrelated fix would leave the cluster stuck.
 */
public final class ConfigAdmission {
  private ConfigAdmission() {}

  /** What the webhook answers. */
  public record AdmissionVerdict(boolean allowed, String message, List<String> warnings) {
    public AdmissionVerdict {
      Objects.requireNonNull(message, "message");
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * @param live the configuration objects in the cluster now
   * @param change the object after the operation (empty for DELETE)
   * @param kind the object's kind (for DELETE, where only the old object is known)
   * @param name its name
   * @param namespace its namespace
   * @param ferrolbNamespace where ferrolb reads its configuration
   */
  public static AdmissionVerdict judge(
      List<DecodedObject> live,
      Optional<DecodedObject> change,
      String kind,
      String name,
      String namespace,
      String ferrolbNamespace) {
    if (!ferrolbNamespace.equals(namespace)) {
      return new AdmissionVerdict(
          false,
          kind
              + " "
              + namespace
              + "/"
              + name
              + ": ferrolb reads metallb.io objects only in namespace \""
              + ferrolbNamespace
              + "\"; in \""
              + namespace
              + "\" it would be ignored (expected: metadata.namespace: "
              + ferrolbNamespace
              + ")",
          List.of());
    }
    List<DecodedObject> after = new ArrayList<>();
    for (DecodedObject o : live) {
      if (!(o.kind().equals(kind) && o.name().equals(name))) {
        after.add(o);
      }
    }
    change.ifPresent(after::add);
    ParseContext ctx = new ParseContext(ferrolbNamespace, Map.of());
    ParseResult was = ConfigLoader.parse(live, ctx);
    ParseResult will = ConfigLoader.parse(after, ctx);
    Set<String> before = messages(was instanceof ParseResult.Invalid i ? i.errors() : List.of());
    List<String> warnings = new ArrayList<>(messages(will.warnings()));
    warnings.removeAll(messages(was.warnings()));
    if (will instanceof ParseResult.Invalid invalid) {
      List<String> brought = new ArrayList<>(messages(invalid.errors()));
      brought.removeAll(before);
      if (!brought.isEmpty()) {
        return new AdmissionVerdict(false, String.join("; ", brought), warnings);
      }
    }
    return new AdmissionVerdict(true, "", warnings);
  }

  private static Set<String> messages(List<ConfigError> errors) {
    Set<String> out = new LinkedHashSet<>();
    for (ConfigError e : errors) {
      out.add(e.withOrigin());
    }
    return out;
  }
}

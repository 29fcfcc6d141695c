package io.ferrolb.it.compat;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelStringExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The openAPIV3Schema of one served version of a deploy/crds CRD, with what the API server does to
 * an object of it before it is stored: prune nulls, apply defaults, check the structural schema
 * (types, required, enum, bounds, lengths, list-type set) and evaluate every {@code
 * x-kubernetes-validations} rule with {@code self} bound to its node.
 *
 * <p>The CEL environment is the one Kubernetes gives CRD rules before 1.29 (cel-go's standard
 * library and the strings extension of version 0: charAt, indexOf, lastIndexOf, lowerAscii,
 * replace, split, substring, trim, upperAscii); rules that need a later library fail to compile
 * here. {@code self} has the schema's type: objects with properties are struct types (so a typo in
 * a field name is a compile error), maps are {@code map(string, T)}, arrays {@code list(T)}.
 */
final class CrdSchema {

  /** deploy/crds of the repository (surefire runs in the it-tests directory). */
  static final Path DIR = Path.of("..", "deploy", "crds");

  /** Kubernetes' limit on a request body, which bounds unbounded lists and strings. */
  static final long MAX_REQUEST_BYTES = 3 * 1024 * 1024;

  private static final Set<CelStringExtensions.Function> STRINGS_V0 =
      Set.of(
          CelStringExtensions.Function.CHAR_AT,
          CelStringExtensions.Function.INDEX_OF,
          CelStringExtensions.Function.LAST_INDEX_OF,
          CelStringExtensions.Function.LOWER_ASCII,
          CelStringExtensions.Function.REPLACE,
          CelStringExtensions.Function.SPLIT,
          CelStringExtensions.Function.SUBSTRING,
          CelStringExtensions.Function.TRIM,
          CelStringExtensions.Function.UPPER_ASCII);

  /** One x-kubernetes-validations entry, compiled for the type of its node. */
  record Rule(
      String crd,
      String version,
      String path,
      Map<String, Object> scope,
      long cardinality,
      String rule,
      String message,
      String messageExpression,
      String fieldPath,
      CelValidationResult compiled,
      CelValidationResult compiledMessage,
      CelRuntime runtime) {

    String where() {
      return crd + " " + version + " " + path + ": " + firstLine(rule);
    }

    private static String firstLine(String s) {
      String l = s.strip().lines().findFirst().orElse("");
      return l.length() > 90 ? l.substring(0, 87) + "..." : l;
    }
  }

  /** A problem the API server reports for an object: where, and why. */
  record Rejection(String path, String why, Rule rule) {
    @Override
    public String toString() {
      return path + ": " + why;
    }
  }

  final String crd;
  final String kind;
  final String version;
  final Map<String, Object> root;
  final List<Rule> rules = new ArrayList<>();
  private final Map<String, CelType> structs = new LinkedHashMap<>();

  private CrdSchema(String crd, String kind, String version, Map<String, Object> root) {
    this.crd = crd;
    this.kind = kind;
    this.version = version;
    this.root = root;
  }

  // ------------------------------------------------------------------ loading

  /** Every served version of every deploy/crds/metallb.io_*.yaml. */
  static List<CrdSchema> loadAll() {
    List<CrdSchema> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f :
          files
              .filter(p -> p.getFileName().toString().startsWith("metallb.io_"))
              .sorted()
              .toList()) {
        out.addAll(load(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<CrdSchema> load(Path file) throws IOException {
    Map<String, Object> doc =
        (Map<String, Object>)
            new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(file, StandardCharsets.UTF_8));
    Map<String, Object> spec = (Map<String, Object>) doc.get("spec");
    String kind = (String) ((Map<String, Object>) spec.get("names")).get("kind");
    List<CrdSchema> out = new ArrayList<>();
    for (Object v : (List<Object>) spec.get("versions")) {
      Map<String, Object> version = (Map<String, Object>) v;
      Map<String, Object> schema =
          (Map<String, Object>)
              ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema");
      CrdSchema s =
          new CrdSchema(file.getFileName().toString(), kind, (String) version.get("name"), schema);
      s.collectRules(schema, "", 1);
      out.add(s);
    }
    return out;
  }

  /** A schema of {@code kind} built in a test, its rules compiled like those of the files. */
  static CrdSchema of(String kind, Map<String, Object> root) {
    CrdSchema s = new CrdSchema("test", kind, "v1", root);
    s.collectRules(root, "", 1);
    return s;
  }

  /**
   * What keeps a schema structural (the API server refuses a CRD otherwise) and its list types
   * valid: every node has a type, arrays have items, an object has properties or
   * additionalProperties but not both, a set lists scalars.
   */
  static List<String> structuralProblems(Map<String, Object> node, String path) {
    List<String> out = new ArrayList<>();
    String at = path.isEmpty() ? "<root>" : path;
    boolean free =
        Boolean.TRUE.equals(node.get("x-kubernetes-preserve-unknown-fields"))
            || Boolean.TRUE.equals(node.get("x-kubernetes-int-or-string"));
    Object type = node.get("type");
    if (type == null && !free) {
      out.add(at + ": no type");
    }
    if ("array".equals(type)) {
      Map<String, Object> items = map(node.get("items"));
      if (items == null) {
        out.add(at + ": array without items");
      } else {
        if ("set".equals(node.get("x-kubernetes-list-type"))
            && List.of("object", "array").contains(items.get("type"))) {
          out.add(at + ": list-type set of non-scalar items");
        }
        out.addAll(structuralProblems(items, path + "[*]"));
      }
    }
    if (node.containsKey("properties") && node.containsKey("additionalProperties")) {
      out.add(at + ": both properties and additionalProperties");
    }
    properties(node).forEach((k, p) -> out.addAll(structuralProblems(p, path + "." + k)));
    Map<String, Object> additional = map(node.get("additionalProperties"));
    if (additional != null) {
      out.addAll(structuralProblems(additional, path + "[*]"));
    }
    for (Map<String, Object> v : list(node.get("x-kubernetes-validations"))) {
      if (!(v.get("rule") instanceof String r) || r.isBlank()) {
        out.add(at + ": a validation without rule");
      }
    }
    return out;
  }

  /** Walks the schema, compiling each rule for the type of its node. */
  private void collectRules(Map<String, Object> node, String path, long cardinality) {
    for (Map<String, Object> v : list(node.get("x-kubernetes-validations"))) {
      rules.add(compile(node, path, cardinality, v));
    }
    for (Map.Entry<String, Map<String, Object>> p : properties(node).entrySet()) {
      collectRules(p.getValue(), path + "." + p.getKey(), cardinality);
    }
    Map<String, Object> items = map(node.get("items"));
    if (items != null) {
      collectRules(items, path + "[*]", times(cardinality, bound(node, "maxItems", items)));
    }
    Map<String, Object> additional = map(node.get("additionalProperties"));
    if (additional != null) {
      collectRules(
          additional, path + "[*]", times(cardinality, bound(node, "maxProperties", additional)));
    }
  }

  /** How many elements the list or map can hold: its maxItems or maxProperties, or unbounded. */
  private static long bound(Map<String, Object> node, String key, Map<String, Object> element) {
    return node.get(key) instanceof Number n ? n.longValue() : UNBOUNDED;
  }

  private static final long UNBOUNDED = -1;

  private static long times(long a, long b) {
    if (a == UNBOUNDED || b == UNBOUNDED) {
      return UNBOUNDED;
    }
    return a > Long.MAX_VALUE / Math.max(b, 1) ? Long.MAX_VALUE : a * b;
  }

  /**
   * How often a node can occur in one object: the product of the maxItems above it or, where one is
   * missing, as many of the node's smallest value as fit in a request (the API server's estimate).
   */
  private static long cardinality(long bound, Map<String, Object> node) {
    return bound != UNBOUNDED ? bound : MAX_REQUEST_BYTES / (minJsonSize(node) + 1);
  }

  /** The size of the smallest JSON value of this schema (required fields only). */
  static long minJsonSize(Map<String, Object> schema) {
    String type = String.valueOf(schema.get("type"));
    return switch (type) {
      case "string" -> 2 + (schema.get("minLength") instanceof Number n ? n.longValue() : 0);
      case "integer", "number" -> 1;
      case "boolean" -> 4;
      case "array" -> 2;
      case "object" -> {
        long size = 2;
        Map<String, Map<String, Object>> props = properties(schema);
        for (Object r : schema.get("required") instanceof List<?> l ? l : List.of()) {
          Map<String, Object> p = props.get(String.valueOf(r));
          if (p != null && !p.containsKey("default")) {
            size += String.valueOf(r).length() + 4 + minJsonSize(p);
          }
        }
        yield size;
      }
      default -> 1;
    };
  }

  private Rule compile(
      Map<String, Object> node, String path, long cardinality, Map<String, Object> v) {
    CelType selfType = celType(node, typeName(path));
    Cel cel =
        CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .setTypeProvider(new Structs())
            .addVar("self", selfType)
            .addCompilerLibraries(CelExtensions.strings(STRINGS_V0))
            .addRuntimeLibraries(CelExtensions.strings(STRINGS_V0))
            .build();
    String rule = (String) v.get("rule");
    String messageExpression = (String) v.get("messageExpression");
    return new Rule(
        crd,
        this.version,
        path.isEmpty() ? "<root>" : path,
        node,
        cardinality(cardinality, node),
        rule,
        (String) v.get("message"),
        messageExpression,
        (String) v.get("fieldPath"),
        cel.compile(rule),
        messageExpression == null ? null : cel.compile(messageExpression),
        cel);
  }

  private String typeName(String path) {
    return "k8s."
        + kind.toLowerCase()
        + "."
        + version
        + path.replace("[*]", ".items").replaceAll("[^A-Za-z0-9.]", "_");
  }

  /** The CEL type Kubernetes gives a value of this schema. */
  private CelType celType(Map<String, Object> node, String name) {
    String type = String.valueOf(node.get("type"));
    switch (type) {
      case "string":
        return SimpleType.STRING;
      case "integer":
        return SimpleType.INT;
      case "number":
        return SimpleType.DOUBLE;
      case "boolean":
        return SimpleType.BOOL;
      case "array":
        return ListType.create(celType(map(node.get("items")), name + ".items"));
      case "object":
        Map<String, Object> additional = map(node.get("additionalProperties"));
        if (additional != null) {
          return MapType.create(SimpleType.STRING, celType(additional, name + ".value"));
        }
        Map<String, Map<String, Object>> props = properties(node);
        if (props.isEmpty()) {
          return MapType.create(SimpleType.STRING, SimpleType.DYN);
        }
        Map<String, CelType> fields = new LinkedHashMap<>();
        props.forEach((k, p) -> fields.put(k, celType(p, name + "." + k)));
        StructType struct =
            StructType.create(
                name,
                ImmutableSet.copyOf(fields.keySet()),
                f -> Optional.ofNullable(fields.get(f)));
        structs.put(name, struct);
        return struct;
      default:
        return SimpleType.DYN;
    }
  }

  /** The struct types made for this schema, so the checker can select their fields. */
  private final class Structs implements CelTypeProvider {
    @Override
    public com.google.common.collect.ImmutableCollection<CelType> types() {
      return ImmutableList.copyOf(structs.values());
    }

    @Override
    public Optional<CelType> findType(String typeName) {
      return Optional.ofNullable(structs.get(typeName));
    }
  }

  // ------------------------------------------------------------------ validation

  /**
   * What the API server rejects in {@code object} (an apiVersion/kind/metadata/spec tree as read
   * from YAML): null pruning and defaulting first, then the structural schema, then the rules.
   * Metadata is the API server's own business and not checked here.
   */
  List<Rejection> validate(Map<String, Object> object) {
    Map<String, Object> copy = new LinkedHashMap<>(object);
    copy.remove("metadata");
    Object normalized = normalize(copy, root);
    List<Rejection> out = new ArrayList<>();
    checkSchema(normalized, root, "", out);
    evaluateRules(normalized, root, "", out);
    return out;
  }

  /** Nulls pruned, integers as Long, defaults applied (the API server's order). */
  @SuppressWarnings("unchecked")
  private static Object normalize(Object value, Map<String, Object> schema) {
    if (value instanceof Integer i) {
      return (long) i;
    }
    if (value instanceof BigInteger b) {
      return b.bitLength() < 64 ? b.longValue() : b.doubleValue();
    }
    if (value instanceof Map<?, ?> m && schema != null) {
      Map<String, Object> out = new LinkedHashMap<>();
      Map<String, Map<String, Object>> props = properties(schema);
      Map<String, Object> additional = map(schema.get("additionalProperties"));
      ((Map<String, Object>) m)
          .forEach(
              (k, v) -> {
                if (v != null) {
                  out.put(k, normalize(v, props.containsKey(k) ? props.get(k) : additional));
                }
              });
      props.forEach(
          (k, p) -> {
            if (!out.containsKey(k) && p.containsKey("default")) {
              out.put(k, normalize(p.get("default"), p));
            }
          });
      return out;
    }
    if (value instanceof List<?> l && schema != null) {
      Map<String, Object> items = map(schema.get("items"));
      List<Object> out = new ArrayList<>();
      for (Object e : l) {
        out.add(e == null ? null : normalize(e, items));
      }
      return out;
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static void checkSchema(
      Object value, Map<String, Object> schema, String path, List<Rejection> out) {
    String type = String.valueOf(schema.get("type"));
    String at = path.isEmpty() ? "<root>" : path.substring(1);
    boolean typeOk =
        switch (type) {
          case "object" -> value instanceof Map;
          case "array" -> value instanceof List;
          case "string" -> value instanceof String;
          case "integer" -> value instanceof Long;
          case "number" -> value instanceof Long || value instanceof Double;
          case "boolean" -> value instanceof Boolean;
          default -> true;
        };
    if (!typeOk) {
      out.add(new Rejection(at, "Invalid value: must be of type " + type, null));
      return;
    }
    if (schema.get("enum") instanceof List<?> allowed && !allowed.contains(value)) {
      out.add(new Rejection(at, "Unsupported value: " + value, null));
    }
    if (value instanceof Long n) {
      if (schema.get("minimum") instanceof Number min && n < min.longValue()) {
        out.add(new Rejection(at, "should be greater than or equal to " + min, null));
      }
      if (schema.get("maximum") instanceof Number max && n > max.longValue()) {
        out.add(new Rejection(at, "should be less than or equal to " + max, null));
      }
    }
    if (value instanceof String s) {
      long length = s.codePointCount(0, s.length());
      if (schema.get("maxLength") instanceof Number max && length > max.longValue()) {
        out.add(new Rejection(at, "Too long: may not be more than " + max, null));
      }
      if (schema.get("minLength") instanceof Number min && length < min.longValue()) {
        out.add(new Rejection(at, "should be at least " + min + " chars long", null));
      }
      if (schema.get("pattern") instanceof String p && !Pattern.compile(p).matcher(s).find()) {
        out.add(new Rejection(at, "should match '" + p + "'", null));
      }
    }
    if (value instanceof List<?> l) {
      if (schema.get("maxItems") instanceof Number max && l.size() > max.longValue()) {
        out.add(new Rejection(at, "Too many: must have at most " + max + " items", null));
      }
      if (schema.get("minItems") instanceof Number min && l.size() < min.longValue()) {
        out.add(new Rejection(at, "should have at least " + min + " items", null));
      }
      if ("set".equals(schema.get("x-kubernetes-list-type"))) {
        Set<Object> seen = new HashSet<>();
        for (int i = 0; i < l.size(); i++) {
          if (!seen.add(l.get(i))) {
            out.add(new Rejection(at + "[" + i + "]", "Duplicate value: " + l.get(i), null));
          }
        }
      }
      Map<String, Object> items = map(schema.get("items"));
      for (int i = 0; i < l.size(); i++) {
        if (l.get(i) == null) {
          out.add(new Rejection(at + "[" + i + "]", "Invalid value: null", null));
        } else if (items != null) {
          checkSchema(l.get(i), items, path + "[" + i + "]", out);
        }
      }
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Map<String, Object>> props = properties(schema);
      Map<String, Object> additional = map(schema.get("additionalProperties"));
      for (Object r : schema.get("required") instanceof List<?> req ? req : List.of()) {
        if (!m.containsKey(r)) {
          out.add(new Rejection(at + "." + r, "Required value", null));
        }
      }
      for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
        Map<String, Object> child = props.containsKey(e.getKey()) ? props.get(e.getKey()) : null;
        if (child == null) {
          child = additional;
        }
        if (child == null) {
          if (!props.isEmpty()
              && !Boolean.TRUE.equals(schema.get("x-kubernetes-preserve-unknown-fields"))) {
            // kubectl's default strict field validation
            out.add(new Rejection(at + "." + e.getKey(), "unknown field", null));
          }
        } else {
          checkSchema(e.getValue(), child, path + "." + e.getKey(), out);
        }
      }
    }
  }

  /** Evaluates the rules of every node present in {@code value}. */
  @SuppressWarnings("unchecked")
  private void evaluateRules(
      Object value, Map<String, Object> schema, String path, List<Rejection> out) {
    String rulePath = rulePath(path);
    for (Rule r : rules) {
      if (r.scope() == schema && r.path().equals(rulePath)) {
        evaluate(r, value, path, out);
      }
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Map<String, Object>> props = properties(schema);
      Map<String, Object> additional = map(schema.get("additionalProperties"));
      ((Map<String, Object>) m)
          .forEach(
              (k, v) -> {
                Map<String, Object> child = props.containsKey(k) ? props.get(k) : null;
                if (child != null) {
                  evaluateRules(v, child, path + "." + k, out);
                } else if (additional != null) {
                  evaluateRules(v, additional, path + "[" + k + "]", out);
                }
              });
    } else if (value instanceof List<?> l && map(schema.get("items")) != null) {
      for (int i = 0; i < l.size(); i++) {
        evaluateRules(l.get(i), map(schema.get("items")), path + "[" + i + "]", out);
      }
    }
  }

  private static String rulePath(String path) {
    String p = path.replaceAll("\\[[^]]*]", "[*]");
    return p.isEmpty() ? "<root>" : p;
  }

  private static void evaluate(Rule r, Object self, String path, List<Rejection> out) {
    String at = path.isEmpty() ? "<root>" : path.substring(1);
    if (r.fieldPath() != null) {
      at = at + r.fieldPath();
    }
    Object result;
    try {
      CelAbstractSyntaxTree ast = r.compiled().getAst();
      result = r.runtime().createProgram(ast).eval(Map.of("self", self));
    } catch (CelValidationException | CelEvaluationException e) {
      out.add(new Rejection(at, "rule evaluation error: " + e.getMessage(), r));
      return;
    }
    if (!Boolean.TRUE.equals(result)) {
      out.add(new Rejection(at, "Invalid value: " + message(r, self), r));
    }
  }

  /** The message the API server shows: messageExpression's value, else message. */
  static String message(Rule r, Object self) {
    if (r.compiledMessage() != null) {
      try {
        Object m =
            r.runtime().createProgram(r.compiledMessage().getAst()).eval(Map.of("self", self));
        if (m instanceof String s && !s.isBlank()) {
          return s;
        }
      } catch (CelValidationException | CelEvaluationException e) {
        return r.message() + " (messageExpression failed: " + e.getMessage() + ")";
      }
    }
    return r.message();
  }

  // ------------------------------------------------------------------ schema helpers

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Object>> properties(Map<String, Object> node) {
    Object p = node.get("properties");
    return p instanceof Map<?, ?> m ? (Map<String, Map<String, Object>>) m : Map.of();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object o) {
    return o instanceof List<?> l ? (List<Map<String, Object>>) l : List.of();
  }
}

package io.ferrolb.adapters.k8s.yaml;

import io.ferrolb.domain.config.RawObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Reads MetalLB configuration from YAML files into {@link RawObject}s for {@code ConfigParser}.
 *
 * <p>Each document of a (multi-document) file is one of:
 *
 * <ul>
 *   <li>a {@code metallb.io} object ({@code IPAddressPool}, {@code BGPPeer}, ...);
 *   <li>a {@code kind: List} whose {@code items} are such objects;
 *   <li>a legacy MetalLB {@code ConfigMap}: its {@code data.config} string is parsed as YAML and
 *       becomes a {@link RawObject#LEGACY_CONFIG_KIND} object (a ConfigMap without {@code
 *       data.config} stays kind {@code ConfigMap}, which the parser reports and ignores);
 *   <li>just the ConfigMap's config data (a document without {@code kind} and {@code apiVersion},
 *       with {@code address-pools}, {@code peers}, ... at the top);
 *   <li>a {@code v1 Secret} (for {@code BGPPeer.spec.passwordSecret}): its {@code data} is
 *       base64-decoded and {@code stringData} merged in; spec = {@code {type, data}}.
 * </ul>
 *
 * Origins are {@code path:N}, N the 1-based document index. YAML 1.2 core schema with the YAML 1.1
 * booleans kubectl accepts ({@link KubectlYamlSchema}): integers become {@code Long}, floats {@code
 * Double}; null values are dropped (Go treats them as absent); empty documents are skipped. Other
 * kinds pass through so the parser can name them.
 */
public final class YamlConfigDecoder {

  // Defences against hostile input: alias bombs and huge documents.
  private static final int MAX_ALIASES = 50;
  private static final int MAX_CODE_POINTS = 8 * 1024 * 1024;

  private YamlConfigDecoder() {}

  /** Decodes the file at {@code path}; origins use {@code path} as given. */
  public static List<RawObject> decode(Path path) throws YamlDecodeException {
    String text;
    try {
      byte[] bytes = Files.readAllBytes(path);
      text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new YamlDecodeException(path + ": not UTF-8 text", e);
    } catch (IOException e) {
      throw new YamlDecodeException(
          path + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
    }
    return decode(path.toString(), text);
  }

  /** Decodes YAML {@code text}; {@code name} stands for the file in origins and messages. */
  public static List<RawObject> decode(String name, String text) throws YamlDecodeException {
    List<RawObject> out = new ArrayList<>();
    int doc = 0;
    for (Object root : load(name, text, 0)) {
      doc++;
      if (root == null) {
        continue;
      }
      String origin = name + ":" + doc;
      if (!(root instanceof Map<?, ?>)) {
        throw new YamlDecodeException(
            origin
                + ": document is a "
                + typeName(root)
                + " (expected: a mapping: a metallb.io object, a ConfigMap, or MetalLB config"
                + " data)");
      }
      Map<String, Object> m = asMap(root);
      if (!m.containsKey("kind") && !m.containsKey("apiVersion")) {
        out.add(
            new RawObject("v1", RawObject.LEGACY_CONFIG_KIND, "", "config", Map.of(), m, origin));
      } else if ("List".equals(m.get("kind"))) {
        Object items = m.get("items");
        if (items != null && !(items instanceof List<?>)) {
          throw new YamlDecodeException(origin + ": List items is not a list");
        }
        List<?> list = items == null ? List.of() : (List<?>) items;
        for (int i = 0; i < list.size(); i++) {
          if (!(list.get(i) instanceof Map<?, ?>)) {
            throw new YamlDecodeException(
                origin + ": items[" + i + "] is a " + typeName(list.get(i)) + " (expected: map)");
          }
          out.add(object(name, asMap(list.get(i)), origin));
        }
      } else {
        out.add(object(name, m, origin));
      }
    }
    return out;
  }

  private static RawObject object(String name, Map<String, Object> m, String origin)
      throws YamlDecodeException {
    String apiVersion = scalar(m.get("apiVersion"));
    String kind = scalar(m.get("kind"));
    Map<String, Object> meta = m.get("metadata") instanceof Map<?, ?> mm ? asMap(mm) : Map.of();
    String objName = scalar(meta.get("name"));
    String namespace = scalar(meta.get("namespace"));
    Map<String, String> labels = new LinkedHashMap<>();
    if (meta.get("labels") instanceof Map<?, ?> lm) {
      lm.forEach((k, v) -> labels.put(String.valueOf(k), scalar(v)));
    }
    if (kind.equals("ConfigMap") && apiVersion.equals("v1")) {
      Object data = m.get("data") instanceof Map<?, ?> dm ? dm.get("config") : null;
      if (!(data instanceof String config)) {
        // not MetalLB's ConfigMap (e.g. metallb-excludel2 in a manifest): the parser names it
        return new RawObject("v1", "ConfigMap", namespace, objName, labels, Map.of(), origin);
      }
      List<Object> inner = load(origin + " data.config", config, 0);
      Object spec = inner.isEmpty() ? null : inner.get(0);
      if (inner.size() > 1) {
        throw new YamlDecodeException(
            origin + ": ConfigMap data.config is not one YAML mapping (expected: MetalLB config)");
      }
      if (spec != null && !(spec instanceof Map<?, ?>)) {
        // valid YAML that MetalLB cannot unmarshal into its config: an invalid configuration
        return new RawObject(
            "v1",
            RawObject.LEGACY_CONFIG_KIND,
            namespace,
            objName.isEmpty() ? "config" : objName,
            labels,
            Map.of(),
            origin,
            Optional.of(new RawObject.NotAMapping(typeName(spec), scalar(spec))));
      }
      return new RawObject(
          "v1",
          RawObject.LEGACY_CONFIG_KIND,
          namespace,
          objName.isEmpty() ? "config" : objName,
          labels,
          spec == null ? Map.of() : asMap(spec),
          origin);
    }
    if (kind.equals("Secret") && apiVersion.equals("v1")) {
      return secret(m, objName, namespace, labels, origin);
    }
    Object spec = m.get("spec");
    Map<String, Object> specMap;
    if (spec == null) {
      specMap = Map.of();
    } else if (spec instanceof Map<?, ?>) {
      specMap = asMap(spec);
    } else {
      throw new YamlDecodeException(
          origin + ": spec is a " + typeName(spec) + " (expected: a mapping)");
    }
    return new RawObject(apiVersion, kind, namespace, objName, labels, specMap, origin);
  }

  private static RawObject secret(
      Map<String, Object> m,
      String name,
      String namespace,
      Map<String, String> labels,
      String origin)
      throws YamlDecodeException {
    Map<String, Object> data = new LinkedHashMap<>();
    if (m.get("data") instanceof Map<?, ?> dm) {
      for (Map.Entry<?, ?> e : dm.entrySet()) {
        try {
          byte[] raw = Base64.getMimeDecoder().decode(scalar(e.getValue()));
          data.put(String.valueOf(e.getKey()), new String(raw, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException ex) {
          throw new YamlDecodeException(
              origin + ": Secret data." + e.getKey() + " is not base64 (" + ex.getMessage() + ")",
              ex);
        }
      }
    }
    if (m.get("stringData") instanceof Map<?, ?> sm) {
      sm.forEach((k, v) -> data.put(String.valueOf(k), scalar(v)));
    }
    String type = m.get("type") == null ? "Opaque" : scalar(m.get("type"));
    return new RawObject(
        "v1", "Secret", namespace, name, labels, Map.of("type", type, "data", data), origin);
  }

  private static List<Object> load(String name, String text, int lineOffset)
      throws YamlDecodeException {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(name)
            .setSchema(new KubectlYamlSchema())
            .setAllowDuplicateKeys(false)
            .setAllowRecursiveKeys(false)
            .setMaxAliasesForCollections(MAX_ALIASES)
            .setCodePointLimit(MAX_CODE_POINTS)
            .build();
    List<Object> docs = new ArrayList<>();
    try {
      for (Object o : new Load(settings).loadAllFromString(text)) {
        docs.add(normalizeRoot(o));
      }
    } catch (MarkedYamlEngineException e) {
      String where =
          e.getProblemMark()
              .or(e::getContextMark)
              .map(mk -> ":" + (mk.getLine() + 1 + lineOffset) + ":" + (mk.getColumn() + 1))
              .orElse("");
      String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
      throw new YamlDecodeException(name + where + ": invalid YAML: " + problem, e);
    } catch (YamlEngineException e) {
      throw new YamlDecodeException(name + ": invalid YAML: " + e.getMessage(), e);
    }
    return docs;
  }

  /**
   * Lists of structs at the top of MetalLB's legacy config: Go decodes a null element of these as
   * an empty struct (so {@code address-pools: [null]} is "missing pool name"), not as nothing.
   */
  private static final java.util.Set<String> LEGACY_STRUCT_LISTS =
      java.util.Set.of("address-pools", "peers", "bfd-profiles");

  /** {@link #normalize} of a document, keeping null elements of the legacy struct lists. */
  private static Object normalizeRoot(Object o) throws YamlDecodeException {
    if (!(o instanceof Map<?, ?> m) || m.containsKey("kind") || m.containsKey("apiVersion")) {
      return normalize(o);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (e.getValue() instanceof List<?> l && LEGACY_STRUCT_LISTS.contains(key)) {
        List<Object> items = new ArrayList<>();
        for (Object x : l) {
          items.add(x == null ? new LinkedHashMap<String, Object>() : normalize(x));
        }
        out.put(key, items);
      } else {
        Object v = normalize(e.getValue());
        if (v != null) {
          out.put(key, v);
        }
      }
    }
    return out;
  }

  /** Integers to Long, floats to Double, nulls dropped, keys to strings; rejects binary data. */
  private static Object normalize(Object o) throws YamlDecodeException {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object v = normalize(e.getValue());
        if (v != null) {
          out.put(String.valueOf(e.getKey()), v);
        }
      }
      return out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object x : l) {
        Object v = normalize(x);
        if (v != null) {
          out.add(v);
        }
      }
      return out;
    }
    if (o instanceof Integer i) {
      return (long) i;
    }
    if (o instanceof BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
    }
    if (o instanceof Float f) {
      return (double) f;
    }
    if (o == null
        || o instanceof String
        || o instanceof Long
        || o instanceof Double
        || o instanceof Boolean) {
      return o;
    }
    throw new YamlDecodeException(
        "unsupported YAML value of type "
            + o.getClass().getSimpleName()
            + " (expected: scalars,"
            + " lists and maps)");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  private static String scalar(Object o) {
    return o == null ? "" : String.valueOf(o);
  }

  private static String typeName(Object o) {
    if (o instanceof List<?>) {
      return "list";
    }
    if (o instanceof String) {
      return "string";
    }
    return o.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }
}

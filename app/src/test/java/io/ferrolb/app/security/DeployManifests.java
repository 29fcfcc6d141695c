package io.ferrolb.app.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * What {@code kubectl kustomize} renders from a directory of deploy/, for the subset of kustomize
 * deploy/ uses (kustomize is not installed here): {@code resources} (files, and directories holding
 * a kustomization.yaml, recursively), {@code namespace} on namespaced objects without one, and JSON
 * 6902 {@code patches} ({@code add}, {@code replace}, {@code remove}) aimed by kind and name.
 * Anything else in a kustomization.yaml fails the load, so a new feature cannot be skipped quietly.
 */
final class DeployManifests {
  /** deploy/ of the repository (surefire runs in the module directory). */
  static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

  /** base and each overlay: every install deploy/ offers. */
  static final List<String> INSTALLS =
      List.of("base", "overlays/l2", "overlays/bgp", "overlays/secure-metrics", "overlays/webhook");

  private DeployManifests() {}

  /** The objects {@code dir} (relative to deploy/) renders to. */
  static List<Map<String, Object>> render(String dir) {
    return render(DEPLOY.resolve(dir));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> render(Path dir) {
    Map<String, Object> k = documents(dir.resolve("kustomization.yaml")).get(0);
    for (String key : k.keySet()) {
      if (!List.of("apiVersion", "kind", "namespace", "labels", "resources", "patches")
          .contains(key)) {
        throw new IllegalStateException(
            dir + "/kustomization.yaml: " + key + " (expected: a feature DeployManifests renders)");
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object r : (List<Object>) k.getOrDefault("resources", List.of())) {
      Path p = dir.resolve((String) r).normalize();
      out.addAll(Files.isDirectory(p) ? render(p) : documents(p));
    }
    String ns = (String) k.get("namespace");
    if (ns != null) {
      for (Map<String, Object> o : out) {
        Map<String, Object> meta = (Map<String, Object>) o.get("metadata");
        if (!CLUSTER_SCOPED.contains(o.get("kind"))) {
          meta.put("namespace", ns);
        }
      }
    }
    for (Object p : (List<Object>) k.getOrDefault("patches", List.of())) {
      Map<String, Object> patch = (Map<String, Object>) p;
      Map<String, Object> target = (Map<String, Object>) patch.get("target");
      List<Map<String, Object>> ops =
          (List<Map<String, Object>>) (Object) documents((String) patch.get("patch"), dir);
      for (Map<String, Object> o : out) {
        if (Objects.equals(o.get("kind"), target.get("kind"))
            && Objects.equals(name(o), target.get("name"))) {
          for (Map<String, Object> op : ops) {
            JsonPatch.apply(o, op);
          }
        }
      }
    }
    return out;
  }

  static final List<String> CLUSTER_SCOPED =
      List.of(
          "Namespace",
          "CustomResourceDefinition",
          "ClusterRole",
          "ClusterRoleBinding",
          "ValidatingWebhookConfiguration",
          "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding");

  @SuppressWarnings("unchecked")
  static String name(Map<String, Object> o) {
    return (String) ((Map<String, Object>) o.get("metadata")).get("name");
  }

  @SuppressWarnings("unchecked")
  static String namespace(Map<String, Object> o) {
    return (String) ((Map<String, Object>) o.get("metadata")).get("namespace");
  }

  private static List<Map<String, Object>> documents(Path file) {
    try {
      return documents(Files.readString(file), file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every YAML document of {@code text}: a list document (a JSON patch) becomes its items. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> documents(String text, Object where) {
    List<Map<String, Object>> out = new ArrayList<>();
    try (MappingIterator<Object> it = new YAMLMapper().readerFor(Object.class).readValues(text)) {
      while (it.hasNext()) {
        Object doc = it.next();
        if (doc instanceof Map<?, ?> m) {
          out.add(new LinkedHashMap<>((Map<String, Object>) m));
        } else if (doc instanceof List<?> l) {
          l.forEach(i -> out.add((Map<String, Object>) i));
        } else if (doc != null) {
          throw new IllegalStateException(where + ": a document that is neither map nor list");
        }
      }
    }
    return out;
  }

  /** RFC 6902 add, replace and remove on plain maps and lists (RFC 6901 pointers). */
  static final class JsonPatch {
    private JsonPatch() {}

    @SuppressWarnings("unchecked")
    static void apply(Map<String, Object> doc, Map<String, Object> op) {
      String[] path = ((String) op.get("path")).substring(1).split("/", -1);
      Object parent = doc;
      for (int i = 0; i < path.length - 1; i++) {
        parent = child(parent, unescape(path[i]));
      }
      String last = unescape(path[path.length - 1]);
      String kind = (String) op.get("op");
      Object value = op.get("value");
      if (parent instanceof Map<?, ?> m) {
        Map<String, Object> map = (Map<String, Object>) m;
        switch (kind) {
          case "add", "replace" -> map.put(last, value);
          case "remove" -> map.remove(last);
          default -> throw new IllegalStateException("JSON patch op " + kind);
        }
      } else {
        List<Object> list = (List<Object>) parent;
        int index = last.equals("-") ? list.size() : Integer.parseInt(last);
        switch (kind) {
          case "add" -> list.add(index, value);
          case "replace" -> list.set(index, value);
          case "remove" -> list.remove(index);
          default -> throw new IllegalStateException("JSON patch op " + kind);
        }
      }
    }

    @SuppressWarnings("unchecked")
    private static Object child(Object parent, String key) {
      Object c =
          parent instanceof Map<?, ?> m
              ? m.get(key)
              : ((List<Object>) parent).get(Integer.parseInt(key));
      return Objects.requireNonNull(c, () -> "JSON patch path: no " + key);
    }

    private static String unescape(String s) {
      return s.replace("~1", "/").replace("~0", "~");
    }
  }
}

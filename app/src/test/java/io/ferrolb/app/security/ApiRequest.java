package io.ferrolb.app.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One recorded HTTP request as the API server's authorizer sees it (Kubernetes' RequestInfo): API
 * group, resource, subresource, namespace, name and verb. A list or watch with the field selector
 * {@code metadata.name=x} is a request for the name x, as the API server treats it, so a rule with
 * {@code resourceNames} covers it.
 *
 * @param namespace "" for cluster-scoped requests and for requests across all namespaces
 * @param name "" when the request names no object
 */
record ApiRequest(
    String agent,
    String method,
    String path,
    String group,
    String resource,
    String subresource,
    String namespace,
    String name,
    String verb) {

  /** resource, or resource/subresource: what an RBAC rule's {@code resources} lists. */
  String qualifiedResource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }

  @Override
  public String toString() {
    return verb
        + " "
        + (group.isEmpty() ? "core" : group)
        + "/"
        + qualifiedResource()
        + (namespace.isEmpty() ? "" : " in " + namespace)
        + (name.isEmpty() ? "" : " name " + name)
        + " ("
        + method
        + " "
        + path
        + ")";
  }

  /** Empty for a non-resource request (discovery: /api, /apis, /version, /openapi). */
  static Optional<ApiRequest> parse(String agent, String method, String rawPath) {
    int q = rawPath.indexOf('?');
    String path = q < 0 ? rawPath : rawPath.substring(0, q);
    String query = q < 0 ? "" : rawPath.substring(q + 1);
    List<String> seg = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    String group;
    List<String> rest;
    if (seg.size() >= 3 && seg.get(0).equals("api")) {
      group = "";
      rest = seg.subList(2, seg.size());
    } else if (seg.size() >= 4 && seg.get(0).equals("apis")) {
      group = seg.get(1);
      rest = seg.subList(3, seg.size());
    } else {
      return Optional.empty();
    }
    String namespace = "";
    if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
      namespace = rest.get(1);
      rest = rest.subList(2, rest.size());
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : "";
    String sub = rest.size() > 2 ? String.join("/", rest.subList(2, rest.size())) : "";
    boolean watch = false;
    String selectedName = "";
    for (String p : query.split("&")) {
      String[] kv = p.split("=", 2);
      String v = kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "";
      if (kv[0].equals("watch") && (v.equals("true") || v.equals("1"))) {
        watch = true;
      }
      if (kv[0].equals("fieldSelector") && v.startsWith("metadata.name=") && !v.contains(",")) {
        selectedName = v.substring("metadata.name=".length());
      }
    }
    String verb =
        switch (method) {
          case "GET", "HEAD" -> name.isEmpty() ? (watch ? "watch" : "list") : "get";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> name.isEmpty() ? "deletecollection" : "delete";
          default -> throw new IllegalArgumentException("HTTP method " + method);
        };
    if (name.isEmpty() && (verb.equals("list") || verb.equals("watch"))) {
      name = selectedName;
    }
    return Optional.of(
        new ApiRequest(agent, method, rawPath, group, resource, sub, namespace, name, verb));
  }
}

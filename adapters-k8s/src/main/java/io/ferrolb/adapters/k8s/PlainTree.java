package io.ferrolb.adapters.k8s;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a decoded JSON/YAML tree into the plain form {@link io.ferrolb.domain.config.RawObject}
 * promises: {@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code List}, {@code
 * Map<String, Object>}, and no nulls anywhere (null members and elements are dropped).
 */
final class PlainTree {
  private PlainTree() {}

  static Map<String, Object> map(Map<?, ?> in) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : in.entrySet()) {
      if (e.getKey() == null) {
        continue;
      }
      Object v = value(e.getValue());
      if (v != null) {
        out.put(String.valueOf(e.getKey()), v);
      }
    }
    return out;
  }

  static Object value(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Map<?, ?> m) {
      return map(m);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object o : l) {
        Object p = value(o);
        if (p != null) {
          out.add(p);
        }
      }
      return out;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof BigInteger b) {
      // numbers beyond long (never valid in MetalLB's schema) stay readable in error messages
      return b.bitLength() < 64 ? (Object) b.longValue() : b.toString();
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof BigDecimal d) {
      return d.doubleValue();
    }
    if (v instanceof Long || v instanceof Double || v instanceof Boolean || v instanceof String) {
      return v;
    }
    return String.valueOf(v);
  }
}

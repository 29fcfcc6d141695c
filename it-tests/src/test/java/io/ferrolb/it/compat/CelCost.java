package io.ferrolb.it.compat;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.CelCall;
import dev.cel.common.ast.CelExpr.CelComprehension;
import dev.cel.common.types.CelKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A worst-case cost estimate of a CEL rule, after the model of cel-go's checker (which the API
 * server runs on every x-kubernetes-validations rule when a CRD is written): traversing a string
 * costs 0.1 per character, a regex match costs (0.1 x string length) x (0.25 x regex length), a
 * comprehension costs its body once per element of the largest list it may see, and the sizes come
 * from the schema's maxLength and maxItems (or, where none is set, from the 3 MiB request limit).
 *
 * <p>An approximation, rounded up: it bounds rules the way the API server does, so a rule over an
 * unbounded string or list shows up as too expensive here too. The API server rejects a CRD whose
 * rule costs more than {@link #RULE_LIMIT} times the number of times its node can occur, or whose
 * rules together cost more than {@link #CRD_LIMIT}.
 */
final class CelCost {

  /** apiextensions-apiserver StaticEstimatedCostLimit. */
  static final long RULE_LIMIT = 10_000_000L;

  /** apiextensions-apiserver StaticEstimatedCRDCostLimit. */
  static final long CRD_LIMIT = 100_000_000L;

  private static final long UNBOUNDED = CrdSchema.MAX_REQUEST_BYTES;

  /**
   * The size of a string the estimator cannot bound: an element of a list that is no schema field
   * (a split() result, a list literal). cel-go takes the largest integer there, so any traversal of
   * such a string makes the rule too expensive.
   */
  private static final long UNKNOWN = Long.MAX_VALUE / 1024;

  /** The largest value an expression can have: string length or list size, and element. */
  record Size(long max, Size element, Map<String, Object> schema) {
    static final Size SCALAR = new Size(1, null, null);
    static final Size UNKNOWN_SIZE = new Size(UNKNOWN, null, null);

    Size elementOrScalar() {
      return element != null ? element : SCALAR;
    }
  }

  private record Est(long cost, Size size) {
    Est {
      // saturate: a sum of a few saturated costs must not overflow
      cost = cost < 0 ? Long.MAX_VALUE / 64 : Math.min(cost, Long.MAX_VALUE / 64);
    }
  }

  private final Map<String, Size> vars = new HashMap<>();
  private final CelAbstractSyntaxTree ast;

  private CelCost(CelAbstractSyntaxTree ast) {
    this.ast = ast;
  }

  /** The estimated worst-case cost of {@code ast} with {@code self} of schema {@code scope}. */
  static long estimate(CelAbstractSyntaxTree ast, Map<String, Object> scope) {
    CelCost c = new CelCost(ast);
    c.vars.put("self", sizeOf(scope));
    return c.est(ast.getExpr()).cost();
  }

  /** cel-go sizes a value of a scalar type 1, whatever its origin. */
  private boolean scalar(CelExpr e) {
    return ast.getType(e.id()).map(t -> SCALARS.contains(t.kind())).orElse(false);
  }

  private static final java.util.Set<CelKind> SCALARS =
      java.util.EnumSet.of(
          CelKind.INT,
          CelKind.UINT,
          CelKind.DOUBLE,
          CelKind.BOOL,
          CelKind.DURATION,
          CelKind.TIMESTAMP,
          CelKind.NULL_TYPE);

  /** The size bound a schema gives its values. */
  static Size sizeOf(Map<String, Object> schema) {
    if (schema == null) {
      return new Size(UNBOUNDED, null, null);
    }
    String type = String.valueOf(schema.get("type"));
    return switch (type) {
      case "string" ->
          new Size(
              schema.get("maxLength") instanceof Number n ? n.longValue() : UNBOUNDED,
              null,
              schema);
      case "array" -> {
        Map<String, Object> items = CrdSchema.map(schema.get("items"));
        long max =
            schema.get("maxItems") instanceof Number n
                ? n.longValue()
                : UNBOUNDED / (CrdSchema.minJsonSize(items) + 1);
        yield new Size(max, sizeOf(items), schema);
      }
      case "object" -> {
        Map<String, Object> additional = CrdSchema.map(schema.get("additionalProperties"));
        if (additional != null) {
          long max =
              schema.get("maxProperties") instanceof Number n
                  ? n.longValue()
                  : UNBOUNDED / (CrdSchema.minJsonSize(additional) + 4);
          yield new Size(max, sizeOf(additional), schema);
        }
        yield new Size(1, null, schema);
      }
      default -> new Size(1, null, schema);
    };
  }

  private static long traverse(long length) {
    return length >= UNKNOWN ? UNKNOWN : (long) Math.ceil(length * 0.1);
  }

  private Est est(CelExpr e) {
    switch (e.getKind()) {
      case CONSTANT:
        CelConstant k = e.constant();
        if (k.getKind() == CelConstant.Kind.STRING_VALUE) {
          return new Est(0, new Size(k.stringValue().length(), null, null));
        }
        return new Est(0, Size.SCALAR);
      case IDENT:
        return new Est(
            1, scalar(e) ? Size.SCALAR : vars.getOrDefault(e.ident().name(), Size.UNKNOWN_SIZE));
      case SELECT:
        Est operand = est(e.select().operand());
        if (e.select().testOnly()) {
          return new Est(operand.cost(), Size.SCALAR); // has(): free, as the API server counts it
        }
        Map<String, Object> schema = operand.size().schema();
        Map<String, Object> field =
            schema == null ? null : CrdSchema.properties(schema).get(e.select().field());
        if (field == null && schema != null) {
          field = CrdSchema.map(schema.get("additionalProperties"));
        }
        return new Est(operand.cost() + 1, field == null ? Size.SCALAR : sizeOf(field));
      case LIST:
        long cost = 0;
        long maxElement = 1;
        Size element = null;
        for (CelExpr x : e.list().elements()) {
          Est ex = est(x);
          cost += ex.cost();
          if (element == null || ex.size().max() > maxElement) {
            element = ex.size();
            maxElement = ex.size().max();
          }
        }
        // an element of a list literal is sized by its type alone: unknown for a string
        return new Est(cost + 10, new Size(e.list().elements().size(), Size.UNKNOWN_SIZE, null));
      case COMPREHENSION:
        return comprehension(e.comprehension());
      case CALL:
        return call(e.call());
      default:
        return new Est(1, Size.SCALAR);
    }
  }

  private Est comprehension(CelComprehension c) {
    Est range = est(c.iterRange());
    long n = range.size().max();
    Size element = range.size().element() != null ? range.size().element() : Size.UNKNOWN_SIZE;
    vars.put(c.iterVar(), element);
    Est init = est(c.accuInit());
    // the accumulator of map() and filter() grows to the size of the range
    vars.put(c.accuVar(), new Size(n, init.size().element(), null));
    Est condition = est(c.loopCondition());
    Est step = est(c.loopStep());
    vars.put(c.accuVar(), new Size(n, step.size().element(), null));
    Est result = est(c.result());
    vars.remove(c.iterVar());
    vars.remove(c.accuVar());
    long perElement = condition.cost() + step.cost();
    return new Est(
        range.cost() + init.cost() + mul(n, perElement) + result.cost(),
        new Size(n, step.size().element(), null));
  }

  private static long mul(long a, long b) {
    return b != 0 && a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
  }

  private Est call(CelCall call) {
    String f = call.function();
    Est target = call.target().map(this::est).orElse(null);
    List<Est> args = call.args().stream().map(this::est).toList();
    long sum = (target == null ? 0 : target.cost()) + args.stream().mapToLong(Est::cost).sum();
    Size t = target == null ? null : target.size();
    switch (f) {
      case "_&&_", "_||_", "!_", "@not_strictly_false":
        return new Est(sum, Size.SCALAR);
      case "_?_:_":
        return new Est(
            args.get(0).cost() + Math.max(args.get(1).cost(), args.get(2).cost()),
            args.get(1).size().max() >= args.get(2).size().max()
                ? args.get(1).size()
                : args.get(2).size());
      case "_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_":
        return new Est(sum + 1 + traverse(Math.min(size(args, 0), size(args, 1))), Size.SCALAR);
      case "_+_":
        long l = size(args, 0);
        long r = size(args, 1);
        Size s = args.get(0).size();
        boolean isList = s.element() != null || args.get(1).size().element() != null;
        return new Est(
            sum + 1 + (isList ? 0 : traverse(l + r)),
            new Size(
                l + r, isList ? maxElement(args.get(0).size(), args.get(1).size()) : null, null));
      case "_[_]":
        Size listSize = args.get(0).size();
        return new Est(
            sum + 1,
            listSize.element() != null && listSize.element().schema() != null
                ? listSize.element()
                : Size.UNKNOWN_SIZE);
      case "@in":
        Size list = args.get(1).size();
        // cel-go: O(n) in the size of the list, whatever its elements
        return new Est(sum + list.max(), Size.SCALAR);
      case "matches":
        Size str = t != null ? t : args.get(0).size();
        Size regex = t != null ? args.get(0).size() : args.get(1).size();
        return new Est(
            sum + mul(traverse(str.max() + 1), (long) Math.ceil(regex.max() * 0.25)), Size.SCALAR);
      case "contains", "startsWith", "endsWith", "indexOf", "lastIndexOf":
        return new Est(sum + 1 + traverse(t.max()), Size.SCALAR);
      case "split":
        long parts = t.max();
        if (call.args().size() > 1
            && call.args().get(1).getKind() == CelExpr.ExprKind.Kind.CONSTANT) {
          parts = call.args().get(1).constant().int64Value();
        }
        return new Est(sum + traverse(2 * t.max()), new Size(parts, Size.UNKNOWN_SIZE, null));
      case "trim", "lowerAscii", "upperAscii", "substring":
        return new Est(sum + traverse(t.max()), new Size(t.max(), null, null));
      case "replace":
        return new Est(sum + traverse(2 * t.max()), Size.UNKNOWN_SIZE);
      case "size":
        return new Est(sum + 1, Size.SCALAR);
      case "int", "uint", "double", "duration", "timestamp":
        return new Est(sum + 1, Size.SCALAR);
      default:
        return new Est(sum + 1, Size.SCALAR);
    }
  }

  private static Size maxElement(Size a, Size b) {
    Size x = a.elementOrScalar();
    Size y = b.elementOrScalar();
    return x.max() >= y.max() ? x : y;
  }

  private static long size(List<Est> args, int i) {
    return args.size() > i ? args.get(i).size().max() : 1;
  }
}

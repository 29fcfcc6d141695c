package io.ferrolb.app.cli;

import io.ferrolb.adapters.k8s.yaml.YamlConfigDecoder;
import io.ferrolb.adapters.k8s.yaml.YamlDecodeException;
import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigParser;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import io.ferrolb.domain.config.PoolCapacity;
import io.ferrolb.domain.config.RawObject;
import io.ferrolb.domain.pool.IpFamily;
import io.ferrolb.domain.pool.Pool;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferrolb validate FILE…}: reads MetalLB configuration (CRDs, a legacy ConfigMap or its
 * config data) from all files as one configuration and checks it. Exit 0 and one line per pool when
 * valid; exit 1 and every error, one per line as {@code file:document: message}; exit 2 when a file
 * cannot be read or is not YAML. Warnings are printed in both cases.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Validate MetalLB configuration files (metallb.io CRDs, a legacy ConfigMap, or its config"
          + " data) as one configuration.",
      "Exit status: 0 valid, 1 invalid (every error is printed), 2 unreadable input."
    })
public final class ValidateCommand implements Callable<Integer> {

  /** Exit status for a configuration with errors. */
  public static final int INVALID = 1;

  /** Exit status for input that cannot be read or is not YAML. */
  public static final int UNREADABLE = 2;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "YAML files, read in order.")
  private List<Path> files = new ArrayList<>();

  @Option(
      names = "--namespace",
      defaultValue = "metallb-system",
      description = "Namespace the objects must live in (default: ${DEFAULT-VALUE}).")
  private String namespace = "metallb-system";

  @Option(
      names = "--strict",
      description =
          "Treat references to cluster objects that are not among the files (a BGPPeer's"
              + " passwordSecret) as errors instead of warnings.")
  private boolean strict;

  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<RawObject> objects = new ArrayList<>();
    for (Path f : files) {
      try {
        objects.addAll(YamlConfigDecoder.decode(f));
      } catch (YamlDecodeException e) {
        err.println("ferrolb validate: " + e.getMessage());
        err.flush();
        return UNREADABLE;
      }
    }
    ParseResult result = ConfigParser.parse(objects, ParseContext.offline(namespace, strict));
    for (ConfigError w : result.warnings()) {
      out.println(prefix(w) + "warning: " + w);
    }
    if (result instanceof ParseResult.Invalid invalid) {
      for (ConfigError e : invalid.errors()) {
        out.println(prefix(e) + e);
      }
      out.println(invalid.errors().size() + (invalid.errors().size() == 1 ? " error" : " errors"));
      out.flush();
      return INVALID;
    }
    ParseResult.Valid valid = (ParseResult.Valid) result;
    if (valid.config().pools().isEmpty()) {
      out.println("no address pools: nothing to allocate");
    }
    for (Pool p : valid.config().pools()) {
      out.println(describe(p));
    }
    out.flush();
    return 0;
  }

  private static String prefix(ConfigError e) {
    return e.origin().isEmpty() ? "" : e.origin() + ": ";
  }

  /** {@code pool NAME: IPv4, 51 addresses} or {@code pool NAME: IPv4 + IPv6, 256 + 2^64 ...}. */
  static String describe(Pool p) {
    BigInteger v4 = PoolCapacity.of(p, IpFamily.IPV4);
    BigInteger v6 = PoolCapacity.of(p, IpFamily.IPV6);
    boolean has4 = p.hasFamily(IpFamily.IPV4);
    boolean has6 = p.hasFamily(IpFamily.IPV6);
    if (has4 && has6) {
      return "pool "
          + p.name()
          + ": IPv4 + IPv6, "
          + v4
          + " + "
          + v6
          + " addresses ("
          + v4.add(v6)
          + " in total)";
    }
    BigInteger n = has4 ? v4 : v6;
    return "pool "
        + p.name()
        + ": "
        + (has4 ? "IPv4" : "IPv6")
        + ", "
        + n
        + (n.equals(BigInteger.ONE) ? " address" : " addresses");
  }
}

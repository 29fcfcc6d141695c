package io.ferrolb.app.cli;

import io.ferrolb.adapters.k8s.yaml.YamlConfigDecoder;
import io.ferrolb.adapters.k8s.yaml.YamlDecodeException;
import io.ferrolb.app.controller.ConfigDiff;
import io.ferrolb.domain.config.ConfigError;
import io.ferrolb.domain.config.ConfigLoader;
import io.ferrolb.domain.config.DecodedObject;
import io.ferrolb.domain.config.ParseContext;
import io.ferrolb.domain.config.ParseResult;
import io.ferrolb.domain.config.RawObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferrolb diff FILE…} ({@code kubectl ferrolb diff}): which Services a configuration change
 * would move, strand or stop announcing, against the live cluster, before it is applied. The files
 * are applied over the cluster's configuration the way {@code kubectl apply} would (same kind and
 * name replaces, the rest stays), or replace it whole with {@code --replace}.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Show which Services a configuration change would move, strand or stop announcing"
          + " (read-only; nothing is applied).",
      "Exit status: 0 no Service changes, 1 some do, 2 invalid configuration or unreadable input"
          + " or cluster (as kubectl diff)."
    })
public final class DiffCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "YAML files, read in order.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = "--replace",
      description =
          "The files are the whole new configuration: objects in the cluster but not in the files"
              + " count as deleted.")
  boolean replace;

  @Mixin LiveCluster.Options cluster = new LiveCluster.Options();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<RawObject> fromFiles = new ArrayList<>();
    for (Path f : files) {
      try {
        fromFiles.addAll(YamlConfigDecoder.decode(f));
      } catch (YamlDecodeException e) {
        err.println("ferrolb diff: " + e.getMessage());
        err.flush();
        return 2;
      }
    }
    try (LiveCluster c = LiveCluster.open(cluster)) {
      List<DecodedObject> next = merge(c.speakerView.configObjects(), fromFiles, replace);
      ParseResult parsed = ConfigLoader.parse(next, ParseContext.of(c.namespace));
      if (parsed instanceof ParseResult.Invalid invalid) {
        for (ConfigError e : invalid.errors()) {
          out.println((e.origin().isEmpty() ? "" : e.origin() + ": ") + e);
        }
        out.println(
            "the new configuration is invalid: ferrolb would keep the current one and change no"
                + " Service");
        out.flush();
        return 2;
      }
      var cluster =
          new ConfigDiff.Cluster(
              c.controllerView.services(),
              c.controllerView::namespaceLabels,
              c.speakerView.services(),
              c.speakerView.nodes(),
              c.speakerView.expectedSpeakers());
      List<ConfigDiff.Change> changes =
          ConfigDiff.of(
              cluster,
              c.currentConfig(),
              ((ParseResult.Valid) parsed).config(),
              this.cluster.lbClass);
      changes.forEach(ch -> out.println(ch));
      long lb = c.controllerView.services().stream().filter(s -> s.isLoadBalancer()).count();
      out.println(
          changes.isEmpty()
              ? "no Service would change (" + lb + " LoadBalancer Services)"
              : changes.size() + " of " + lb + " LoadBalancer Services would change");
      out.flush();
      return changes.isEmpty() ? 0 : 1;
    } catch (IOException | RuntimeException e) {
      err.println("ferrolb diff: " + e.getMessage());
      err.flush();
      return 2;
    }
  }

  /** The cluster's objects with the files applied over them (kind and name identify an object). */
  static List<DecodedObject> merge(
      List<DecodedObject> live, List<RawObject> files, boolean replace) {
    Map<String, DecodedObject> out = new LinkedHashMap<>();
    if (!replace) {
      for (DecodedObject o : live) {
        out.put(o.kind() + "/" + o.name(), o);
      }
    }
    for (RawObject o : files) {
      out.put(o.kind() + "/" + o.name(), DecodedObject.of(o));
    }
    return new ArrayList<>(out.values());
  }
}

package io.ferrolb.it.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.app.cli.ValidateCommand;
import io.ferrolb.it.compat.VerdictCorpus.Case;
import io.ferrolb.it.compat.VerdictCorpus.ExpectedVerdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code ferrolb validate} gives MetalLB's verdict on every case of the corpus: exit status, and
 * the error (or, where ferrolb deliberately differs, the warning) naming the case's tokens.
 */
class ValidateVerdictTest {

  @TempDir Path dir;

  static List<Case> cases() {
    return VerdictCorpus.load();
  }

  /** What {@code ferrolb validate --namespace metallb-system FILE} said. */
  record Outcome(int exit, List<String> errors, List<String> warnings, String output) {}

  static Outcome validate(Path file) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new ValidateCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    int exit = cli.execute("--namespace", "metallb-system", file.toString());
    List<String> lines = out.toString().lines().toList();
    List<String> warnings = lines.stream().filter(l -> l.contains("warning: ")).toList();
    List<String> errors =
        lines.stream()
            .filter(l -> !l.contains("warning: "))
            .filter(l -> l.startsWith(file.toString()) || l.startsWith("ferrolb validate:"))
            .toList();
    return new Outcome(exit, errors, warnings, out.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validateGivesMetallbsVerdict(Case c) throws IOException {
    Path file = dir.resolve(c.id() + ".yaml");
    Files.writeString(file, c.yaml());

    Outcome o = validate(file);

    String why = c + " (from " + c.from() + "):\n" + c.yaml() + "\nferrolb said:\n" + o.output();
    switch (c.verdict()) {
      case VALID -> assertThat(o.exit()).as(why).isZero();
      case INVALID -> {
        assertThat(o.exit()).as(why).isEqualTo(ValidateCommand.INVALID);
        assertThat(o.errors()).as(why).anyMatch(l -> c.names().stream().allMatch(l::contains));
      }
      case WARNING -> {
        assertThat(o.exit()).as(why).isZero();
        assertThat(o.warnings()).as(why).anyMatch(l -> c.names().stream().allMatch(l::contains));
      }
    }
  }

  @Test
  void theCorpusIsLargeAndCoversEveryVerdict() {
    Map<ExpectedVerdict, Long> byVerdict =
        cases().stream().collect(Collectors.groupingBy(Case::verdict, Collectors.counting()));
    Map<String, Long> byFile =
        cases().stream().collect(Collectors.groupingBy(Case::file, Collectors.counting()));

    assertThat(cases()).hasSizeGreaterThanOrEqualTo(150);
    assertThat(byVerdict.get(ExpectedVerdict.VALID)).isGreaterThanOrEqualTo(50);
    assertThat(byVerdict.get(ExpectedVerdict.INVALID)).isGreaterThanOrEqualTo(50);
    assertThat(byVerdict.get(ExpectedVerdict.WARNING)).isGreaterThanOrEqualTo(3);
    assertThat(byFile.keySet())
        .as("CRD and legacy ConfigMap cases")
        .anyMatch(f -> f.startsWith("crd-"))
        .anyMatch(f -> f.startsWith("legacy-"));
    assertThat(
            cases().stream().map(Case::id).collect(Collectors.toMap(Function.identity(), x -> 1)))
        .hasSize(cases().size());
  }
}

package io.ferrolb.it.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The MetalLB verdict corpus in {@code testdata/metallb-corpus/*.cases}: configurations written
 * from MetalLB's own unit, webhook and configuration-state tests, each with the verdict MetalLB
 * gives it and the tokens (object, field, value) the message must name.
 *
 * <p>A case starts with {@code #> case: ID}, followed by {@code #> verdict:}, {@code #> names:}
 * (tokens separated by {@code ;}) and {@code #> from:} lines, then YAML documents up to the next
 * case. The header lines are YAML comments, so every case is also a valid YAML file.
 */
final class VerdictCorpus {

  /** Relative to the it-tests directory, where surefire and failsafe run. */
  static final Path DIR = Path.of("..", "testdata", "metallb-corpus");

  enum ExpectedVerdict {
    /** Exit 0 (warnings allowed). */
    VALID,
    /** Exit 1 and one error names every token. */
    INVALID,
    /** Exit 0 and one warning names every token: where ferrolb deliberately differs. */
    WARNING
  }

  record Case(
      String id,
      ExpectedVerdict verdict,
      List<String> names,
      String from,
      String yaml,
      String file) {
    @Override
    public String toString() {
      return file + " " + id;
    }
  }

  private VerdictCorpus() {}

  static List<Case> load() {
    List<Case> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".cases")).sorted().toList()) {
        out.addAll(parse(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<String> ids = new HashSet<>();
    for (Case c : out) {
      if (!ids.add(c.id())) {
        throw new IllegalStateException(c.file() + ": case id " + c.id() + " is used twice");
      }
    }
    return out;
  }

  static List<Case> parse(String file, String text) {
    List<Case> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    int i = 0;
    while (i < lines.length && !lines[i].startsWith("#> case:")) {
      i++;
    }
    while (i < lines.length) {
      String id = value(lines[i], "case");
      int headerLine = i + 1;
      i++;
      String verdict = null;
      String names = "";
      String from = "";
      StringBuilder yaml = new StringBuilder();
      for (; i < lines.length && !lines[i].startsWith("#> case:"); i++) {
        String l = lines[i];
        if (l.startsWith("#> verdict:")) {
          verdict = value(l, "verdict");
        } else if (l.startsWith("#> names:")) {
          names = value(l, "names");
        } else if (l.startsWith("#> from:")) {
          from = value(l, "from");
        } else if (l.startsWith("#>")) {
          throw new IllegalStateException(file + ":" + (i + 1) + ": unknown header " + l);
        } else {
          yaml.append(l).append('\n');
        }
      }
      if (verdict == null) {
        throw new IllegalStateException(
            file + ":" + headerLine + ": case " + id + " has no verdict");
      }
      ExpectedVerdict v = ExpectedVerdict.valueOf(verdict.toUpperCase(Locale.ROOT));
      List<String> tokens =
          Arrays.stream(names.split(";")).map(String::strip).filter(t -> !t.isEmpty()).toList();
      if (v != ExpectedVerdict.VALID && tokens.isEmpty()) {
        throw new IllegalStateException(
            file + ":" + headerLine + ": case " + id + " is " + v + " but names no tokens");
      }
      out.add(new Case(id, v, tokens, from, yaml.toString(), file));
    }
    return out;
  }

  private static String value(String line, String key) {
    return line.substring(("#> " + key + ":").length()).strip();
  }
}

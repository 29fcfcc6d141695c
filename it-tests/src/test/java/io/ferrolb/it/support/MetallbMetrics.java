package io.ferrolb.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MetalLB's metric families ({@code testdata/metallb-metrics/native.txt}, and {@code bfd.txt} for
 * the BFD families of its FRR mode, written from MetalLB's source) checked against what a ferrolb
 * component exposes: same names, types and label names.
 */
public final class MetallbMetrics {
  static final Path DIR = Path.of("..", "testdata", "metallb-metrics");
  static final List<String> LISTS = List.of("native.txt", "bfd.txt");

  /** One family of the list. */
  public record Family(String name, String type, Set<String> labels, Set<String> components) {}

  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");
  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? ");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

  private MetallbMetrics() {}

  /** Every list's families. */
  public static Map<String, Family> list() {
    Map<String, Family> out = new LinkedHashMap<>();
    LISTS.forEach(name -> out.putAll(list(name)));
    return out;
  }

  /** The families of one list ({@code native.txt}, {@code bfd.txt}). */
  public static Map<String, Family> list(String name) {
    Map<String, Family> out = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(DIR.resolve(name))) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.trim().split("\\s+");
        Set<String> labels =
            f[2].equals("-") ? Set.of() : new TreeSet<>(Arrays.asList(f[2].split(",")));
        out.put(f[0], new Family(f[0], f[1], labels, Set.of(f[3].split(","))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Every family of MetalLB's list for {@code component} that {@code exposition} holds has
   * MetalLB's type and label names, nothing is exposed under a doubled suffix, and each of {@code
   * present} is there.
   */
  public static void assertMatches(String exposition, String component, Set<String> present) {
    Map<String, String> types = new HashMap<>();
    Matcher t = TYPE.matcher(exposition);
    while (t.find()) {
      types.put(t.group(1), t.group(2));
    }
    Map<String, Set<String>> labels = new HashMap<>();
    Matcher s = SAMPLE.matcher(exposition);
    while (s.find()) {
      Set<String> names = labels.computeIfAbsent(s.group(1), k -> new TreeSet<>());
      if (s.group(2) != null) {
        Matcher l = LABEL.matcher(s.group(2));
        while (l.find()) {
          names.add(l.group(1));
        }
      }
    }
    List<String> wrong = new ArrayList<>();
    for (Family f : list().values()) {
      if (!f.components().contains(component)) {
        continue;
      }
      if (types.containsKey(f.name() + "_total") && !f.name().endsWith("_total")) {
        wrong.add(f.name() + ": exposed as " + f.name() + "_total");
      }
      if (!types.containsKey(f.name())) {
        if (present.contains(f.name())) {
          wrong.add(f.name() + ": missing");
        }
        continue;
      }
      if (!types.get(f.name()).equals(f.type())) {
        wrong.add(f.name() + ": type " + types.get(f.name()) + ", MetalLB's is " + f.type());
      }
      Set<String> got = labels.getOrDefault(f.name(), Set.of());
      if (!got.equals(f.labels())) {
        wrong.add(f.name() + ": labels " + got + ", MetalLB's are " + f.labels());
      }
    }
    assertThat(wrong).as("families that differ from MetalLB's:\n" + exposition).isEmpty();
  }
}

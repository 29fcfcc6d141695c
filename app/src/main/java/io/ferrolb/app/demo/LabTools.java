package io.ferrolb.app.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The programs the lab runs, as found on this machine: iproute2's {@code ip}, {@code arping} for
 * the client, and a router (FRR, else BIRD) with its command-line client.
 */
record LabTools(Path ip, Optional<Path> arping, Optional<Router> router) {
  static final List<String> SEARCH_DIRS = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

  /** The router implementations the lab can run, in order of preference. */
  enum RouterKind {
    FRR,
    BIRD
  }

  /** A router implementation and its command-line client (vtysh, birdc). */
  record Router(RouterKind kind, Path cli) {}

  /**
   * The tools for {@code choice}: the first installed router for {@code AUTO}, the named one (an
   * error when it is not installed), or none.
   */
  static LabTools detect(Path ip, Lab.RouterChoice choice) {
    Optional<Path> vtysh = find("vtysh");
    Optional<Path> birdc = find("birdc");
    boolean frr =
        Files.isExecutable(Path.of("/usr/lib/frr/bgpd"))
            && Files.isExecutable(Path.of("/usr/lib/frr/zebra"))
            && vtysh.isPresent();
    boolean bird = find("bird").isPresent() && birdc.isPresent();
    if ((choice == Lab.RouterChoice.FRR && !frr) || (choice == Lab.RouterChoice.BIRD && !bird)) {
      throw new IllegalArgumentException(
          "demo --lab-router "
              + choice.name().toLowerCase(Locale.ROOT)
              + ": not installed (expected: "
              + (choice == Lab.RouterChoice.FRR
                  ? "/usr/lib/frr/bgpd, /usr/lib/frr/zebra, vtysh"
                  : "bird, birdc")
              + ")");
    }
    Optional<Path> arping = find("arping");
    boolean useFrr = frr && (choice == Lab.RouterChoice.AUTO || choice == Lab.RouterChoice.FRR);
    boolean useBird =
        !useFrr && bird && (choice == Lab.RouterChoice.AUTO || choice == Lab.RouterChoice.BIRD);
    if (useFrr) {
      return new LabTools(ip, arping, Optional.of(new Router(RouterKind.FRR, vtysh.get())));
    }
    if (useBird) {
      return new LabTools(ip, arping, Optional.of(new Router(RouterKind.BIRD, birdc.get())));
    }
    return new LabTools(ip, arping, Optional.empty());
  }

  /** A program on $PATH or in the usual system directories (sudo's PATH may lack sbin). */
  static Optional<Path> find(String program) {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(":")));
    }
    dirs.addAll(SEARCH_DIRS);
    return dirs.stream()
        .filter(d -> !d.isBlank())
        .map(d -> Path.of(d, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Effective UID 0, from {@code /proc/self/status} ("Uid: real effective saved fs"). */
  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (IOException | ArrayIndexOutOfBoundsException e) {
      return false;
    }
    return false;
  }
}

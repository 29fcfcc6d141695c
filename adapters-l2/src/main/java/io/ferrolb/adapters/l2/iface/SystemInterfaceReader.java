package io.ferrolb.adapters.l2.iface;

import io.ferrolb.adapters.l2.MacAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the interfaces of the current network namespace from Linux: {@code /sys/class/net/IF/}
 * ({@code flags}, {@code address}, the {@code master} link) and {@code /proc/net/if_inet6}
 * (link-local addresses). Files rather than {@link java.net.NetworkInterface}, which on Linux lists
 * only interfaces that carry an address and does not tell NOARP or master.
 */
public final class SystemInterfaceReader {
  private final Path sysClassNet;
  private final Path ifInet6;

  public SystemInterfaceReader() {
    this(Path.of("/sys/class/net"), Path.of("/proc/net/if_inet6"));
  }

  /** For tests: a fake sysfs tree and if_inet6 file. */
  public SystemInterfaceReader(Path sysClassNet, Path ifInet6) {
    this.sysClassNet = sysClassNet;
    this.ifInet6 = ifInet6;
  }

  public List<InterfaceDescription> read() throws IOException {
    Set<String> linkLocal = linkLocalInterfaces();
    List<InterfaceDescription> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(sysClassNet)) {
      for (Path dir : (Iterable<Path>) dirs.sorted()::iterator) {
        String name = dir.getFileName().toString();
        Optional<Integer> flags = readFlags(dir.resolve("flags"));
        if (flags.isEmpty()) {
          continue; // vanished while listing, or not an interface directory
        }
        Path master = dir.resolve("master");
        Optional<String> masterName =
            Files.exists(master, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                ? Optional.of(Files.readSymbolicLink(master).getFileName().toString())
                : Optional.empty();
        out.add(
            new InterfaceDescription(
                name,
                flags.get(),
                masterName,
                readMac(dir.resolve("address")),
                linkLocal.contains(name)));
      }
    }
    return out;
  }

  private static Optional<Integer> readFlags(Path p) {
    try {
      String s = Files.readString(p, StandardCharsets.US_ASCII).trim(); // "0x1003"
      return Optional.of(Integer.decode(s));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  static Optional<MacAddress> readMac(Path p) {
    try {
      String s = Files.readString(p, StandardCharsets.US_ASCII).trim();
      if (s.length() != 17) {
        return Optional.empty(); // not a 6-byte address (e.g. ip6tnl, 16 bytes)
      }
      MacAddress m = MacAddress.parse(s);
      return m.equals(MacAddress.ZERO) ? Optional.empty() : Optional.of(m);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Names of interfaces with an fe80::/10 address. /proc/net/if_inet6 lines: address (32 hex),
   * ifindex, prefix length, scope (0x20 = link), flags, name.
   */
  Set<String> linkLocalInterfaces() {
    Set<String> names = new HashSet<>();
    try {
      for (String line : Files.readAllLines(ifInet6, StandardCharsets.US_ASCII)) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 6 && f[0].length() == 32) {
          int first = Integer.parseInt(f[0].substring(0, 4), 16);
          if ((first & 0xFFC0) == 0xFE80) { // fe80::/10, RFC 4291 §2.5.6
            names.add(f[5]);
          }
        }
      }
    } catch (IOException | NumberFormatException e) {
      // IPv6 disabled: no file, so no NDP anywhere
    }
    return names;
  }
}

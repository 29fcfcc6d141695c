package io.ferrolb.adapters.l2.iface;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.adapters.l2.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemInterfaceReaderTest {

  @TempDir Path tmp;

  private void iface(String name, String flags, String address) throws IOException {
    Path d = Files.createDirectories(tmp.resolve("sys").resolve(name));
    Files.writeString(d.resolve("flags"), flags + "\n");
    Files.writeString(d.resolve("address"), address + "\n");
  }

  @Test
  void readsFlagsMacMasterAndLinkLocalFromSysfsAndIfInet6() throws IOException {
    iface("br0", "0x1003", "02:77:00:00:00:0b");
    iface("eth0", "0x1103", "02:77:00:00:00:0c");
    Files.createSymbolicLink(tmp.resolve("sys/eth0/master"), Path.of("../br0"));
    iface("lo", "0x9", "00:00:00:00:00:00");
    iface("ip6tnl0", "0x80", "00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00");
    Path inet6 =
        Files.writeString(
            tmp.resolve("if_inet6"),
            """
            00000000000000000000000000000001 01 80 10 80       lo
            fe80000000000000007700fffe00000b 05 40 20 80      br0
            20010db8007700000000000000000011 05 40 00 80      br0
            """);

    List<InterfaceDescription> all = new SystemInterfaceReader(tmp.resolve("sys"), inet6).read();

    assertThat(all)
        .containsExactly(
            new InterfaceDescription(
                "br0",
                0x1003,
                Optional.empty(),
                Optional.of(MacAddress.parse("02:77:00:00:00:0b")),
                true),
            new InterfaceDescription(
                "eth0",
                0x1103,
                Optional.of("br0"),
                Optional.of(MacAddress.parse("02:77:00:00:00:0c")),
                false),
            new InterfaceDescription("ip6tnl0", 0x80, Optional.empty(), Optional.empty(), false),
            new InterfaceDescription("lo", 0x9, Optional.empty(), Optional.empty(), false));
  }

  @Test
  void readsTheRealSystemWithoutFailing() throws IOException {
    assertThat(new SystemInterfaceReader().read())
        .extracting(InterfaceDescription::name)
        .contains("lo");
  }
}

package io.ferrolb.adapters.l2.iface;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.adapters.l2.MacAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterfaceScannerTest {

  @TempDir Path tmp;

  private void iface(String name, String flags) throws IOException {
    Path d = Files.createDirectories(tmp.resolve("sys").resolve(name));
    Files.writeString(d.resolve("flags"), flags + "\n");
    Files.writeString(d.resolve("address"), "02:00:00:00:00:0" + name.length() + "\n");
  }

  @Test
  void rescanPicksUpALinkThatCameUp() throws IOException {
    iface("eth0", "0x1002"); // BROADCAST, not UP
    iface("veth12", "0x1003");
    Path inet6 = Files.writeString(tmp.resolve("if_inet6"), "");
    InterfaceScanner scanner =
        new InterfaceScanner(
            new SystemInterfaceReader(tmp.resolve("sys"), inet6), InterfaceSelector.withDefaults());

    assertThat(scanner.scan(Set.of()).selected()).isEmpty();
    iface("eth0", "0x1003");

    InterfaceSelection s = scanner.scan(Set.of("eth0"));
    assertThat(s.selected())
        .containsExactly(
            new SelectedInterface("eth0", MacAddress.parse("02:00:00:00:00:04"), true, false));
    assertThat(s.skipped()).containsEntry("veth12", SkipReason.NOT_IN_ALLOW_LIST);
    assertThat(s.missingAllowed()).isEmpty();
    assertThat(List.copyOf(s.skipped().keySet())).containsExactly("veth12");
  }
}

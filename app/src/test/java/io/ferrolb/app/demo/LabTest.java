package io.ferrolb.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LabTest {
  static final Optional<Path> IP = Optional.of(Path.of("/usr/sbin/ip"));

  @Test
  void rootWithIproute2CanRunTheLab() {
    assertThat(Lab.missing(true, IP)).isEmpty();
  }

  @Test
  void aNormalUserIsToldToUseSudoOrThePlainDemo() {
    assertThat(Lab.missing(false, IP))
        .contains(
            "demo --lab: needs root; run `sudo bin/ferrolb demo --lab`, or `bin/ferrolb demo`"
                + " without --lab");
  }

  @Test
  void aMissingIpProgramIsNamedWithItsPackage() {
    assertThat(Lab.missing(true, Optional.empty()))
        .contains(
            "demo --lab: needs iproute2 (ip), which is not installed (apt-get install iproute2);"
                + " or run `bin/ferrolb demo` without --lab");
    assertThat(Lab.missing(false, Optional.empty()))
        .hasValueSatisfying(
            m -> assertThat(m).startsWith("demo --lab: needs root and iproute2 (ip); run `sudo"));
  }

  @Test
  void leftoversAreTheNamespacesAndLinksWithTheDemoPrefixOnly() {
    String netns = "flbdemo-node (id: 0)\nflbs-n1 (id: 3)\nflbdemo-lan\nlabn1\n";
    String links =
        "lo               UNKNOWN        00:00:00:00:00:00 <LOOPBACK,UP,LOWER_UP>\n"
            + "flbdemo-api@if4  UP             02:00:00:00:00:01 <BROADCAST,MULTICAST,UP>\n"
            + "eth0             UP             02:00:00:00:00:02 <BROADCAST,MULTICAST,UP>\n";

    assertThat(LabTopology.names(netns)).containsExactly("flbdemo-node", "flbdemo-lan");
    assertThat(LabTopology.names(links)).containsExactly("flbdemo-api@if4");
  }
}

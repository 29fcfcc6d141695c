package io.ferrolb.adapters.l2.iface;

import static io.ferrolb.adapters.l2.iface.InterfaceDescription.IFF_BROADCAST;
import static io.ferrolb.adapters.l2.iface.InterfaceDescription.IFF_LOOPBACK;
import static io.ferrolb.adapters.l2.iface.InterfaceDescription.IFF_NOARP;
import static io.ferrolb.adapters.l2.iface.InterfaceDescription.IFF_UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrolb.adapters.l2.MacAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InterfaceSelectorTest {

  static final Optional<MacAddress> MAC = Optional.of(MacAddress.parse("02:00:00:00:00:01"));
  static final int ETHER = IFF_UP | IFF_BROADCAST;

  static InterfaceDescription nic(String name, int flags, boolean linkLocal) {
    return new InterfaceDescription(name, flags, Optional.empty(), MAC, linkLocal);
  }

  static Stream<Arguments> skipped() {
    return Stream.of(
        Arguments.of(nic("docker0", ETHER, true), SkipReason.EXCLUDED_NAME),
        Arguments.of(nic("veth1a2b", ETHER, true), SkipReason.EXCLUDED_NAME),
        Arguments.of(nic("cali123", ETHER, true), SkipReason.EXCLUDED_NAME),
        Arguments.of(nic("kube-ipvs0", ETHER, false), SkipReason.EXCLUDED_NAME),
        Arguments.of(
            new InterfaceDescription(
                "lo", IFF_UP | IFF_LOOPBACK, Optional.empty(), Optional.empty(), true),
            SkipReason.EXCLUDED_NAME),
        Arguments.of(
            new InterfaceDescription("lo1", IFF_UP | IFF_LOOPBACK, Optional.empty(), MAC, true),
            SkipReason.LOOPBACK),
        Arguments.of(nic("eth1", IFF_BROADCAST, true), SkipReason.DOWN),
        Arguments.of(nic("eth2", ETHER | IFF_NOARP, true), SkipReason.NO_ARP),
        Arguments.of(
            new InterfaceDescription("eth3", ETHER, Optional.of("br0"), MAC, false),
            SkipReason.HAS_MASTER),
        Arguments.of(
            new InterfaceDescription("bond0slave", ETHER, Optional.of("bond0"), MAC, true),
            SkipReason.HAS_MASTER),
        Arguments.of(
            new InterfaceDescription("wg0", IFF_UP, Optional.empty(), Optional.empty(), false),
            SkipReason.NO_MAC),
        Arguments.of(nic("ptp0", IFF_UP, false), SkipReason.NO_PROTOCOL));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("skipped")
  void interfacesMetallbWouldNotUseAreSkippedWithTheirReason(
      InterfaceDescription d, SkipReason reason) {
    InterfaceSelection s = InterfaceSelector.withDefaults().select(List.of(d), Set.of());

    assertThat(s.selected()).isEmpty();
    assertThat(s.skipped()).containsEntry(d.name(), reason);
  }

  @Test
  void arpNeedsBroadcastAndNdpNeedsALinkLocalAddress() {
    InterfaceSelection s =
        InterfaceSelector.withDefaults()
            .select(
                List.of(
                    nic("eth0", ETHER, true), nic("eth1", ETHER, false), nic("ib0", IFF_UP, true)),
                Set.of());

    assertThat(s.selected())
        .containsExactly(
            new SelectedInterface("eth0", MAC.get(), true, true),
            new SelectedInterface("eth1", MAC.get(), true, false),
            new SelectedInterface("ib0", MAC.get(), false, true));
  }

  @Test
  void bridgeItselfIsSelectedWhileItsPortsAreNot() {
    InterfaceSelection s =
        InterfaceSelector.withDefaults()
            .select(
                List.of(
                    nic("br0", ETHER, true),
                    new InterfaceDescription("eth0", ETHER, Optional.of("br0"), MAC, false)),
                Set.of());

    assertThat(s.selected()).extracting(SelectedInterface::name).containsExactly("br0");
  }

  @Test
  void allowListRestrictsAndReportsMissingNames() {
    InterfaceSelection s =
        InterfaceSelector.withDefaults()
            .select(
                List.of(
                    nic("eth0", ETHER, true),
                    nic("eth1", ETHER, true),
                    nic("eth2", IFF_BROADCAST, true)),
                Set.of("eth1", "eth2", "eth9"));

    assertThat(s.selected()).extracting(SelectedInterface::name).containsExactly("eth1");
    assertThat(s.skipped())
        .containsEntry("eth0", SkipReason.NOT_IN_ALLOW_LIST)
        .containsEntry("eth2", SkipReason.DOWN);
    assertThat(s.missingAllowed()).containsExactlyInAnyOrder("eth2", "eth9");
  }

  @Test
  void customExcludeListReplacesTheDefaults() {
    InterfaceSelection s =
        new InterfaceSelector(List.of("^eth1$"))
            .select(List.of(nic("docker0", ETHER, false), nic("eth1", ETHER, false)), Set.of());

    assertThat(s.selected()).extracting(SelectedInterface::name).containsExactly("docker0");
    assertThat(s.skipped()).containsEntry("eth1", SkipReason.EXCLUDED_NAME);
  }

  @Test
  void invalidExcludePatternIsRejectedWithThePattern() {
    assertThatThrownBy(() -> new InterfaceSelector(List.of("^eth[")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("interface exclude pattern \"^eth[\": ");
  }
}

package io.ferrolb.adapters.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.ferrolb.adapters.bgp.codec.Capability.FourOctetAs;
import io.ferrolb.adapters.bgp.codec.Capability.GrFamily;
import io.ferrolb.adapters.bgp.codec.Capability.GracefulRestart;
import io.ferrolb.adapters.bgp.codec.Capability.MultiProtocol;
import io.ferrolb.adapters.bgp.codec.Capability.RouteRefreshCapability;
import io.ferrolb.domain.pool.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OpenCodecTest {

  private static final byte[] FERROLB_OPEN =
      Hex.parse(
          """
          ffffffff ffffffff ffffffff ffffffff // marker
          003f                                // length 63
          01                                  // type OPEN
          04                                  // version 4
          5ba0                                // My AS = AS_TRANS 23456 (real ASN is 4-octet)
          005a                                // hold time 90 s
          cb00710b                            // BGP identifier 203.0.113.11
          22                                  // optional parameters length 34
          02 20                               // parameter 2 (capabilities), 32 octets
          01 04 0001 00 01                    // MP: IPv4 unicast
          01 04 0002 00 01                    // MP: IPv6 unicast
          02 00                               // route refresh
          41 04 fa56ea01                      // 4-octet AS 4200000001
          40 0a 8078 0001 01 80 0002 01 80    // GR: R bit, 120 s; v4 + v6 with F bit
          """);

  private static final Open FERROLB =
      Open.of(
          4_200_000_001L,
          90,
          IpAddress.parse("203.0.113.11"),
          List.of(
              new MultiProtocol(AddressFamily.IPV4_UNICAST),
              new MultiProtocol(AddressFamily.IPV6_UNICAST),
              new RouteRefreshCapability(),
              new FourOctetAs(4_200_000_001L),
              new GracefulRestart(
                  true,
                  false,
                  120,
                  List.of(
                      new GrFamily(AddressFamily.IPV4_UNICAST, true),
                      new GrFamily(AddressFamily.IPV6_UNICAST, true)))));

  @Test
  void ourOpenEncodesToTheGoldenBytes() {
    assertArrayEquals(FERROLB_OPEN, Wire.encode(FERROLB, false));
  }

  @Test
  void goldenOpenDecodesWithAsTransAndTheRealAsnFromTheCapability() {
    Open o = (Open) Wire.decode(FERROLB_OPEN, false);
    assertThat(o).isEqualTo(FERROLB);
    assertThat(o.myAsField()).isEqualTo(Open.AS_TRANS);
    assertThat(o.asn()).isEqualTo(4_200_000_001L);
  }

  @Test
  void frrOpenWithOneCapabilityPerParameterDecodes() {
    Open o = (Open) Wire.decode(Hex.resource("open-frr-8.4-1.hex"), false);
    assertThat(o.asn()).isEqualTo(64496);
    assertThat(o.holdTimeSeconds()).isEqualTo(180);
    assertThat(o.bgpIdentifier()).isEqualTo(IpAddress.parse("203.0.113.1"));
    assertThat(o.supports(AddressFamily.IPV4_UNICAST)).isTrue();
    assertThat(o.supportsRouteRefresh()).isTrue();
    assertThat(o.gracefulRestart()).isPresent();
    assertThat(o.gracefulRestart().get().restartTimeSeconds()).isEqualTo(120);
  }

  @Test
  void birdOpenDecodes() {
    Open o = (Open) Wire.decode(Hex.resource("open-bird-2.0-1.hex"), false);
    assertThat(o.asn()).isEqualTo(64499);
    assertThat(o.holdTimeSeconds()).isEqualTo(240);
    assertThat(o.fourOctetAs()).contains(new FourOctetAs(64499));
  }

  @Test
  void gobgpOpenWithFourOctetAsnDecodes() {
    Open o = (Open) Wire.decode(Hex.resource("open-gobgp-3.10-1.hex"), false);
    assertThat(o.myAsField()).isEqualTo(Open.AS_TRANS);
    assertThat(o.asn()).isEqualTo(4_200_000_001L);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "open-frr-8.4-1.hex",
        "open-frr-8.4-v6-1.hex",
        "open-bird-2.0-1.hex",
        "open-gobgp-3.10-1.hex",
        "open-gobgp-3.10-v6-1.hex"
      })
  void vendorOpenSurvivesDecodeEncodeDecode(String file) {
    Open o = (Open) Wire.decode(Hex.resource(file), false);
    assertThat(Wire.decode(Wire.encode(o, false), false)).isEqualTo(o);
  }

  static List<Arguments> malformed() {
    String head = "ffffffff ffffffff ffffffff ffffffff";
    return List.of(
        Arguments.of(
            "version 3",
            head + " 001d 01  03 fde8 005a cb00710b 00",
            BgpError.UNSUPPORTED_VERSION_NUMBER,
            "OPEN version 3: unsupported (expected: 4)"),
        Arguments.of(
            "hold time 2",
            head + " 001d 01  04 fde8 0002 cb00710b 00",
            BgpError.HOLD_TIME_NOT_ACCEPTABLE,
            "OPEN hold time 2s: not acceptable (expected: 0 or >= 3)"),
        Arguments.of(
            "BGP identifier 0.0.0.0",
            head + " 001d 01  04 fde8 005a 00000000 00",
            BgpError.BAD_BGP_ID,
            "OPEN BGP identifier 0.0.0.0: not a valid router ID"),
        Arguments.of(
            "optional parameter type 1 (authentication, deprecated)",
            head + " 001f 01  04 fde8 005a cb00710b 02 01 00",
            BgpError.UNSUPPORTED_OPTIONAL_PARAMETER,
            "OPEN optional parameter type 1: unsupported (expected: 2, capabilities)"),
        Arguments.of(
            "optional parameters length says 5, 2 follow",
            head + " 001f 01  04 fde8 005a cb00710b 05 02 00",
            BgpError.OPEN_MESSAGE_ERROR,
            "OPEN optional parameters length 5: 2 octets follow (expected: equal)"),
        Arguments.of(
            "4-octet AS capability of 2 octets",
            head + " 0023 01  04 fde8 005a cb00710b 06 02 04 41 02 fde8",
            BgpError.OPEN_MESSAGE_ERROR,
            "capability 65 length 2 (expected: 4)"),
        Arguments.of(
            "body shorter than the fixed part",
            head + " 0018 01  04 fde8 005a",
            BgpError.BAD_MESSAGE_LENGTH,
            "OPEN body: 5 octets (expected: >= 10)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedOpenIsRejectedWithTheRightNotification(
      String name, String hex, BgpError error, String message) {
    assertThatThrownBy(() -> Wire.decode(Hex.parse(hex), false))
        .isInstanceOfSatisfying(
            BgpProtocolException.class, e -> assertThat(e.error()).isEqualTo(error))
        .hasMessage(message);
  }

  @Test
  void unsupportedVersionCarriesTheSupportedVersionAsData() {
    assertThatThrownBy(
            () ->
                Wire.decode(
                    Hex.parse(
                        "ffffffff ffffffff ffffffff ffffffff 001d 01 03 fde8 005a cb00710b 00"),
                    false))
        .isInstanceOfSatisfying(
            BgpProtocolException.class, e -> assertThat(e.data()).isEqualTo(Octets.of(0, 4)));
  }
}

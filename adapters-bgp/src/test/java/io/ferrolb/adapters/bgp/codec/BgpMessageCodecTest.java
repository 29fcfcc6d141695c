package io.ferrolb.adapters.bgp.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BgpMessageCodecTest {
  private static final byte[] KEEPALIVE =
      Hex.parse("ffffffff ffffffff ffffffff ffffffff 0013 04 // KEEPALIVE is a bare header");

  private static final byte[] CEASE_SHUTDOWN =
      Hex.parse(
          """
          ffffffff ffffffff ffffffff ffffffff 0015 03
          06 02                               // Cease / Administrative Shutdown (RFC 4486)
          """);

  private static final byte[] ROUTE_REFRESH_V6 =
      Hex.parse(
          """
          ffffffff ffffffff ffffffff ffffffff 0017 05
          0002 00 01                          // AFI IPv6, reserved, SAFI unicast
          """);

  @Test
  void keepaliveRoundTrips() {
    assertArrayEquals(KEEPALIVE, Wire.encode(Keepalive.INSTANCE, true));
    assertThat(Wire.decode(KEEPALIVE, true)).isEqualTo(Keepalive.INSTANCE);
  }

  @Test
  void notificationRoundTripsAndNamesItsError() {
    Notification n = Notification.of(BgpError.CEASE_ADMINISTRATIVE_SHUTDOWN);
    assertArrayEquals(CEASE_SHUTDOWN, Wire.encode(n, true));
    Notification d = (Notification) Wire.decode(CEASE_SHUTDOWN, true);
    assertThat(d.error()).contains(BgpError.CEASE_ADMINISTRATIVE_SHUTDOWN);
    assertThat(d.toString()).isEqualTo("NOTIFICATION CEASE_ADMINISTRATIVE_SHUTDOWN(6/2)");
  }

  @Test
  void notificationWithDataKeepsIt() {
    byte[] b =
        Hex.parse("ffffffff ffffffff ffffffff ffffffff 0017 03 02 02 fde8 // bad peer AS, data");
    assertThat(Wire.decode(b, true)).isEqualTo(new Notification(2, 2, Octets.of(0xfd, 0xe8)));
  }

  @Test
  void routeRefreshRoundTrips() {
    RouteRefresh r = new RouteRefresh(AddressFamily.IPV6_UNICAST);
    assertArrayEquals(ROUTE_REFRESH_V6, Wire.encode(r, true));
    assertThat(Wire.decode(ROUTE_REFRESH_V6, true)).isEqualTo(r);
  }

  static List<Arguments> malformedHeaders() {
    return List.of(
        Arguments.of(
            "marker with a zero",
            "ffffffff ffffffff ffffffff ffffff00 0013 04",
            BgpError.CONNECTION_NOT_SYNCHRONIZED,
            "header marker: not all ones"),
        Arguments.of(
            "length 18",
            "ffffffff ffffffff ffffffff ffffffff 0012 04",
            BgpError.BAD_MESSAGE_LENGTH,
            "message length 18: bad (expected: 19..4096)"),
        Arguments.of(
            "length 4097",
            "ffffffff ffffffff ffffffff ffffffff 1001 04",
            BgpError.BAD_MESSAGE_LENGTH,
            "message length 4097: bad (expected: 19..4096)"),
        Arguments.of(
            "KEEPALIVE with a body",
            "ffffffff ffffffff ffffffff ffffffff 0014 04 00",
            BgpError.BAD_MESSAGE_LENGTH,
            "KEEPALIVE length 20: bad (expected: 19)"),
        Arguments.of(
            "type 9",
            "ffffffff ffffffff ffffffff ffffffff 0013 09",
            BgpError.BAD_MESSAGE_TYPE,
            "message type 9: unknown (expected: 1..5)"),
        Arguments.of(
            "ROUTE-REFRESH of 3 octets",
            "ffffffff ffffffff ffffffff ffffffff 0016 05 0001 00",
            BgpError.ROUTE_REFRESH_INVALID_LENGTH,
            "ROUTE-REFRESH body: 3 octets (expected: 4)"),
        Arguments.of(
            "NOTIFICATION without subcode",
            "ffffffff ffffffff ffffffff ffffffff 0014 03 06",
            BgpError.BAD_MESSAGE_LENGTH,
            "NOTIFICATION body: 1 octets (expected: >= 2)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedHeaders")
  void malformedHeaderIsRejectedWithTheRightNotification(
      String name, String hex, BgpError error, String message) {
    assertThatThrownBy(() -> Wire.decode(Hex.parse(hex), true))
        .isInstanceOfSatisfying(
            BgpProtocolException.class, e -> assertThat(e.error()).isEqualTo(error))
        .hasMessage(message);
  }

  @Test
  void communitiesParseWellKnownNamesAndNumbers() {
    assertThat(Community.parse("no-export")).isEqualTo(Community.NO_EXPORT);
    assertThat(Community.parse("NO_ADVERTISE")).isEqualTo(Community.NO_ADVERTISE);
    assertThat(Community.parse("65535:65281")).isEqualTo(Community.NO_EXPORT);
    assertThat(Community.parse("64500:100").toString()).isEqualTo("64500:100");
    assertThat(LargeCommunity.parse("large:4200000001:1:2"))
        .isEqualTo(new LargeCommunity(4_200_000_001L, 1, 2));
    assertThatThrownBy(() -> Community.parse("65536:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("community \"65536:1\": not a community (expected:");
  }
}

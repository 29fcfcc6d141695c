package io.ferrolb.domain.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.pool.IpAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeElectionTest {

  private static final List<String> NODES = List.of("node-a", "node-b", "node-c", "node-d");

  /**
   * Golden orderings computed by hand in a shell, e.g. {@code printf 'node-a#10.0.0.1' | sha256sum}
   * (first 8 bytes shown): 10.0.0.1: a=dd41591f b=2acae885 c=f949561f d=efeb0c30; 2001:db8::1:
   * a=3c9f88a7 b=1aee61dd c=bb833059 d=1151f196; 198.51.100.7: a=0fe8d8fa b=a41b3250 c=fe35eea5
   * d=0428e184.
   */
  static Stream<Arguments> golden() {
    return Stream.of(
        Arguments.of("10.0.0.1", List.of("node-b", "node-a", "node-d", "node-c")),
        Arguments.of("2001:db8::1", List.of("node-d", "node-b", "node-a", "node-c")),
        Arguments.of("198.51.100.7", List.of("node-d", "node-a", "node-b", "node-c")));
  }

  @ParameterizedTest(name = "{0} is owned in the order {1}")
  @MethodSource("golden")
  void ordersCandidatesBySha256OfNodeHashIpLikeMetalLb(String ip, List<String> expected) {
    NodeElection.Result r = NodeElection.elect(NODES, IpAddress.parse(ip));

    assertThat(r.ordered()).containsExactlyElementsOf(expected);
    assertThat(r.winner()).contains(expected.get(0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("golden")
  void inputOrderDoesNotMatter(String ip, List<String> expected) {
    List<String> reversed = new ArrayList<>(NODES);
    java.util.Collections.reverse(reversed);

    assertThat(NodeElection.elect(reversed, IpAddress.parse(ip)).ordered())
        .containsExactlyElementsOf(expected);
  }

  @Test
  void orderingMatchesAnIndependentSha256ComputationForManyAddresses() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    List<String> nodes = List.of("worker-1", "worker-2", "worker-3", "cp-0", "edge.example");
    for (int i = 0; i < 200; i++) {
      IpAddress ip =
          i % 2 == 0 ? IpAddress.v4(0xC633_6400L + i) : IpAddress.v6(0x2001_0db8L << 32, i);
      String text = ip.toString();
      List<String> expected = new ArrayList<>(nodes);
      expected.sort(
          (x, y) ->
              Arrays.compareUnsigned(
                  sha.digest((x + "#" + text).getBytes(StandardCharsets.UTF_8)),
                  sha.digest((y + "#" + text).getBytes(StandardCharsets.UTF_8))));

      assertThat(NodeElection.elect(nodes, ip).ordered()).as(text).isEqualTo(expected);
    }
  }

  @Test
  void electionKeyIsTheSha256OfNodeHashCanonicalIp() {
    assertThat(
            HexFormat.of()
                .formatHex(NodeElection.electionKey("node-a", IpAddress.parse("10.0.0.1"))))
        .startsWith("dd41591fe8f31f9f");
    // the address is rendered canonically, as Go's net.IP.String() does
    assertThat(
            HexFormat.of()
                .formatHex(
                    NodeElection.electionKey("node-b", IpAddress.parse("2001:0DB8:0:0:0:0:0:1"))))
        .startsWith("1aee61dde2bd8a0c");
  }

  @Test
  void higherPreferenceScoreWinsBeforeTheHash() {
    IpAddress ip = IpAddress.parse("10.0.0.1");

    NodeElection.Result r = NodeElection.elect(NODES, ip, Map.of("node-c", 10L, "node-d", 10L));

    // node-d and node-c tie on score 10: hash order d (efeb...) before c (f949...)
    assertThat(r.ordered()).containsExactly("node-d", "node-c", "node-b", "node-a");
  }

  @Test
  void negativePreferenceSortsBelowUnscoredNodes() {
    NodeElection.Result r =
        NodeElection.elect(NODES, IpAddress.parse("10.0.0.1"), Map.of("node-b", -1L));

    assertThat(r.ordered()).containsExactly("node-a", "node-d", "node-c", "node-b");
  }

  @Test
  void aDualStackServiceIsOwnedByTheWinnerOfItsFirstAddress() {
    NodeElection.Result r =
        NodeElection.electForService(
            NODES, List.of(IpAddress.parse("2001:db8::1"), IpAddress.parse("10.0.0.1")), Map.of());

    assertThat(r.winner()).contains("node-d"); // 2001:db8::1's golden order, not 10.0.0.1's
  }

  @Test
  void noEligibleNodeMeansNoWinner() {
    assertThat(NodeElection.elect(List.of(), IpAddress.parse("10.0.0.1")))
        .isEqualTo(new NodeElection.Result(List.of(), Optional.empty()));
  }

  @Test
  void duplicateNodeNamesCountOnce() {
    assertThat(
            NodeElection.elect(List.of("node-a", "node-b", "node-a"), IpAddress.parse("10.0.0.1"))
                .ordered())
        .containsExactly("node-b", "node-a");
  }
}

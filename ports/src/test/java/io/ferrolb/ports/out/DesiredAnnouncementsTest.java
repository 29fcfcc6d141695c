package io.ferrolb.ports.out;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrolb.domain.pool.IpAddress;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DesiredAnnouncementsTest {

  @Test
  void jsonIsStableAndSortedWhateverTheSetOrder() {
    var a =
        new DesiredAnnouncements.Entry(
            IpAddress.parse("203.0.113.9"),
            Set.of("ns/b", "ns/a"),
            Set.of("eth0"),
            Map.of("z", "1", "a", "q\"x"));
    var b = DesiredAnnouncements.Entry.of(IpAddress.parse("2001:db8::1"), "ns/c");
    var desired = new DesiredAnnouncements("node-1", Set.of(b, a));

    assertThat(desired.toJson())
        .isEqualTo(
            "{\"node\":\"node-1\",\"entries\":["
                + "{\"address\":\"203.0.113.9\",\"services\":[\"ns/a\",\"ns/b\"],"
                + "\"interfaces\":[\"eth0\"],\"attributes\":{\"a\":\"q\\\"x\",\"z\":\"1\"}},"
                + "{\"address\":\"2001:db8::1\",\"services\":[\"ns/c\"],\"interfaces\":[],"
                + "\"attributes\":{}}]}");
  }

  @Test
  void fakeAnnouncerReportsUnchangedForTheSameSetTwice() {
    var fake = new FakeAnnouncer();
    var desired =
        new DesiredAnnouncements(
            "n", Set.of(DesiredAnnouncements.Entry.of(IpAddress.parse("198.51.100.1"), "a/b")));

    assertThat(fake.apply(desired)).isEqualTo(ApplyReport.applied(1));
    assertThat(fake.apply(desired)).isEqualTo(ApplyReport.unchanged());
    fake.failWith("link down");
    assertThat(fake.apply(desired).ok()).isFalse();
    assertThat(fake.applied()).hasSize(3);
  }
}

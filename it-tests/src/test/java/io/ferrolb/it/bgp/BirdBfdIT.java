package io.ferrolb.it.bgp;

import static io.ferrolb.it.bgp.Lab.N1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BFD between a ferrolb speaker and BIRD 2.0 {@code protocol bfd}, 300 ms x 3. */
class BirdBfdIT {
  static final String CONF =
      """
      router id 203.0.113.2;
      protocol device { }
      protocol bfd { interface "flbb0" { min rx interval 300 ms; min tx interval 300 ms; multiplier 3; }; }
      protocol bgp n1v4 {
        local 203.0.113.2 as 4200000100; neighbor 203.0.113.11 as 4200000001;
        connect delay time 1; connect retry time 1; error wait time 1, 10;
        bfd on;
        ipv4 { import all; export none; };
      }
      """;

  static Bird bird;

  @BeforeAll
  static void lab() throws Exception {
    Lab.assumeLab(Bird.BIN);
    Lab.up(List.of(Lab.R_BIRD, N1));
    bird = Bird.start(Lab.BIRD, CONF);
  }

  @AfterAll
  static void cleanUp() {
    if (bird != null) {
      bird.close();
    }
    Lab.down();
  }

  private String route() {
    return bird.birdc("show route for 198.51.100.61/32");
  }

  @Test
  void aFrozenSpeakersRoutesAreWithdrawnWithinOneSecond() throws Exception {
    try (SpeakerProcess s =
        SpeakerProcess.start(
            N1.ns(),
            List.of(
                "--asn", "4200000001",
                "--router-id", N1.v4(),
                "--peer", "203.0.113.2,4200000100,bfd=300",
                "--adv", "198.51.100.61/32"))) {
      await("route and BFD up\n" + s.log())
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  route().contains("203.0.113.11")
                      && bird.birdc("show bfd sessions").contains(" Up "));
      long t0 = System.nanoTime();
      s.freeze();
      await("route withdrawn")
          .atMost(Duration.ofSeconds(3))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !route().contains("203.0.113.11"));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("BFD: BIRD withdrew the route " + ms + " ms after the speaker froze");
      assertThat(ms).isLessThan(1200);
    }
  }
}

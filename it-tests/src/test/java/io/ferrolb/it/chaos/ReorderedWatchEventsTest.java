package io.ferrolb.it.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The proxy's guard against the mock's out-of-order watch events ({@link FaultyApiProxy}). */
class ReorderedWatchEventsTest {
  private final Map<String, FaultyApiProxy.Seen> seen = new HashMap<>();

  private boolean stale(String type, String name, String version) {
    String event =
        "{\"type\":\""
            + type
            + "\",\"object\":{\"kind\":\"Service\",\"metadata\":{\"namespace\":\"ns\",\"name\":\""
            + name
            + "\",\"resourceVersion\":\""
            + version
            + "\"}}}";
    return FaultyApiProxy.stale(seen, event);
  }

  @Test
  void anOlderVersionBehindANewerOneIsStale() {
    // the mock's open race: the replay sends v5 as ADDED, then the held-back MODIFIED v4
    assertThat(stale("ADDED", "a", "5")).isFalse();
    assertThat(stale("MODIFIED", "a", "4")).isTrue();
    assertThat(stale("MODIFIED", "a", "6")).isFalse();
    assertThat(stale("MODIFIED", "a", "5")).isTrue();
  }

  @Test
  void theSameVersionAgainPassesUnlessItWasDeleted() {
    assertThat(stale("ADDED", "a", "3")).isFalse();
    assertThat(stale("MODIFIED", "a", "3")).isFalse();
    // the mock sends a deleted object with its last version: a MODIFIED of it after is a ghost
    assertThat(stale("DELETED", "a", "3")).isFalse();
    assertThat(stale("MODIFIED", "a", "3")).isTrue();
    // created again under the same name: a newer version
    assertThat(stale("ADDED", "a", "9")).isFalse();
  }

  @Test
  void aDeletionOlderThanTheObjectSentIsStale() {
    assertThat(stale("ADDED", "a", "7")).isFalse();
    assertThat(stale("DELETED", "a", "4")).isTrue();
  }

  @Test
  void objectsAreKeptApart() {
    assertThat(stale("ADDED", "a", "5")).isFalse();
    assertThat(stale("ADDED", "b", "2")).isFalse();
  }

  @Test
  void eventsWithoutAVersionPass() {
    assertThat(
            FaultyApiProxy.stale(
                seen, "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410}}"))
        .isFalse();
    assertThat(FaultyApiProxy.stale(seen, "{\"type\":\"BOOKMARK\",\"object\":{}}")).isFalse();
    assertThat(FaultyApiProxy.stale(seen, "not json")).isFalse();
    assertThat(stale("MODIFIED", "a", "x")).isFalse();
  }
}

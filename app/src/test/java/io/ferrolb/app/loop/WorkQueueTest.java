package io.ferrolb.app.loop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WorkQueueTest {
  private record Item(String name) {}

  private final WorkQueue<Item> queue = new WorkQueue<>();

  @Test
  void anItemAlreadyWaitingIsNotAddedTwice() throws InterruptedException {
    queue.add(new Item("a"));
    queue.add(new Item("b"));
    queue.add(new Item("a"));
    assertThat(queue.size()).isEqualTo(2);
    assertThat(queue.poll(0)).isEqualTo(new Item("a"));
    assertThat(queue.poll(0)).isEqualTo(new Item("b"));
    assertThat(queue.poll(0)).isNull();
  }

  @Test
  void addFirstMovesAWaitingItemToTheHead() throws InterruptedException {
    queue.add(new Item("a"));
    queue.add(new Item("b"));
    queue.addFirst(new Item("b"));
    assertThat(queue.size()).isEqualTo(2);
    assertThat(queue.poll(0)).isEqualTo(new Item("b"));
  }

  @Test
  void anItemTakenCanBeAddedAgain() throws InterruptedException {
    queue.add(new Item("a"));
    queue.poll(0);
    queue.add(new Item("a"));
    assertThat(queue.isEmpty()).isFalse();
    queue.clear();
    assertThat(queue.isEmpty()).isTrue();
  }
}

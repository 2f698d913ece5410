package dev.drgw.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PersistentMapTest {

  @Test
  void behavesLikeAHashMapThroughOverlaysAndMerges() {
    Random random = new Random(42);
    Map<Integer, String> model = new HashMap<>();
    PersistentMap<Integer, String> map = PersistentMap.empty();
    for (int round = 0; round < 2_000; round++) {
      Map<Integer, String> changes = new HashMap<>();
      for (int i = 0; i < 10; i++) {
        int key = random.nextInt(5_000);
        String value = random.nextInt(4) == 0 ? null : "v" + round;
        changes.put(key, value);
      }
      PersistentMap<Integer, String> before = map;
      Map<Integer, String> beforeModel = new HashMap<>(model);
      for (var e : changes.entrySet()) {
        map = e.getValue() == null ? map.without(e.getKey()) : map.with(e.getKey(), e.getValue());
      }
      changes.forEach((k, v) -> {
        if (v == null) {
          model.remove(k);
        } else {
          model.put(k, v);
        }
      });
      if (round % 97 == 0) {
        for (int k = 0; k < 5_000; k++) {
          assertThat(map.get(k)).as("key %d round %d", k, round).isEqualTo(model.get(k));
          assertThat(before.get(k)).as("old version unchanged").isEqualTo(beforeModel.get(k));
        }
        Map<Integer, String> seen = new HashMap<>();
        map.forEach(seen::put);
        assertThat(seen).isEqualTo(model);
      }
    }
  }

  @Test
  void filterKeepsWhatThePredicateAccepts() {
    PersistentMap<Integer, String> map = PersistentMap.empty();
    for (int i = 0; i < 100_000; i++) {
      map = map.with(i, i % 2 == 0 ? "keep" : "drop");
    }
    PersistentMap<Integer, String> kept = map.filter((k, v) -> v.equals("keep"));
    assertThat(kept.get(1)).isNull();
    assertThat(kept.get(2)).isEqualTo("keep");
    assertThat(kept.size()).isEqualTo(50_000);
    assertThat(map.get(1)).as("the original is unchanged").isEqualTo("drop");
  }

  /** Keys whose hash codes collide completely still work. */
  private record Colliding(int id) {
    @Override
    public int hashCode() {
      return id % 3;
    }
  }

  @Test
  void collidingHashesAreKeptApart() {
    PersistentMap<Colliding, Integer> map = PersistentMap.empty();
    for (int i = 0; i < 300; i++) {
      map = map.with(new Colliding(i), i);
    }
    assertThat(map.size()).isEqualTo(300);
    for (int i = 0; i < 300; i += 2) {
      map = map.without(new Colliding(i));
    }
    assertThat(map.size()).isEqualTo(150);
    for (int i = 0; i < 300; i++) {
      assertThat(map.get(new Colliding(i))).isEqualTo(i % 2 == 0 ? null : i);
    }
  }

  @Test
  void manyDistinctKeysPassThroughEveryLayer() {
    Random random = new Random(11);
    Map<Integer, String> model = new HashMap<>();
    PersistentMap<Integer, String> map = PersistentMap.empty();
    for (int round = 0; round < 300; round++) {
      Map<Integer, String> changes = new HashMap<>();
      for (int i = 0; i < 1_500; i++) {
        int key = random.nextInt(400_000);
        changes.put(key, random.nextInt(10) == 0 ? null : "r" + round);
      }
      for (var e : changes.entrySet()) {
        map = e.getValue() == null ? map.without(e.getKey()) : map.with(e.getKey(), e.getValue());
      }
      changes.forEach((k, v) -> {
        if (v == null) {
          model.remove(k);
        } else {
          model.put(k, v);
        }
      });
      if (round % 50 == 49) {
        for (int k = 0; k < 400_000; k += 7) {
          assertThat(map.get(k)).as("key %d round %d", k, round).isEqualTo(model.get(k));
        }
      }
    }
    Map<Integer, String> seen = new HashMap<>();
    map.forEach(seen::put);
    assertThat(seen).isEqualTo(model);
  }
}

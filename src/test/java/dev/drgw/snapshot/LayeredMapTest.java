package dev.drgw.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayeredMapTest {

  @Test
  void behavesLikeAHashMapThroughOverlaysAndMerges() {
    Random random = new Random(42);
    Map<Integer, String> model = new HashMap<>();
    LayeredMap<Integer, String> map = LayeredMap.of(Map.of());
    for (int round = 0; round < 2_000; round++) {
      Map<Integer, String> changes = new HashMap<>();
      for (int i = 0; i < 10; i++) {
        int key = random.nextInt(5_000);
        String value = random.nextInt(4) == 0 ? null : "v" + round;
        changes.put(key, value);
      }
      LayeredMap<Integer, String> before = map;
      Map<Integer, String> beforeModel = new HashMap<>(model);
      map = map.with(changes);
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
  void mergeDropsWhatKeepRejects() {
    LayeredMap<Integer, String> map = LayeredMap.of(Map.of());
    Map<Integer, String> many = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      many.put(i, i % 2 == 0 ? "keep" : "drop");
    }
    map = map.with(many, (k, v) -> v.equals("keep"));
    assertThat(map.get(1)).isNull();
    assertThat(map.get(2)).isEqualTo("keep");
  }
}

package dev.drgw.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeferredOutcomesTest {

  @Test
  void writesRunAgainInOrderUntilTheyAllSucceed() {
    DeferredOutcomes deferred = new DeferredOutcomes();
    List<String> written = new ArrayList<>();
    boolean[] down = {true};
    for (String id : List.of("a", "b", "c")) {
      deferred.defer(() -> {
        if (down[0]) {
          throw new IllegalStateException("database down");
        }
        written.add(id);
      });
    }

    deferred.retry();
    assertThat(written).isEmpty();
    assertThat(deferred.size()).isEqualTo(3);

    down[0] = false;
    deferred.retry();
    assertThat(written).containsExactly("a", "b", "c");
    assertThat(deferred.size()).isZero();
    deferred.retry();
    assertThat(written).hasSize(3);
  }
}

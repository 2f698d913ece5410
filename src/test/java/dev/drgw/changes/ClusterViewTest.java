package dev.drgw.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

  private static final Duration STALE = Duration.ofSeconds(10);

  private static NodeState node(String name, int region, long applied, boolean dns, long ageSeconds) {
    return new NodeState(name, region, applied, dns, false, "v", Instant.EPOCH, Instant.EPOCH,
        Duration.ofSeconds(ageSeconds));
  }

  @Test
  void aRegionHasAppliedWhatEveryLiveNodeOfItHasApplied() {
    NodeState self = node("a1", 1, 10, true, 0);
    ClusterView view = ClusterView.of(
        List.of(node("a2", 1, 8, true, 1), node("b1", 2, 10, true, 2), node("b2", 2, 9, false, 0)), self, STALE);

    assertThat(view.regions()).containsExactly(
        new ClusterView.Region(1, 2, 8, true), new ClusterView.Region(2, 2, 9, true));
    assertThat(view.appliedEverywhere(8)).isTrue();
    assertThat(view.appliedEverywhere(9)).isFalse();
    assertThat(view.appliedSomewhere(9)).isTrue();
    assertThat(view.appliedSomewhere(11)).isFalse();
  }

  @Test
  void aSilentNodeNoLongerCountsAndARegionWithoutLiveNodesHasAppliedNothing() {
    NodeState self = node("a1", 1, 10, true, 0);
    ClusterView view = ClusterView.of(
        List.of(node("a2", 1, 3, true, 11), node("b1", 2, 10, true, 30), node("b2", 2, 10, true, 11)), self, STALE);

    assertThat(view.regions()).containsExactly(
        new ClusterView.Region(1, 1, 10, true), new ClusterView.Region(2, 0, -1, false));
    assertThat(view.appliedEverywhere(1)).as("region 2 serves nothing current").isFalse();
    assertThat(view.appliedSomewhere(10)).isTrue();
  }

  @Test
  void exactlyStaleAfterStillCounts() {
    ClusterView view = ClusterView.of(List.of(node("b1", 2, 5, true, 10)), node("a1", 1, 5, true, 0), STALE);
    assertThat(view.appliedEverywhere(5)).isTrue();
  }

  @Test
  void thisNodeCountsWithItsCurrentStateNotItsOldRow() {
    NodeState self = node("a1", 1, 12, false, 0);
    ClusterView view = ClusterView.of(List.of(node("a1", 1, 4, true, 60)), self, STALE);

    assertThat(view.regions()).containsExactly(new ClusterView.Region(1, 1, 12, false));
    assertThat(view.dnsServing()).isFalse();
  }

  @Test
  void aLoneNodeIsTheWholeDeployment() {
    ClusterView view = ClusterView.of(List.of(), node("solo", 1, 0, true, 0), STALE);
    assertThat(view.appliedEverywhere(0)).isTrue();
    assertThat(view.appliedEverywhere(1)).isFalse();
    assertThat(view.dnsServing()).isTrue();
  }
}

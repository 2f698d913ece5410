package dev.drgw.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumberTableTest {

  private static NumberView view(String tn, String account, boolean enabled, String header) {
    return new NumberView(tn, account, enabled, header);
  }

  private static NumberTable table(NumberView... numbers) {
    NumberBase.Builder b = new NumberBase.Builder();
    for (NumberView n : numbers) {
      b.add(n.telephoneNumber(), n.accountName(), n.directRoutingEnabled(), n.customSipHeader());
    }
    return NumberTable.of(b.build());
  }

  @ParameterizedTest
  @ValueSource(strings = {"+1", "+01", "+001", "+10", "+100", "+0", "+00", "+44", "+441273650009",
      "+999999999999999", "+000000000000000", "+100000000000000", "+123456789012345"})
  void everyLengthFromOneToFifteenDigitsIsItsOwnKey(String tn) {
    NumberTable t = table(view(tn, "a", true, null));
    assertThat(NumberBase.key(tn)).isNotZero();
    assertThat(NumberBase.telephoneNumber(NumberBase.key(tn))).isEqualTo(tn);
    assertThat(t.get(tn)).isEqualTo(view(tn, "a", true, null));
    for (String other : List.of(tn + "0", "+0" + tn.substring(1), tn.substring(0, tn.length() - 1))) {
      assertThat(t.get(other)).as(other).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "+", "1", "441273650009", "+44 1273", "+4412a", "++1", "+1234567890123456", "+٤٤"})
  void stringsThatAreNotPlusAndDigitsAreKeptInTheOverlayAndSurviveARebase(String odd) {
    assertThat(NumberBase.key(odd)).isZero();
    NumberTable t = table(view(odd, "a", false, "h"), view("+44", "a", true, null));
    assertThat(t.get(odd)).isEqualTo(view(odd, "a", false, "h"));
    t = t.rebased();
    assertThat(t.get(odd)).isEqualTo(view(odd, "a", false, "h"));
    assertThat(t.without(odd).get(odd)).isNull();
  }

  @Test
  void tablesOfEverySmallSizeFindAllTheirNumbersDespiteCollisions() {
    // Tables are at most 3/4 full, so probe sequences collide and wrap around the end.
    for (int size = 0; size <= 200; size++) {
      NumberBase.Builder b = new NumberBase.Builder();
      for (int i = 0; i < size; i++) {
        b.add("+1" + i, "a" + i % 3, i % 2 == 0, i % 5 == 0 ? null : "h" + i % 4);
      }
      NumberTable t = NumberTable.of(b.build());
      for (int i = 0; i < size; i++) {
        assertThat(t.get("+1" + i))
            .isEqualTo(view("+1" + i, "a" + i % 3, i % 2 == 0, i % 5 == 0 ? null : "h" + i % 4));
      }
      for (int i = size; i < size + 50; i++) {
        assertThat(t.get("+1" + i)).isNull();
      }
    }
  }

  @Test
  void aNumberAddedTwiceToTheBuilderKeepsTheLastValue() {
    NumberTable t = table(view("+441", "a", true, "x"), view("+441", "b", false, null));
    assertThat(t.get("+441")).isEqualTo(view("+441", "b", false, null));
  }

  @Test
  void headersAreNullEmptyOrAValueAndSharedOnesAreStoredOnce() {
    String shared = new String("X-Tenant: contoso");
    NumberTable t = table(
        view("+441", "a", true, null),
        view("+442", "a", true, ""),
        view("+443", "a", true, shared),
        view("+444", "a", true, new String("X-Tenant: contoso")));
    assertThat(t.get("+441").customSipHeader()).isNull();
    assertThat(t.get("+442").customSipHeader()).isEmpty();
    assertThat(t.get("+443").customSipHeader()).isEqualTo("X-Tenant: contoso");
    assertThat(t.get("+444").customSipHeader()).isSameAs(t.get("+443").customSipHeader());
  }

  @Test
  void deletesHideNumbersOfTheBaseAndOfTheOverlay() {
    NumberTable base = table(view("+441", "a", true, null), view("+442", "a", true, null));
    NumberTable t = base.without("+441").with(view("+443", "a", true, null)).without("+443").without("+449");
    assertThat(t.get("+441")).isNull();
    assertThat(t.get("+443")).isNull();
    assertThat(t.get("+442")).isNotNull();
    assertThat(t.overlaySize()).isEqualTo(1);
    assertThat(t.with(view("+441", "b", false, "h")).get("+441")).isEqualTo(view("+441", "b", false, "h"));
    assertThat(base.get("+441")).as("older versions are unchanged").isNotNull();
  }

  @Test
  void deletingAnAccountHidesItsNumbersButNotNumbersMovedAwayOrAddedLater() {
    NumberTable t = table(
        view("+441", "a", true, null), view("+442", "a", true, null), view("+443", "b", true, null));
    t = t.with(view("+442", "b", true, null)) // moved from a to b
        .with(view("+443", "a", true, null)) // moved from b to a
        .with(view("+444", "a", true, null))
        .withoutAccount("a");
    assertThat(t.get("+441")).isNull();
    assertThat(t.get("+442")).isEqualTo(view("+442", "b", true, null));
    assertThat(t.get("+443")).as("b's number in the base stays hidden by the move").isNull();
    assertThat(t.get("+444")).isNull();
    t = t.with(view("+445", "a", true, null));
    assertThat(t.get("+445")).as("a number of the recreated account").isNotNull();
    NumberTable rebased = t.rebased();
    assertThat(rebased.overlaySize()).isZero();
    for (String tn : List.of("+441", "+442", "+443", "+444", "+445")) {
      assertThat(rebased.get(tn)).as(tn).isEqualTo(t.get(tn));
    }
    assertThat(rebased.withoutAccount("a").get("+445")).isNull();
  }

  @Test
  void anOverlayPastItsBoundWantsFoldingAndIsFoldedOnTheSpotAtFourTimesIt() {
    NumberTable t = NumberTable.EMPTY;
    for (int i = 0; i < NumberTable.MIN_OVERLAY; i++) {
      t = t.with(view("+1" + i, "a", true, null));
    }
    assertThat(t.wantsFold()).isFalse();
    t = t.with(view("+2", "a", true, null));
    assertThat(t.wantsFold()).isTrue();
    for (int i = 0; i < 3 * NumberTable.MIN_OVERLAY - 1; i++) {
      t = t.with(view("+3" + i, "a", true, null));
    }
    assertThat(t.overlaySize()).isEqualTo(4 * NumberTable.MIN_OVERLAY);
    t = t.with(view("+4", "a", true, null));
    assertThat(t.overlaySize()).isZero();
    assertThat(t.get("+2")).isNotNull();
    assertThat(t.get("+4")).isNotNull();
    assertThat(t.get("+1" + (NumberTable.MIN_OVERLAY - 1))).isNotNull();
  }

  @Test
  void changesMadeWhileAFoldRanAreReplayedOntoTheFoldedBase() {
    Random random = new Random(7);
    NumberTable start = NumberTable.EMPTY;
    for (int i = 0; i < 3_000; i++) {
      start = start.with(view("+1" + random.nextInt(4_000), "acc" + random.nextInt(8), true, "h" + random.nextInt(3)));
      if (i % 500 == 0) {
        start = start.rebased().without("+1" + random.nextInt(4_000));
      }
    }
    start = start.withoutAccount("acc7");
    NumberTable current = start;
    for (int i = 0; i < 2_000; i++) {
      String tn = "+1" + random.nextInt(4_000);
      int op = random.nextInt(100);
      if (op < 60) {
        current = current.with(view(tn, "acc" + random.nextInt(8), random.nextBoolean(), null));
      } else if (op < 98) {
        current = current.without(tn);
      } else {
        current = current.withoutAccount("acc" + random.nextInt(8));
      }
    }
    NumberTable replayed = current.replayedOnto(start, start.rebased());
    assertThat(replayed.overlaySize()).isLessThan(current.overlaySize());
    for (int i = 0; i < 4_000; i++) {
      assertThat(replayed.get("+1" + i)).as("+1" + i).isEqualTo(current.get("+1" + i));
    }
    NumberTable refolded = current.rebased();
    assertThat(refolded.replayedOnto(start, start.rebased()))
        .as("a table that no longer shares the fold's base keeps its own").isSameAs(refolded);
  }

  /** Numbers (twice this) for the random changes: thousands of overlay entries between folds. */
  private static final int KEYS = 12_000;

  @Test
  void randomChangesAcrossFoldsMatchAPlainMap() {
    Random random = new Random(6);
    Map<String, NumberView> model = new HashMap<>();
    NumberTable t = NumberTable.EMPTY;
    List<NumberTable> versions = new ArrayList<>();
    List<Map<String, NumberView>> models = new ArrayList<>();
    NumberTable foldStart = t;
    for (int step = 0; step < 60_000; step++) {
      // a fold as the follower runs it: started at one table, replayed onto a later one
      if (step % 7_000 == 0) {
        foldStart = t;
      } else if (step % 7_000 == 3_000) {
        t = t.replayedOnto(foldStart, foldStart.rebased());
      }
      String tn = "+" + random.nextInt(1, 3) + random.nextInt(KEYS);
      int op = random.nextInt(100);
      if (op < 70) {
        NumberView n = view(tn, "acc" + random.nextInt(20), random.nextBoolean(),
            random.nextInt(3) == 0 ? null : "h" + random.nextInt(5));
        t = t.with(n);
        model.put(tn, n);
      } else if (op < 99) {
        t = t.without(tn);
        model.remove(tn);
      } else {
        String account = "acc" + random.nextInt(20);
        t = t.withoutAccount(account);
        model.values().removeIf(n -> n.accountName().equals(account));
      }
      if (step % 10_000 == 0) {
        versions.add(t);
        models.add(new HashMap<>(model));
      }
    }
    versions.add(t);
    models.add(model);
    for (int v = 0; v < versions.size(); v++) {
      for (int first = 1; first <= 2; first++) {
        for (int i = 0; i < KEYS; i++) {
          String tn = "+" + first + i;
          assertThat(versions.get(v).get(tn)).as(tn + " in version " + v).isEqualTo(models.get(v).get(tn));
        }
      }
    }
  }
}

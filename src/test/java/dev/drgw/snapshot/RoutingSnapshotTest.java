package dev.drgw.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drgw.account.Account;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeSet;
import dev.drgw.number.NumberEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoutingSnapshotTest {

  private static Account account(String name, String label, boolean enabled) {
    return new Account(
        name, null, null, new DirectRouting(true, enabled, new DirectRoutingConfig(true, label, "t1", "t2")), null);
  }

  private static NumberEntry number(String tn, String account) {
    return new NumberEntry(tn, account, true, "h", null);
  }

  private static ChangeSet set(long seq, Change... changes) {
    return new ChangeSet(seq, Instant.EPOCH, changes[0].accountName(), "test", null, List.of(changes));
  }

  @Test
  void accountsAreFoundByNameAndByLabelIgnoringCase() {
    RoutingSnapshot s =
        RoutingSnapshot.empty().apply(List.of(set(1, new Change.AccountPut(account("contoso", "ConToso", true)))));
    assertThat(s.appliedSeq()).isEqualTo(1);
    assertThat(s.account("contoso")).get().extracting(AccountView::version).isEqualTo(1L);
    assertThat(s.accountByLabel("CONTOSO")).get().extracting(AccountView::name).isEqualTo("contoso");
    assertThat(s.accountByLabel("other")).isEmpty();
  }

  @Test
  void aChangedLabelFreesTheOldOne() {
    RoutingSnapshot s =
        RoutingSnapshot.empty()
            .apply(List.of(set(1, new Change.AccountPut(account("a", "old", true)))))
            .apply(List.of(set(2, new Change.AccountPut(account("a", "new", true)))));
    assertThat(s.accountByLabel("old")).isEmpty();
    assertThat(s.accountByLabel("new")).isPresent();
  }

  @Test
  void aLabelPassedFromOneAccountToAnotherInOneBatchStaysWithTheNewOwner() {
    RoutingSnapshot s =
        RoutingSnapshot.empty()
            .apply(List.of(set(1, new Change.AccountPut(account("a", "x", true)))))
            .apply(
                List.of(
                    set(2, new Change.AccountPut(account("b", "x", true))),
                    set(3, new Change.AccountPut(account("a", "y", true)))));
    assertThat(s.accountByLabel("x")).get().extracting(AccountView::name).isEqualTo("b");
    assertThat(s.accountByLabel("y")).get().extracting(AccountView::name).isEqualTo("a");
  }

  @Test
  void deletingAnAccountRemovesItsNumbersButNotThoseOfItsSuccessor() {
    RoutingSnapshot s =
        RoutingSnapshot.empty()
            .apply(
                List.of(
                    set(1, new Change.AccountPut(account("a", "a", true))),
                    set(2, new Change.NumberPut(number("+441", "a")), new Change.NumberPut(number("+442", "a"))),
                    set(3, new Change.AccountDeleted("a"))));
    assertThat(s.number("+441")).isEmpty();
    assertThat(s.account("a")).isEmpty();
    assertThat(s.accountByLabel("a")).isEmpty();
    s = s.apply(
        List.of(
            set(4, new Change.AccountPut(account("a", "a", true))),
            set(5, new Change.NumberPut(number("+442", "a")))));
    assertThat(s.number("+441")).isEmpty();
    assertThat(s.number("+442")).get().extracting(NumberView::accountName).isEqualTo("a");
  }

  @Test
  void numberChangesLeaveTheZoneSerialAlone() {
    RoutingSnapshot s =
        RoutingSnapshot.empty()
            .apply(List.of(set(1, new Change.AccountPut(account("a", "a", true)))))
            .apply(List.of(set(2, new Change.NumberPut(number("+441", "a")))));
    assertThat(s.appliedSeq()).isEqualTo(2);
    assertThat(s.zoneSeq()).isEqualTo(1);
    s = s.apply(List.of(set(3, new Change.NumberDeleted("+441", "a"))));
    assertThat(s.number("+441")).isEmpty();
    assertThat(s.zoneSeq()).isEqualTo(1);
  }

  @Test
  void aGapInTheChangeLogIsRefused() {
    RoutingSnapshot s = RoutingSnapshot.empty();
    assertThatThrownBy(() -> s.apply(List.of(set(2, new Change.AccountDeleted("a")))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("gap");
  }

  @Test
  void manySmallBatchesGiveTheSameStateAsOneBig() {
    List<ChangeSet> sets = new ArrayList<>();
    Map<String, Boolean> expected = new HashMap<>();
    for (int i = 1; i <= 20_000; i++) {
      String tn = "+44" + (1000 + i % 7000);
      if (i % 5 == 0) {
        sets.add(set(i, new Change.NumberDeleted(tn, "a")));
        expected.put(tn, false);
      } else {
        sets.add(set(i, new Change.NumberPut(number(tn, "a"))));
        expected.put(tn, true);
      }
    }
    RoutingSnapshot oneBatch = RoutingSnapshot.empty().apply(sets);
    RoutingSnapshot stepwise = RoutingSnapshot.empty();
    for (int i = 0; i < sets.size(); i += 7) {
      stepwise = stepwise.apply(sets.subList(i, Math.min(sets.size(), i + 7)));
    }
    for (Map.Entry<String, Boolean> e : expected.entrySet()) {
      assertThat(oneBatch.number(e.getKey()).isPresent()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(stepwise.number(e.getKey()).isPresent()).as(e.getKey()).isEqualTo(e.getValue());
    }
    assertThat(stepwise.appliedSeq()).isEqualTo(20_000);
  }
}

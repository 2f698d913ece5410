package dev.drgw.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.domain.Filter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlFilterTest {

  private static final Map<String, String> COLUMNS = Map.of("name", "name", "enabled", "dr_enabled");

  @Test
  void translatesEveryNodeWithParameters() {
    Filter f =
        new Filter.Or(
            new Filter.And(
                new Filter.Compare("name", Filter.Op.EQ, "a'b"),
                new Filter.Compare("enabled", Filter.Op.NE, true)),
            new Filter.StartsWith("name", "50%_!"));
    SqlFilter.Condition c = SqlFilter.translate(f, COLUMNS);
    assertThat(c.sql())
        .isEqualTo(
            "((name = ? AND (dr_enabled <> ? OR dr_enabled IS NULL)) OR name LIKE ? ESCAPE '!')");
    assertThat(c.params()).isEqualTo(List.of("a'b", true, "50!%!_!!%"));
  }

  @Test
  void nullMeansAbsent() {
    assertThat(SqlFilter.translate(new Filter.Compare("name", Filter.Op.EQ, null), COLUMNS).sql())
        .isEqualTo("name IS NULL");
    assertThat(SqlFilter.translate(new Filter.Compare("name", Filter.Op.NE, null), COLUMNS).sql())
        .isEqualTo("name IS NOT NULL");
  }

  @Test
  void everythingMatchesAll() {
    assertThat(SqlFilter.translate(Filter.ALL, COLUMNS).sql()).isEqualTo("1 = 1");
  }

  @Test
  void everyAccountAndNumberFieldHasAColumn() {
    assertThat(JdbcAccountStore.COLUMNS.keySet())
        .isEqualTo(dev.drgw.account.AccountFields.ALL.keySet());
    assertThat(JdbcNumberStore.COLUMNS.keySet())
        .isEqualTo(dev.drgw.number.NumberFields.ALL.keySet());
  }
}

package dev.drgw.store;

import dev.drgw.account.Account;
import dev.drgw.account.AccountFields;
import dev.drgw.account.AccountStore;
import dev.drgw.account.AccountTx;
import dev.drgw.domain.Actor;
import dev.drgw.domain.Filter;
import dev.drgw.domain.Page;
import dev.drgw.domain.PageRequest;
import dev.drgw.domain.Stored;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** {@link AccountStore} on H2 or PostgreSQL. */
public final class JdbcAccountStore implements AccountStore {

  static final Map<String, String> COLUMNS =
      Map.of(
          AccountFields.NAME, "name",
          AccountFields.CORRELATION_ID, "correlation_id",
          AccountFields.TENANT_ID, "teams_tenant_id",
          AccountFields.DR_ENABLED, "dr_enabled",
          AccountFields.DR_SYNC_ENABLED, "dr_sync_enabled",
          AccountFields.SUBDOMAIN, "subdomain",
          AccountFields.CALL_SCREENING, "call_screening");

  private final Database database;
  private final Transactions transactions;

  JdbcAccountStore(Database database, Transactions transactions) {
    this.database = database;
    this.transactions = transactions;
  }

  @Override
  public <T> T write(Actor actor, Function<AccountTx, T> work) {
    return transactions.write(actor, tx -> work.apply(new JdbcAccountTx(tx)));
  }

  @Override
  public Optional<Stored<Account>> find(String name) {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT " + Rows.ACCOUNT_COLUMNS + " FROM accounts WHERE name = :name")
                    .bind("name", name)
                    .map((rs, ctx) -> Rows.account(rs))
                    .findOne());
  }

  @Override
  public Page<Stored<Account>> list(PageRequest request) {
    return Lists.page(
        database.jdbi(),
        "SELECT " + Rows.ACCOUNT_COLUMNS + " FROM accounts",
        "name",
        List.of(),
        List.of(),
        COLUMNS,
        request,
        (rs, ctx) -> Rows.account(rs),
        a -> a.value().name());
  }

  @Override
  public long count(Filter filter) {
    return Lists.count(database.jdbi(), "accounts", List.of(), List.of(), COLUMNS, filter);
  }

  @Override
  public Map<String, Long> directRoutingNumberCounts(Collection<String> names) {
    Map<String, Long> counts = new HashMap<>();
    if (names.isEmpty()) {
      return counts;
    }
    database
        .jdbi()
        .useHandle(
            h ->
                h.createQuery(
                        "SELECT name, dr_number_count FROM accounts WHERE name = ANY(:names)")
                    .bindArray("names", String.class, List.copyOf(names))
                    .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                    .forEach(e -> counts.put(e.getKey(), e.getValue())));
    return counts;
  }
}

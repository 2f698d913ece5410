package dev.drgw.store;

import dev.drgw.domain.Actor;
import dev.drgw.domain.Filter;
import dev.drgw.domain.Page;
import dev.drgw.domain.PageRequest;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import dev.drgw.number.NumberFields;
import dev.drgw.number.NumberStore;
import dev.drgw.number.NumberTx;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** {@link NumberStore} on H2 or PostgreSQL. */
public final class JdbcNumberStore implements NumberStore {

  static final Map<String, String> COLUMNS =
      Map.of(
          NumberFields.TELEPHONE_NUMBER, "telephone_number",
          NumberFields.ACCOUNT_NAME, "account_name",
          NumberFields.DR_ENABLED, "dr_enabled",
          NumberFields.CUSTOM_SIP_HEADER, "custom_sip_header");

  private final Database database;
  private final Transactions transactions;

  JdbcNumberStore(Database database, Transactions transactions) {
    this.database = database;
    this.transactions = transactions;
  }

  @Override
  public <T> T write(Actor actor, Function<NumberTx, T> work) {
    return transactions.write(actor, tx -> work.apply(new JdbcNumberTx(tx)));
  }

  @Override
  public Optional<Stored<NumberEntry>> find(String telephoneNumber) {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT " + Rows.NUMBER_COLUMNS
                            + " FROM numbers WHERE telephone_number = :number")
                    .bind("number", telephoneNumber)
                    .map((rs, ctx) -> Rows.number(rs))
                    .findOne());
  }

  @Override
  public Page<Stored<NumberEntry>> list(Optional<String> accountName, PageRequest request) {
    return Lists.page(
        database.jdbi(),
        "SELECT " + Rows.NUMBER_COLUMNS + " FROM numbers",
        "telephone_number",
        accountName.map(a -> List.of("account_name = ?")).orElse(List.of()),
        accountName.<List<Object>>map(List::of).orElse(List.of()),
        COLUMNS,
        request,
        (rs, ctx) -> Rows.number(rs),
        n -> n.value().telephoneNumber());
  }

  @Override
  public long count(Optional<String> accountName, Filter filter) {
    return Lists.count(
        database.jdbi(),
        "numbers",
        accountName.map(a -> List.of("account_name = ?")).orElse(List.of()),
        accountName.<List<Object>>map(List::of).orElse(List.of()),
        COLUMNS,
        filter);
  }
}

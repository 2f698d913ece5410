package dev.drgw.store;

import dev.drgw.account.Account;
import dev.drgw.changes.Change;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import dev.drgw.number.NumberTx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.PreparedBatch;

/** {@link NumberTx} over one JDBC transaction. */
final class JdbcNumberTx implements NumberTx {

  private final TxContext tx;
  private final Map<String, Stored<NumberEntry>> locked = new HashMap<>();

  JdbcNumberTx(TxContext tx) {
    this.tx = tx;
  }

  @Override
  public Optional<Account> account(String name) {
    return tx.handle
        .createQuery("SELECT " + Rows.ACCOUNT_COLUMNS + " FROM accounts WHERE name = :name")
        .bind("name", name)
        .map((rs, ctx) -> Rows.account(rs).value())
        .findOne();
  }

  @Override
  public Map<String, Stored<NumberEntry>> lock(Collection<String> telephoneNumbers) {
    Map<String, Stored<NumberEntry>> found = new HashMap<>();
    if (telephoneNumbers.isEmpty()) {
      return found;
    }
    // Sorted, so that concurrent batches lock shared rows in the same order.
    List<String> sorted = telephoneNumbers.stream().sorted().distinct().toList();
    tx.dialect
        .planEachTime(
            tx.handle.createQuery(
                "SELECT " + Rows.NUMBER_COLUMNS + " FROM numbers"
                    + " WHERE telephone_number = ANY(:numbers) ORDER BY telephone_number FOR UPDATE"))
        .bindArray("numbers", String.class, sorted)
        .map((rs, ctx) -> Rows.number(rs))
        .forEach(n -> found.put(n.value().telephoneNumber(), n));
    locked.putAll(found);
    return found;
  }

  @Override
  public List<Stored<NumberEntry>> insert(List<NumberEntry> entries) {
    if (entries.isEmpty()) {
      return List.of();
    }
    PreparedBatch batch =
        tx.handle.prepareBatch(
            "INSERT INTO numbers (telephone_number, account_name, dr_enabled, custom_sip_header,"
                + " other_services, version, updated_at)"
                + " VALUES (:number, :account, :enabled, :header, :other, :version, :now)");
    List<Stored<NumberEntry>> stored = new ArrayList<>(entries.size());
    for (NumberEntry entry : entries) {
      bind(batch, entry).add();
      stored.add(new Stored<>(entry, tx.seq));
      tx.changes.add(new Change.NumberPut(entry));
      tx.audited.add(new Audited.OfNumber(null, entry));
      tx.countDirectRouting(entry.accountName(), entry.directRoutingEnabled() ? 1 : 0);
    }
    batch.execute();
    return stored;
  }

  @Override
  public List<Stored<NumberEntry>> update(List<NumberEntry> entries) {
    if (entries.isEmpty()) {
      return List.of();
    }
    PreparedBatch batch =
        tx.handle.prepareBatch(
            "UPDATE numbers SET account_name = :account, dr_enabled = :enabled,"
                + " custom_sip_header = :header, other_services = :other, version = :version,"
                + " updated_at = :now WHERE telephone_number = :number");
    List<Stored<NumberEntry>> stored = new ArrayList<>(entries.size());
    for (NumberEntry entry : entries) {
      NumberEntry before = lockedBefore(entry.telephoneNumber());
      bind(batch, entry).add();
      stored.add(new Stored<>(entry, tx.seq));
      tx.changes.add(new Change.NumberPut(entry));
      tx.audited.add(new Audited.OfNumber(before, entry));
      tx.countDirectRouting(before.accountName(), before.directRoutingEnabled() ? -1 : 0);
      tx.countDirectRouting(entry.accountName(), entry.directRoutingEnabled() ? 1 : 0);
      locked.put(entry.telephoneNumber(), new Stored<>(entry, tx.seq));
    }
    batch.execute();
    return stored;
  }

  @Override
  public void delete(Collection<NumberEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    List<String> numbers = new ArrayList<>(entries.size());
    for (NumberEntry entry : entries) {
      NumberEntry before = lockedBefore(entry.telephoneNumber());
      numbers.add(entry.telephoneNumber());
      tx.changes.add(new Change.NumberDeleted(entry.telephoneNumber(), before.accountName()));
      tx.audited.add(new Audited.OfNumber(before, null));
      tx.countDirectRouting(before.accountName(), before.directRoutingEnabled() ? -1 : 0);
    }
    tx.dialect
        .planEachTime(tx.handle.createUpdate("DELETE FROM numbers WHERE telephone_number = ANY(:numbers)"))
        .bindArray("numbers", String.class, numbers)
        .execute();
  }

  private NumberEntry lockedBefore(String telephoneNumber) {
    Stored<NumberEntry> before = locked.get(telephoneNumber);
    if (before == null) {
      throw new IllegalStateException(telephoneNumber + " must be locked before it is changed");
    }
    return before.value();
  }

  private PreparedBatch bind(PreparedBatch batch, NumberEntry entry) {
    return batch
        .bind("number", entry.telephoneNumber())
        .bind("account", entry.accountName())
        .bind("enabled", entry.directRoutingEnabled())
        .bind("header", entry.customSipHeader())
        .bind("other", entry.otherServices())
        .bind("version", tx.seq)
        .bind("now", tx.now);
  }
}

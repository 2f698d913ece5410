package dev.drgw.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;

/** The JDBC implementations of the domain's stores, over one {@link Database}. */
public final class Stores implements AutoCloseable {

  private final JdbcAccountStore accounts;
  private final JdbcNumberStore numbers;
  private final JdbcChangeLog changeLog;
  private final JdbcRequestLedger requestLedger;
  private final JdbcSnapshotSource snapshotSource;
  private final JdbcUserStore users;
  private final JdbcAuditTrail auditTrail;
  private final JdbcNodes nodes;
  private final Transactions transactions;

  public Stores(Database database, ObjectMapper json, Clock clock) {
    ChangeCodec codec = new ChangeCodec(json);
    this.transactions = new Transactions(database, codec, clock);
    this.accounts = new JdbcAccountStore(database, transactions);
    this.numbers = new JdbcNumberStore(database, transactions);
    this.changeLog = new JdbcChangeLog(database, codec);
    this.requestLedger = new JdbcRequestLedger(database, json);
    this.snapshotSource = new JdbcSnapshotSource(database);
    this.users = new JdbcUserStore(database);
    this.nodes = new JdbcNodes(database);
    this.auditTrail = new JdbcAuditTrail(database);
  }

  public JdbcAuditTrail auditTrail() {
    return auditTrail;
  }

  public JdbcUserStore users() {
    return users;
  }

  public JdbcNodes nodes() {
    return nodes;
  }

  public JdbcAccountStore accounts() {
    return accounts;
  }

  public JdbcNumberStore numbers() {
    return numbers;
  }

  public JdbcChangeLog changeLog() {
    return changeLog;
  }

  public JdbcSnapshotSource snapshotSource() {
    return snapshotSource;
  }

  public JdbcRequestLedger requestLedger() {
    return requestLedger;
  }

  /** Runs {@code listener} after every commit that changed something. */
  public void onCommit(Runnable listener) {
    transactions.onCommit(listener);
  }

  /** Stops the writer thread; call before closing the database. */
  @Override
  public void close() {
    transactions.close();
  }
}

package dev.drgw.store;

import dev.drgw.testing.TestPostgres;

/** The store contract on a real PostgreSQL server. */
class PostgresStoreTest extends StoreContract {

  @Override
  String newDatabaseUrl() {
    return TestPostgres.newDatabase();
  }

  @Override
  String user() {
    return TestPostgres.user();
  }
}

package dev.drgw.store;

import dev.drgw.testing.TestPostgres;

/** The audit trail on a real PostgreSQL server. */
class AuditTrailPostgresTest extends AuditTrailContract {

  @Override
  String newDatabaseUrl() {
    return TestPostgres.newDatabase();
  }

  @Override
  String user() {
    return TestPostgres.user();
  }
}

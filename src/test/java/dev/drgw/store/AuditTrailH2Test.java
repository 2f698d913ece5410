package dev.drgw.store;

import dev.drgw.testing.TestServer;

/** The audit trail on embedded, file-backed H2. */
class AuditTrailH2Test extends AuditTrailContract {

  @Override
  String newDatabaseUrl() {
    return "jdbc:h2:file:" + TestServer.newDataDir().resolve("drgw");
  }

  @Override
  String user() {
    return "drgw";
  }
}

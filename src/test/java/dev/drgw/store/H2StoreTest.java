package dev.drgw.store;

import dev.drgw.testing.TestServer;

/** The store contract on embedded, file-backed H2 (the default engine). */
class H2StoreTest extends StoreContract {

  @Override
  String newDatabaseUrl() {
    return "jdbc:h2:file:" + TestServer.newDataDir().resolve("drgw");
  }

  @Override
  String user() {
    return "drgw";
  }
}

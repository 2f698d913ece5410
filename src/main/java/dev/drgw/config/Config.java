package dev.drgw.config;

import java.nio.file.Path;
import java.util.Objects;

/** The whole validated configuration of one drgw process; built by {@link ConfigLoader}. */
public record Config(
    Path dataDir,
    HttpSettings http,
    DatabaseSettings database,
    DeploymentSettings deployment,
    AuthSettings auth,
    ApiSettings api,
    DnsSettings dns,
    PortalSettings portal,
    SipSettings sip,
    NodeSettings node,
    OperationsSettings operations) {

  public Config {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(dns, "dns");
    Objects.requireNonNull(portal, "portal");
    Objects.requireNonNull(sip, "sip");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(operations, "operations");
  }
}

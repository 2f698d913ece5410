package dev.drgw.snapshot;

import dev.drgw.account.Account;
import dev.drgw.account.AccountRules;
import dev.drgw.account.DirectRoutingConfig;

/**
 * An account as the serving components see it, with the sequence number of the change set that
 * last wrote it ({@code version}).
 */
public record AccountView(
    String name,
    boolean directRoutingEnabled,
    String teamsTenantId,
    DirectRoutingConfig configuration,
    long version) {

  static AccountView of(Account account, long version) {
    return new AccountView(
        account.name(),
        account.directRoutingEnabled(),
        account.teamsTenantId(),
        account.directRouting().configuration(),
        version);
  }

  /** The key of its subdomain label (lower case), or null without a configuration. */
  public String labelKey() {
    return configuration == null ? null : AccountRules.subdomainKey(configuration.subdomain());
  }

  /** True when DNS publishes this account's customer subdomains. */
  public boolean publishesSubdomains() {
    return directRoutingEnabled && configuration != null;
  }
}

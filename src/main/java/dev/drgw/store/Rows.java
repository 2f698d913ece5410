package dev.drgw.store;

import dev.drgw.account.Account;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.domain.Stored;
import dev.drgw.number.NumberEntry;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Column lists and row mappers of the provisioning tables. */
final class Rows {

  static final String ACCOUNT_COLUMNS =
      "name, correlation_id, teams_tenant_id, dr_sync_enabled, dr_enabled, call_screening,"
          + " subdomain, region1_token, region2_token, other_services, version";

  static final String NUMBER_COLUMNS =
      "telephone_number, account_name, dr_enabled, custom_sip_header, other_services, version";

  private Rows() {}

  static Stored<Account> account(ResultSet rs) throws SQLException {
    String subdomain = rs.getString("subdomain");
    DirectRoutingConfig config =
        subdomain == null
            ? null
            : new DirectRoutingConfig(
                rs.getBoolean("call_screening"),
                subdomain,
                rs.getString("region1_token"),
                rs.getString("region2_token"));
    Account account =
        new Account(
            rs.getString("name"),
            rs.getString("correlation_id"),
            rs.getString("teams_tenant_id"),
            new DirectRouting(rs.getBoolean("dr_sync_enabled"), rs.getBoolean("dr_enabled"), config),
            rs.getString("other_services"));
    return new Stored<>(account, rs.getLong("version"));
  }

  static Stored<NumberEntry> number(ResultSet rs) throws SQLException {
    NumberEntry number =
        new NumberEntry(
            rs.getString("telephone_number"),
            rs.getString("account_name"),
            rs.getBoolean("dr_enabled"),
            rs.getString("custom_sip_header"),
            rs.getString("other_services"));
    return new Stored<>(number, rs.getLong("version"));
  }
}

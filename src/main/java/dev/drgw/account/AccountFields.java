package dev.drgw.account;

import dev.drgw.domain.FieldType;
import java.util.Map;

/** The account properties a list may be filtered on, by their API property path. */
public final class AccountFields {

  public static final String NAME = "name";
  public static final String CORRELATION_ID = "correlationId";
  public static final String TENANT_ID = "serviceDetails/teamsTenantId";
  public static final String DR_ENABLED = "serviceDetails/teamsDirectRouting/enabled";
  public static final String DR_SYNC_ENABLED = "serviceDetails/teamsDirectRouting/syncEnabled";
  public static final String SUBDOMAIN =
      "serviceDetails/teamsDirectRouting/configuration/subdomain";
  public static final String CALL_SCREENING =
      "serviceDetails/teamsDirectRouting/configuration/callScreening";

  public static final Map<String, FieldType> ALL =
      Map.of(
          NAME, FieldType.STRING,
          CORRELATION_ID, FieldType.STRING,
          TENANT_ID, FieldType.STRING,
          DR_ENABLED, FieldType.BOOLEAN,
          DR_SYNC_ENABLED, FieldType.BOOLEAN,
          SUBDOMAIN, FieldType.STRING,
          CALL_SCREENING, FieldType.BOOLEAN);

  private AccountFields() {}
}

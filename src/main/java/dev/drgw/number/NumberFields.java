package dev.drgw.number;

import dev.drgw.domain.FieldType;
import java.util.Map;

/** The number properties a list may be filtered on, by their API property path. */
public final class NumberFields {

  public static final String TELEPHONE_NUMBER = "telephoneNumber";
  public static final String ACCOUNT_NAME = "accountName";
  public static final String DR_ENABLED = "serviceDetails/teamsDirectRouting/enabled";
  public static final String CUSTOM_SIP_HEADER = "configuration/customSipHeader";

  public static final Map<String, FieldType> ALL =
      Map.of(
          TELEPHONE_NUMBER, FieldType.STRING,
          ACCOUNT_NAME, FieldType.STRING,
          DR_ENABLED, FieldType.BOOLEAN,
          CUSTOM_SIP_HEADER, FieldType.STRING);

  private NumberFields() {}
}

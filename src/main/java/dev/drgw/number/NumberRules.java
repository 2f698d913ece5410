package dev.drgw.number;

import dev.drgw.account.AccountRules;
import dev.drgw.domain.Rules;
import dev.drgw.domain.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Every validation rule of a number that needs no stored state. Pure. */
public final class NumberRules {

  public static final Pattern CUSTOM_HEADER = Pattern.compile("[A-Za-z0-9_-]+");

  private NumberRules() {}

  public static List<Violation> check(NumberEntry entry) {
    List<Violation> out = new ArrayList<>();
    TelephoneNumber.check(entry.telephoneNumber(), "telephoneNumber").ifPresent(out::add);
    out.addAll(AccountRules.checkName(entry.accountName(), "accountName"));
    if (entry.customSipHeader() != null) {
      Rules.checkToken(
          out,
          "configuration.customSipHeader",
          entry.customSipHeader(),
          100,
          CUSTOM_HEADER,
          "letters, digits, '_' and '-'");
    }
    return out;
  }
}

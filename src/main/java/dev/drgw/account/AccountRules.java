package dev.drgw.account;

import dev.drgw.domain.Rules;
import dev.drgw.domain.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Every validation rule of an account that needs no stored state. Pure. */
public final class AccountRules {

  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
  public static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9=_-]+");
  private static final Pattern GUID =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final String NAME_ALPHABET = "letters, digits, '_' and '-'";
  static final int MAX_CORRELATION_ID = 256;

  private static final String DR = "serviceDetails.teamsDirectRouting";
  private static final String CONFIG = DR + ".configuration";

  private final DeploymentNames names;

  public AccountRules(DeploymentNames names) {
    this.names = names;
  }

  /** The key under which subdomain labels are unique: DNS compares names case-insensitively. */
  public static String subdomainKey(String label) {
    return label.toLowerCase(Locale.ROOT);
  }

  public static List<Violation> checkName(String name, String target) {
    List<Violation> out = new ArrayList<>();
    Rules.checkToken(out, target, name, 100, NAME, NAME_ALPHABET);
    return out;
  }

  public List<Violation> check(Account account) {
    List<Violation> out = new ArrayList<>(checkName(account.name(), "name"));
    String correlationId = account.correlationId();
    if (correlationId != null) {
      if (correlationId.length() > MAX_CORRELATION_ID) {
        out.add(
            new Violation(
                "correlationId",
                "InvalidLength",
                "correlationId must be at most " + MAX_CORRELATION_ID + " characters, got "
                    + correlationId.length()));
      } else if (correlationId.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        out.add(
            new Violation(
                "correlationId",
                "InvalidCharacters",
                "correlationId must not contain control characters"));
      }
    }
    String tenant = account.teamsTenantId();
    if (tenant != null && !GUID.matcher(tenant).matches()) {
      out.add(
          new Violation(
              "serviceDetails.teamsTenantId",
              "InvalidTenantId",
              "serviceDetails.teamsTenantId must be a GUID such as"
                  + " 5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11, got \""
                  + Rules.printable(tenant)
                  + "\""));
    }
    DirectRouting dr = account.directRouting();
    if (dr.enabled() && dr.configuration() == null) {
      out.add(
          new Violation(
              CONFIG,
              "Required",
              CONFIG
                  + " is required when Direct Routing is enabled: give the subdomain label and"
                  + " one token per region"));
    }
    if (dr.configuration() != null) {
      checkConfig(dr.configuration(), out);
    }
    return out;
  }

  private void checkConfig(DirectRoutingConfig config, List<Violation> out) {
    String label = config.subdomain();
    int before = out.size();
    Rules.checkToken(out, CONFIG + ".subdomain", label, 10, NAME, NAME_ALPHABET);
    if (out.size() == before) {
      for (int region : names.regionNumbers()) {
        String full = names.customerSubdomain(label, region);
        if (full.length() > DeploymentNames.MAX_SUBDOMAIN_LENGTH) {
          out.add(
              new Violation(
                  CONFIG + ".subdomain",
                  "SubdomainTooLong",
                  "the customer subdomain "
                      + full
                      + " would be "
                      + full.length()
                      + " characters; Microsoft allows at most "
                      + DeploymentNames.MAX_SUBDOMAIN_LENGTH
                      + ", so the label can be at most "
                      + (label.length() - (full.length() - DeploymentNames.MAX_SUBDOMAIN_LENGTH))
                      + " characters in this deployment"));
          break;
        }
      }
    }
    String tokens = CONFIG + ".subdomainTokens";
    for (int region = 1; region <= 2; region++) {
      String token = config.token(region);
      String target = tokens + ".region" + region + "Token";
      if (token == null && region > names.regions()) {
        continue;
      }
      if (token == null) {
        out.add(
            new Violation(
                target,
                "Required",
                target
                    + " is required: this deployment has "
                    + names.regions()
                    + (names.regions() == 1 ? " region" : " regions")
                    + " and needs one TXT token for each"));
        continue;
      }
      Rules.checkToken(out, target, token, 100, TOKEN, "letters, digits, '=', '_' and '-'");
    }
  }
}

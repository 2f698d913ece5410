package dev.drgw.portal;

import java.util.List;

/**
 * What the customer's Microsoft 365 admin must do, in order, with the real values, and which
 * steps drgw can already see as done.
 *
 * @param subdomains the customer subdomains, region 1 first
 * @param powershell ready-to-paste commands creating the voice route over the subdomains
 */
public record SetupGuide(List<String> subdomains, List<Step> steps, String powershell) {

  /** {@code state}: done, waiting (drgw is working on it), customer (drgw cannot see it). */
  public record Step(String title, String detail, String state) {}

  static SetupGuide of(List<String> subdomains, boolean tokensGiven, boolean provisioned) {
    String list = String.join(", ", subdomains);
    List<Step> steps =
        List.of(
            new Step(
                "Register the subdomains in Microsoft 365",
                "In the Microsoft 365 admin center (Settings, Domains, Add domain) add " + list
                    + " and choose TXT verification. Do not finish the verification yet.",
                tokensGiven ? "done" : "customer"),
            new Step(
                "Give the operator the TXT values",
                "One TXT value per subdomain, copied from the admin center, entered here as the"
                    + " subdomain tokens.",
                tokensGiven ? "done" : "customer"),
            new Step(
                "Wait until drgw shows provisioned",
                "drgw publishes the TXT records; the state below turns provisioned for every region.",
                provisioned ? "done" : tokensGiven ? "waiting" : "customer"),
            new Step(
                "Finish verification",
                "Back in the admin center, verify each subdomain. Only once drgw shows provisioned.",
                "customer"),
            new Step(
                "Activate each subdomain",
                "Assign one licensed user account per subdomain (a user whose sign-in name ends"
                    + " with the subdomain) so that Teams accepts it as a gateway.",
                "customer"),
            new Step(
                "Create the voice route",
                "In Teams PowerShell, route calls over the subdomains (the derived trunks) as shown"
                    + " below.",
                "customer"));
    String powershell =
        "Set-CsOnlinePstnUsage -Identity Global -Usage @{Add=\"drgw\"}\n"
            + "New-CsOnlineVoiceRoute -Identity \"drgw\" -NumberPattern \".*\" -OnlinePstnUsages \"drgw\""
            + " -OnlinePstnGatewayList " + list + "\n"
            + "# or, for an existing route:\n"
            + "Set-CsOnlineVoiceRoute -Identity \"drgw\" -OnlinePstnGatewayList " + list;
    return new SetupGuide(subdomains, steps, powershell);
  }
}

package dev.drgw.portal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Microsoft 365 setup steps and the PowerShell, with the account's real subdomains. */
class SetupGuideTest {

  private static final List<String> SUBDOMAINS =
      List.of("contoso.1r1.gw.example.net", "contoso.1r2.gw.example.net");

  private static List<String> states(SetupGuide guide) {
    return guide.steps().stream().map(SetupGuide.Step::state).toList();
  }

  @Test
  void withoutTokensEverythingIsUpToTheCustomer() {
    SetupGuide guide = SetupGuide.of(SUBDOMAINS, false, false);

    assertThat(states(guide)).containsExactly("customer", "customer", "customer", "customer", "customer", "customer");
  }

  @Test
  void withTokensDrgwIsWorkingOnIt() {
    SetupGuide guide = SetupGuide.of(SUBDOMAINS, true, false);

    assertThat(states(guide)).containsExactly("done", "done", "waiting", "customer", "customer", "customer");
  }

  @Test
  void onceProvisionedTheCustomerFinishes() {
    SetupGuide guide = SetupGuide.of(SUBDOMAINS, true, true);

    assertThat(states(guide)).containsExactly("done", "done", "done", "customer", "customer", "customer");
  }

  @Test
  void theStepsAreInTheOrderTheAdminMustFollow() {
    assertThat(SetupGuide.of(SUBDOMAINS, false, false).steps())
        .extracting(SetupGuide.Step::title)
        .containsExactly(
            "Register the subdomains in Microsoft 365",
            "Give the operator the TXT values",
            "Wait until drgw shows provisioned",
            "Finish verification",
            "Activate each subdomain",
            "Create the voice route");
  }

  @Test
  void theFirstStepNamesEverySubdomain() {
    String detail = SetupGuide.of(SUBDOMAINS, false, false).steps().get(0).detail();

    assertThat(detail).contains("contoso.1r1.gw.example.net, contoso.1r2.gw.example.net");
  }

  @Test
  void powershellRoutesOverEverySubdomainInRegionOrder() {
    String ps = SetupGuide.of(SUBDOMAINS, true, true).powershell();

    String list = "-OnlinePstnGatewayList contoso.1r1.gw.example.net, contoso.1r2.gw.example.net";
    assertThat(ps.lines().filter(l -> l.endsWith(list)))
        .containsExactly(
            "New-CsOnlineVoiceRoute -Identity \"drgw\" -NumberPattern \".*\" -OnlinePstnUsages \"drgw\" " + list,
            "Set-CsOnlineVoiceRoute -Identity \"drgw\" " + list);
    assertThat(ps.lines().findFirst()).contains("Set-CsOnlinePstnUsage -Identity Global -Usage @{Add=\"drgw\"}");
  }

  @Test
  void powershellWithOneRegionHasOneGateway() {
    String ps = SetupGuide.of(List.of("fabrikam.1r1.gw.example.net"), false, false).powershell();

    assertThat(ps).contains("-OnlinePstnGatewayList fabrikam.1r1.gw.example.net\n")
        .doesNotContain("fabrikam.1r1.gw.example.net,");
  }

  @Test
  void theGuideKeepsTheSubdomains() {
    assertThat(SetupGuide.of(SUBDOMAINS, false, false).subdomains()).isEqualTo(SUBDOMAINS);
  }
}

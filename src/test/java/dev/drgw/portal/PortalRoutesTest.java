package dev.drgw.portal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The portal's pure helpers: where to go after sign-in, and API errors beside form fields. */
class PortalRoutesTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "/portal/accounts",
      "/portal/accounts/contoso",
      "/portal/accounts/contoso/numbers?q=%2B44&after=%2B441",
      "/portal/accounts/contoso/numbers/%2B442071230000"})
  void pathsInsideThePortalAreKept(String next) {
    assertThat(PortalRoutes.safeNext(next)).isEqualTo(next);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "//evil.example",
      "///evil.example",
      "https://evil.example/portal/accounts",
      "http://evil.example",
      "javascript:alert(1)",
      "/api/v1/accounts",
      "/health/ready",
      "portal/accounts",
      "/portal",
      "/portalx/accounts",
      "/portal\\..\\api",
      "/\\evil.example",
      "/portal/\\\\evil.example",
      "/portal/accounts\r\nSet-Cookie: x=y",
      "/portal/accounts\n",
      "/portal/accounts\u0000",
      "/portal/accounts\t",
      "/portal/accounts\u007f"})
  void everythingElseGoesToTheAccounts(String next) {
    assertThat(PortalRoutes.safeNext(next)).isEqualTo("/portal/accounts");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/portal/../api/v1/accounts", "/portal/%2e%2e/api/v1/accounts", "/portal/./../health"})
  void dotSegmentsCannotLeaveThePortal(String next) {
    assertThat(PortalRoutes.safeNext(next)).isEqualTo("/portal/accounts");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "none", textBlock = """
      name,                                                                   name
      accountName,                                                            name
      correlationId,                                                          correlationId
      serviceDetails.teamsTenantId,                                           tenantId
      serviceDetails.teamsDirectRouting.configuration.subdomainTokens.region1Token, token1
      serviceDetails.teamsDirectRouting.configuration.subdomainTokens.region2Token, token2
      serviceDetails.teamsDirectRouting.configuration.subdomain,              subdomain
      serviceDetails.teamsDirectRouting.configuration,                        subdomain
      configuration.customSipHeader,                                          customSipHeader
      telephoneNumber,                                                        telephoneNumber
      numbers[3].telephoneNumber,                                             telephoneNumber
      serviceDetails.teamsDirectRouting.enabled,                              directRouting
      serviceDetails.teamsDirectRouting.configuration.callScreening,          none
      numbers,                                                                none
      otherServices,                                                          none
      '',                                                                     none
      """)
  void apiTargetsMapToFormFields(String target, String field) {
    assertThat(PortalRoutes.formField(target)).isEqualTo(field);
  }

  @Test
  void noTargetNoField() {
    assertThat(PortalRoutes.formField(null)).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      serviceDetails.teamsDirectRouting.configuration.subdomain must be at most 10 characters | subdomain must be at most 10 characters
      serviceDetails.teamsDirectRouting.configuration.subdomainTokens.region1Token is required | region1Token is required
      serviceDetails.teamsDirectRouting.configuration.subdomainTokens.region2Token may contain only letters | region2Token may contain only letters
      serviceDetails.teamsTenantId must be a GUID such as 5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11 | teamsTenantId must be a GUID such as 5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11
      numbers[3].configuration.customSipHeader may contain only letters | customSipHeader may contain only letters
      configuration.customSipHeader must be at most 100 characters | customSipHeader must be at most 100 characters
      the customer subdomain contoso.1r2.gw.example.net would be 49 characters | the customer subdomain contoso.1r2.gw.example.net would be 49 characters
      Direct Routing cannot be enabled on +441 because account 'x' does not have Direct Routing enabled | Direct Routing cannot be enabled on +441 because account 'x' does not have Direct Routing enabled
      """)
  void plainDropsTheJsonPathButKeepsTheFieldName(String message, String expected) {
    assertThat(PortalRoutes.plain(message)).isEqualTo(expected);
  }

  @Test
  void plainOnlyStripsALeadingPath() {
    String message = "subdomain must differ from serviceDetails.teamsDirectRouting.configuration.subdomain of x";

    assertThat(PortalRoutes.plain(message)).isEqualTo(message);
  }

  @Test
  void theRequiredConfigurationMessageShownBesideTheSubdomainFieldHasNoJsonPath() {
    // AccountRules' message when Direct Routing is ticked without a subdomain; formField puts it
    // beside the subdomain field, so it should read as plain words there.
    String message = "serviceDetails.teamsDirectRouting.configuration is required when Direct Routing is enabled:"
        + " give the subdomain label and one token per region";

    assertThat(PortalRoutes.plain(message)).doesNotContain("serviceDetails.");
  }
}

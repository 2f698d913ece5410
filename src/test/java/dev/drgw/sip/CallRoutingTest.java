package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.drgw.account.Account;
import dev.drgw.account.DeploymentNames;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.changes.Change;
import dev.drgw.changes.ChangeSet;
import dev.drgw.number.NumberEntry;
import dev.drgw.sip.CallDecision.Cause;
import dev.drgw.sip.CallDecision.Reject;
import dev.drgw.sip.CallDecision.ToOperator;
import dev.drgw.sip.CallDecision.ToTeams;
import dev.drgw.snapshot.RoutingSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The call decisions of sip.md as tables over one routing snapshot. */
class CallRoutingTest {

  static final String BASE = "gw.example.net";
  static final String TENANT = "5f2c3b1e-8a3d-4b53-9a5e-0c3a8f6d2b11";
  static final DeploymentNames NAMES = new DeploymentNames(BASE, 2, "1r%d");
  /** Meters for the tests that start a side by itself (not read by those tests). */
  static final SipMeters METERS_OPERATOR =
      new SipMeters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "operator", 1);
  static final SipMeters METERS_TEAMS =
      new SipMeters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "teams", 1);

  /** A fresh call table for a side started alone (calls it allows find no other side: 503). */
  static Calls calls() {
    return new Calls(java.time.Duration.ofSeconds(2), "X-MS-Operator-Content");
  }
  static final CallRouting.Headers HEADERS =
      new CallRouting.Headers("X-MS-Operator-Content", Optional.of("X-MS-TenantID"));

  /**
   * contoso (screening on): +441273652000 (header "gold"), +441273652001 (no header),
   * +441273652002 (Direct Routing off on the number). fabrikam (screening off): +14255550100
   * (header "fab"). woodgrove: Direct Routing off on the account, +33100000000 on it.
   * noconfig: Direct Routing on but no configuration.
   */
  static final RoutingSnapshot SNAPSHOT = snapshot();

  private static RoutingSnapshot snapshot() {
    List<Change> changes = new ArrayList<>();
    changes.add(new Change.AccountPut(account("contoso", "Contoso", true, true, TENANT)));
    changes.add(new Change.AccountPut(account("fabrikam", "fab", true, false, null)));
    changes.add(new Change.AccountPut(account("woodgrove", "wood", false, true, null)));
    changes.add(new Change.AccountPut(new Account("noconfig", null, null, new DirectRouting(true, true, null), null)));
    changes.add(new Change.NumberPut(new NumberEntry("+441273652000", "contoso", true, "gold", null)));
    changes.add(new Change.NumberPut(new NumberEntry("+441273652001", "contoso", true, null, null)));
    changes.add(new Change.NumberPut(new NumberEntry("+441273652002", "contoso", false, "off", null)));
    changes.add(new Change.NumberPut(new NumberEntry("+14255550100", "fabrikam", true, "fab", null)));
    changes.add(new Change.NumberPut(new NumberEntry("+33100000000", "woodgrove", true, "wg", null)));
    changes.add(new Change.NumberPut(new NumberEntry("+33100000001", "noconfig", true, null, null)));
    RoutingSnapshot s = RoutingSnapshot.empty();
    long seq = 1;
    for (Change c : changes) {
      s = s.apply(List.of(new ChangeSet(seq++, Instant.EPOCH, c.accountName(), "test", null, List.of(c))));
    }
    return s;
  }

  private static Account account(String name, String label, boolean enabled, boolean screening, String tenant) {
    return new Account(name, null, tenant,
        new DirectRouting(true, enabled, new DirectRoutingConfig(screening, label, "t1", "t2")), null);
  }

  private final CallRouting region1 = new CallRouting(NAMES, 1, HEADERS);

  @ParameterizedTest(name = "{0} from {1}/{2} -> {3} {4}")
  @CsvSource(nullValues = "none", textBlock = """
      # R-URI host,                 P-Asserted-Identity,                           From,                                        status, cause
      contoso.1r1.gw.example.net,   <sip:+441273652000@sip.pstnhub.microsoft.com>, none,                                        200,    none
      contoso.1r2.gw.example.net,   none,                                          sip:+441273652001@sip.pstnhub.microsoft.com, 200,    none
      CONTOSO.1R1.GW.EXAMPLE.NET.,  tel:+441273652000,                             none,                                        200,    none
      contoso.1r1.gw.example.net,   sip:+441273652000@x;user=phone,                sip:+999@x,                                  200,    none
      contoso.1r1.gw.example.net,   sip:+14255550100@x,                            none,                                        403,    CALLING_NUMBER_OTHER_ACCOUNT
      contoso.1r1.gw.example.net,   sip:+441273659999@x,                           none,                                        403,    CALLING_NUMBER_UNKNOWN
      contoso.1r1.gw.example.net,   sip:+441273652002@x,                           none,                                        403,    CALLING_NUMBER_DIRECT_ROUTING_OFF
      contoso.1r1.gw.example.net,   sip:anonymous@anonymous.invalid,               none,                                        403,    CALLING_NUMBER_INVALID
      contoso.1r1.gw.example.net,   none,                                          sip:alice@example.com,                       403,    CALLING_NUMBER_INVALID
      contoso.1r1.gw.example.net,   none,                                          sip:+441273652000@x,                         200,    none
      fab.1r1.gw.example.net,       sip:+441273659999@x,                           none,                                        200,    none
      fab.1r1.gw.example.net,       sip:anonymous@anonymous.invalid,               none,                                        200,    none
      wood.1r1.gw.example.net,      sip:+33100000000@x,                            none,                                        403,    ACCOUNT_DIRECT_ROUTING_OFF
      nobody.1r1.gw.example.net,    sip:+441273652000@x,                           none,                                        404,    UNKNOWN_SUBDOMAIN
      contoso.1r3.gw.example.net,   sip:+441273652000@x,                           none,                                        404,    NOT_OUR_DOMAIN
      contoso.gw.example.net,       sip:+441273652000@x,                           none,                                        404,    NOT_OUR_DOMAIN
      1r1.gw.example.net,           sip:+441273652000@x,                           none,                                        404,    NOT_OUR_DOMAIN
      a.contoso.1r1.gw.example.net, sip:+441273652000@x,                           none,                                        404,    NOT_OUR_DOMAIN
      contoso.1r1.gw.example.org,   sip:+441273652000@x,                           none,                                        404,    NOT_OUR_DOMAIN
      192.0.2.1,                    sip:+441273652000@x,                           none,                                        404,    NOT_OUR_DOMAIN
      none,                         sip:+441273652000@x,                           none,                                        404,    NOT_OUR_DOMAIN
      """)
  void callsFromTeams(String host, String pai, String from, int status, Cause cause) {
    CallDecision d = region1.fromTeams(SNAPSHOT, host, pai, from);

    if (status == 200) {
      assertThat(d).isInstanceOf(ToOperator.class);
    } else {
      assertThat(d).isInstanceOfSatisfying(Reject.class, r -> {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.cause()).isEqualTo(cause);
        assertThat(r.reason()).isNotBlank().doesNotContain("\r").doesNotContain("\n");
      });
    }
  }

  @Test
  void anAllowedCallCarriesTheCallingNumbersHeaderAndTheTenant() {
    CallDecision d = region1.fromTeams(SNAPSHOT, "contoso.1r1.gw.example.net", "sip:+441273652000@x", "sip:+1@x");

    assertThat(d).isEqualTo(new ToOperator("contoso", "+441273652000",
        Map.of("X-MS-Operator-Content", "gold", "X-MS-TenantID", TENANT)));
  }

  @Test
  void aNumberWithoutAHeaderValueAddsNoCustomHeader() {
    CallDecision d = region1.fromTeams(SNAPSHOT, "contoso.1r1.gw.example.net", null, "sip:+441273652001@x");

    assertThat(d).isEqualTo(new ToOperator("contoso", "+441273652001", Map.of("X-MS-TenantID", TENANT)));
  }

  @Test
  void withScreeningOffAnotherCustomersHeaderValueNeverLeaks() {
    CallDecision d = region1.fromTeams(SNAPSHOT, "fab.1r1.gw.example.net", "sip:+441273652000@x", null);

    assertThat(d).isEqualTo(new ToOperator("fabrikam", "+441273652000", Map.of()));
  }

  @Test
  void withScreeningOffACallerWithoutANumberStillGoesThrough() {
    CallDecision d = region1.fromTeams(SNAPSHOT, "fab.1r1.gw.example.net", "sip:anonymous@anonymous.invalid", null);

    assertThat(d).isEqualTo(new ToOperator("fabrikam", null, Map.of()));
  }

  @Test
  void withoutATenantHeaderConfiguredOnlyTheCustomHeaderIsAdded() {
    CallRouting plain = new CallRouting(NAMES, 1, new CallRouting.Headers("X-Custom", Optional.empty()));

    CallDecision d = plain.fromTeams(SNAPSHOT, "contoso.1r1.gw.example.net", "sip:+441273652000@x", null);

    assertThat(d).isEqualTo(new ToOperator("contoso", "+441273652000", Map.of("X-Custom", "gold")));
  }

  @Test
  void theAccountWithDirectRoutingOnButNoConfigurationHasNoSubdomainToCallFrom() {
    // It publishes nothing in DNS, so no label can name it; its numbers cannot be called either.
    assertThat(region1.fromOperator(SNAPSHOT, "sip:+33100000001@drgw")).isInstanceOfSatisfying(Reject.class,
        r -> assertThat(r.status()).isEqualTo(404));
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(nullValues = "none", textBlock = """
      # Request-URI,                                 status, cause,                            subdomain
      sip:+441273652000@drgw.operator.example,       200,    none,                             contoso.1r1.gw.example.net
      sip:441273652001@10.0.0.1;user=phone,          200,    none,                             contoso.1r1.gw.example.net
      sip:00441273652000@10.0.0.1,                   200,    none,                             contoso.1r1.gw.example.net
      tel:+44-1273-652000,                           200,    none,                             contoso.1r1.gw.example.net
      <sip:+14255550100@10.0.0.1:5060;transport=tcp>, 200,   none,                             fab.1r1.gw.example.net
      sip:+441273652002@10.0.0.1,                    404,    CALLED_NUMBER_DIRECT_ROUTING_OFF, none
      sip:+33100000000@10.0.0.1,                     404,    CALLED_NUMBER_DIRECT_ROUTING_OFF, none
      sip:+441273659999@10.0.0.1,                    404,    CALLED_NUMBER_UNKNOWN,            none
      sip:alice@10.0.0.1,                            404,    CALLED_NUMBER_INVALID,            none
      sip:10.0.0.1,                                  404,    CALLED_NUMBER_INVALID,            none
      sip:+0441273652000@10.0.0.1,                   404,    CALLED_NUMBER_INVALID,            none
      sip:+4412736520001234567@10.0.0.1,             404,    CALLED_NUMBER_INVALID,            none
      mailto:+441273652000@example.com,              404,    CALLED_NUMBER_INVALID,            none
      none,                                          404,    CALLED_NUMBER_INVALID,            none
      """)
  void callsFromTheOperatorNetwork(String uri, int status, Cause cause, String subdomain) {
    CallDecision d = region1.fromOperator(SNAPSHOT, uri);

    if (status == 200) {
      assertThat(d).isInstanceOfSatisfying(ToTeams.class, t -> assertThat(t.customerSubdomain()).isEqualTo(subdomain));
    } else {
      assertThat(d).isInstanceOfSatisfying(Reject.class, r -> {
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.cause()).isEqualTo(cause);
      });
    }
  }

  @Test
  void aCallToTeamsCarriesTheCustomerSubdomainOfThisNodesRegionInLowerCase() {
    CallRouting region2 = new CallRouting(NAMES, 2, HEADERS);

    assertThat(region2.fromOperator(SNAPSHOT, "sip:+441273652000@10.0.0.1"))
        .isEqualTo(new ToTeams("contoso", "+441273652000", "contoso.1r2.gw.example.net", "gold"));
  }

  @Test
  void aMovedNumberRoutesToItsNewAccountAtOnce() {
    RoutingSnapshot moved = SNAPSHOT.apply(List.of(new ChangeSet(SNAPSHOT.appliedSeq() + 1, Instant.EPOCH, "fabrikam", "test", null,
        List.of(new Change.NumberPut(new NumberEntry("+441273652000", "fabrikam", true, "moved", null))))));

    assertThat(region1.fromOperator(moved, "sip:+441273652000@x"))
        .isEqualTo(new ToTeams("fabrikam", "+441273652000", "fab.1r1.gw.example.net", "moved"));
    assertThat(region1.fromTeams(moved, "contoso.1r1.gw.example.net", "sip:+441273652000@x", null))
        .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.cause()).isEqualTo(Cause.CALLING_NUMBER_OTHER_ACCOUNT));
  }

  @Test
  void aRegionOutsideTheDeploymentIsRefusedAtConstruction() {
    assertThatThrownBy(() -> new CallRouting(new DeploymentNames(BASE, 1, "1r%d"), 2, HEADERS))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

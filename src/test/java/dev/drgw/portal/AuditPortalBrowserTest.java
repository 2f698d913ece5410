package dev.drgw.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.testing.Browser;
import dev.drgw.testing.TestServer;
import dev.drgw.users.UserRole;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The audit trail page in a real headless Chromium: changes made through the portal appear
 * newest first with the portal user as actor and the browser's address as source, filtered by
 * account, paged, escaped; a read-only user sees it too.
 */
class AuditPortalBrowserTest {

  static final String PASSWORD = "correct horse battery";
  static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  static final Set<String> LOOPBACK = Set.of("127.0.0.1", "0:0:0:0:0:0:0:1", "::1");

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start()
        .withPortalUser("olivia", UserRole.ADMIN, PASSWORD)
        .withPortalUser("victor", UserRole.READ, PASSWORD);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Browser signedIn(String user) {
    Browser b = Browser.open(server.baseUrl(), false);
    b.go("/portal");
    b.type("username", user).type("password", PASSWORD).press("Sign in");
    assertThat(b.path()).isEqualTo("/portal/accounts");
    return b;
  }

  /** Each row's "who from action what". */
  static List<String> rows(Browser b) {
    return b.all("table.audit tbody tr").stream()
        .map(tr -> cells(tr).get(1) + " " + cells(tr).get(5) + " " + cells(tr).get(3))
        .toList();
  }

  static List<String> cells(WebElement row) {
    return row.findElements(By.cssSelector("td, th")).stream().map(WebElement::getText).toList();
  }

  @Test
  void changesMadeInThePortalAppearWithTheUserAndTheirAddress() {
    Instant start = Instant.now().minusSeconds(1);
    try (Browser b = signedIn("olivia")) {
      b.press("Create account");
      b.type("name", "contoso").type("correlationId", "<b>crm</b>").type("tenantId", TENANT)
          .type("subdomain", "contoso").type("token1", "tok-one").type("token2", "tok-two");
      b.press("Create account");
      assertThat(b.path()).isEqualTo("/portal/accounts/contoso");
      b.press("Edit account");
      b.type("correlationId", "crm-2").press("Save account");
      assertThat(b.path()).isEqualTo("/portal/accounts/contoso");

      // From the account page to its audit entries.
      b.find(".toolbar a[href='/portal/audit?account=contoso']").click();
      await().atMost(Duration.ofSeconds(10)).until(() -> b.path().startsWith("/portal/audit"));
      assertThat(b.title()).isEqualTo("Audit trail of contoso · drgw portal");
      b.screenshot("audit-01-account");
      assertThat(rows(b)).containsExactly(
          "portal:olivia updated account contoso", "portal:olivia created account contoso");
      List<String> updated = cells(b.all("table.audit tbody tr").get(0));
      assertThat(LOOPBACK).contains(updated.get(2));
      Instant when = Instant.parse(b.find("table.audit tbody tr time").getDomAttribute("datetime"));
      assertThat(when).isBetween(start, Instant.now());
      assertThat(updated.get(6)).contains("\"correlationId\":\"<b>crm</b>\"");
      assertThat(updated.get(7)).contains("\"correlationId\":\"crm-2\"");
      // What the user typed is shown as text, never as markup.
      assertThat(b.all("table.audit b")).isEmpty();
      assertThat(b.pageSource()).contains("&lt;b&gt;crm&lt;/b&gt;");
    }
  }

  @Test
  void theTrailIsFilteredByAccountAndPagedNewestFirst() {
    try (Browser b = signedIn("olivia")) {
      b.press("Create account");
      b.type("name", "fabrikam").type("tenantId", TENANT)
          .type("subdomain", "fabrikam").type("token1", "tok-one").type("token2", "tok-two");
      b.press("Create account");
      b.go("/portal/accounts/fabrikam/numbers/new");
      b.type("numbers", "+14255550100-+14255550159").press("Create numbers");
      assertThat(b.text(".notice")).isEqualTo("60 numbers saved.");

      b.press("Audit trail");
      assertThat(b.path()).isEqualTo("/portal/audit");
      b.type("account", "fabrikam").press("Filter");
      assertThat(rows(b)).hasSize(50).allSatisfy(r -> assertThat(r).startsWith("portal:olivia created number +1425555"));
      assertThat(rows(b).get(0)).endsWith("+14255550159");
      b.press("Older changes");
      assertThat(rows(b)).hasSize(11).endsWith("portal:olivia created account fabrikam");
      assertThat(rows(b).get(0)).endsWith("+14255550109");
      assertThat(b.has("a[rel=next]")).isFalse();
      b.press("Newest changes");
      assertThat(rows(b)).hasSize(50);

      // An account without changes, and a name that cannot be one.
      b.type("account", "nobody").press("Filter");
      assertThat(b.text(".empty")).isEqualTo("No changes recorded for “nobody”.");
      b.type("account", "no such name!").press("Filter");
      assertThat(b.text("#account-error")).isNotBlank();
      assertThat(b.value("account")).isEqualTo("no such name!");
      assertThat(b.has("table.audit")).isFalse();
    }
  }

  @Test
  void aReadOnlyUserSeesTheTrail() {
    try (Browser b = signedIn("victor")) {
      b.press("Audit trail");
      assertThat(b.path()).isEqualTo("/portal/audit");
      assertThat(b.title()).isEqualTo("Audit trail · drgw portal");
    }
  }
}

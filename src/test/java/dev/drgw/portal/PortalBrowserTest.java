package dev.drgw.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.testing.Browser;
import dev.drgw.testing.TestServer;
import dev.drgw.users.UserRole;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The portal in a real headless Chromium, driving the real server: the newcomer's whole flow,
 * validation errors, roles, forged posts, the keyboard, and JavaScript switched off.
 */
class PortalBrowserTest {

  /** 34 characters: a 10-character label makes a 49-character customer subdomain in region 2. */
  static final String BASE = "drgw-portal-test.telco.example.net";
  static final String PASSWORD = "correct horse battery";
  static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

  static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("DRGW_BASE_DOMAIN", BASE))
        .withPortalUser("olivia", UserRole.ADMIN, PASSWORD)
        .withPortalUser("victor", UserRole.READ, PASSWORD)
        .withPortalUser("wendy", UserRole.WRITE, PASSWORD);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Browser signedIn(String user, boolean javaScript) {
    Browser b = Browser.open(server.baseUrl(), javaScript);
    b.go("/portal");
    assertThat(b.path()).startsWith("/portal/login");
    b.type("username", user).type("password", PASSWORD).press("Sign in");
    assertThat(b.path()).isEqualTo("/portal/accounts");
    return b;
  }

  @Test
  void newcomerProvisionsACustomerEndToEnd() throws Exception {
    try (Browser b = Browser.open(server.baseUrl(), true)) {
      // Sign in; a wrong password first.
      b.go("/portal/accounts");
      assertThat(b.title()).isEqualTo("Sign in · drgw portal");
      b.screenshot("01-sign-in");
      b.type("username", "olivia").type("password", "wrong password!").press("Sign in");
      assertThat(b.text(".error")).isEqualTo("Wrong username or password.");
      assertThat(b.value("username")).isEqualTo("olivia");
      b.type("password", PASSWORD).press("Sign in");
      assertThat(b.path()).isEqualTo("/portal/accounts");
      assertThat(b.title()).isEqualTo("Accounts · drgw portal");

      // Create account: an 11-character label is refused beside its field, everything kept.
      b.press("Create account");
      assertThat(b.title()).isEqualTo("Create account · drgw portal");
      b.type("name", "contoso").type("correlationId", "crm-4711").type("tenantId", TENANT)
          .type("subdomain", "contosoltd1").type("token1", "tok-one").type("token2", "tok-two");
      b.press("Create account");
      assertThat(b.path()).isEqualTo("/portal/accounts");
      assertThat(b.text("#subdomain-error")).contains("1 to 10 characters");
      assertThat(b.find("#subdomain").getDomAttribute("aria-invalid")).isEqualTo("true");
      assertThat(List.of(b.value("name"), b.value("correlationId"), b.value("tenantId"), b.value("subdomain"),
          b.value("token1"), b.value("token2")))
          .containsExactly("contoso", "crm-4711", TENANT, "contosoltd1", "tok-one", "tok-two");
      b.screenshot("02-create-account-label-too-long");

      // A 10-character label: the live preview warns of the 49-character subdomain before
      // submit, and the server refuses it too.
      b.type("subdomain", "contosoltd");
      await().atMost(Duration.ofSeconds(5)).until(() -> b.find("#subdomain-length").isDisplayed());
      assertThat(b.text("#subdomain-length")).contains("longer than 48 characters");
      assertThat(b.text("#subdomain-preview ul"))
          .contains("contosoltd.1r1." + BASE + " 49 characters")
          .contains("contosoltd.1r2." + BASE + " 49 characters");
      b.screenshot("03-create-account-live-preview-too-long");
      b.press("Create account");
      assertThat(b.text("#subdomain-error")).contains("49 characters").contains("48");
      assertThat(b.value("subdomain")).isEqualTo("contosoltd");
      assertThat(b.value("token2")).isEqualTo("tok-two");

      // A good label: the preview follows the typing.
      b.type("subdomain", "contoso");
      await().atMost(Duration.ofSeconds(5)).until(() -> !b.find("#subdomain-length").isDisplayed());
      assertThat(b.text("#subdomain-preview ul")).contains("contoso.1r1." + BASE).contains("contoso.1r2." + BASE);
      b.press("Create account");
      assertThat(b.path()).isEqualTo("/portal/accounts/contoso");
      assertThat(b.text(".notice")).isEqualTo("Account created.");

      // Account page: subdomains per region, their state, and the setup guide.
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
        b.go("/portal/accounts/contoso");
        return b.all("[data-region]").stream().allMatch(e -> e.getText().equals("provisioned"));
      });
      assertThat(b.title()).isEqualTo("Account contoso · drgw portal");
      assertThat(b.text("#regions + table")).contains("contoso.1r1." + BASE).contains("contoso.1r2." + BASE)
          .contains("tok-one").contains("tok-two");
      assertThat(b.all("[data-region]")).hasSize(2);
      assertThat(b.text("#powershell")).contains(
          "Set-CsOnlineVoiceRoute -Identity \"drgw\" -OnlinePstnGatewayList contoso.1r1." + BASE + ", contoso.1r2." + BASE);
      List<String> steps = b.all(".steps li").stream().map(e -> e.getDomAttribute("class")).toList();
      assertThat(steps).containsExactly("step done", "step done", "step done", "step customer", "step customer",
          "step customer");
      b.screenshot("04-account-with-setup-guide");

      // Create numbers: a wrong line is shown and the text kept; then a list and a range.
      b.press("Numbers (0)");
      assertThat(b.title()).isEqualTo("Numbers of contoso · drgw portal");
      b.press("Create numbers");
      String typed = "+14255550100\n+14255550101-+14255550105\n12345";
      b.type("numbers", typed).press("Create numbers");
      assertThat(b.text("#numbers-error")).contains("line 3 (12345)");
      assertThat(b.value("numbers")).isEqualTo(typed);
      b.screenshot("05-create-numbers-error");
      b.type("numbers", "+14255550100\n+14255550101-+14255550105").press("Create numbers");
      assertThat(b.text(".notice")).isEqualTo("6 numbers saved.");
      assertThat(numbersListed(b)).containsExactly("+14255550100", "+14255550101", "+14255550102", "+14255550103",
          "+14255550104", "+14255550105");

      // CSV upload with bad rows: a per-row report, the good rows saved.
      Path csv = Files.createTempFile(Path.of("target"), "numbers-", ".csv");
      StringBuilder rows = new StringBuilder(String.join(",", CsvImport.COLUMNS)).append('\n');
      for (int i = 0; i < 20; i++) {
        rows.append("+1425555020").append(i < 10 ? "" : "").append(String.format("%02d", i)).append(",contoso,true,\n");
      }
      rows.append("not-a-number,contoso,true,\n");
      rows.append("+14255550300,fabrikam,true,\n");
      rows.append("+14255550301,contoso,maybe,\n");
      Files.writeString(csv, rows.toString());
      b.press("Upload CSV");
      b.find("#file").sendKeys(csv.toAbsolutePath().toString());
      b.press("Upload");
      assertThat(b.title()).isEqualTo("Upload report · drgw portal");
      assertThat(b.text("#applied")).isEqualTo("20");
      assertThat(b.text("#rows")).isEqualTo("23");
      assertThat(b.text("#rejected")).isEqualTo("3");
      List<String> reported = b.all("#row-errors tbody tr").stream().map(WebElement::getText).toList();
      assertThat(reported).hasSize(3);
      assertThat(reported.get(0)).startsWith("22 not-a-number");
      assertThat(reported.get(1)).startsWith("23 +14255550300").contains("fabrikam");
      assertThat(reported.get(2)).startsWith("24 +14255550301").contains("true or false");
      b.screenshot("06-upload-report");

      // Manage a number: a bad custom header is refused beside the field, then a good one saved.
      b.press("Back to the numbers");
      b.click("a[href$='/numbers/%2B14255550102']");
      assertThat(b.title()).isEqualTo("Number +14255550102 · drgw portal");
      b.type("customSipHeader", "bad value;x").press("Save number");
      assertThat(b.has("#customSipHeader-error")).isTrue();
      assertThat(b.value("customSipHeader")).isEqualTo("bad value;x");
      b.type("customSipHeader", "tenant-a").press("Save number");
      assertThat(b.text(".notice")).isEqualTo("Number saved.");
      assertThat(b.value("customSipHeader")).isEqualTo("tenant-a");
      b.screenshot("07-manage-number");

      // Delete two numbers: select, confirm.
      b.go("/portal/accounts/contoso/numbers");
      b.click("#n14255550100").click("#n14255550101").press("Delete selected numbers");
      assertThat(b.title()).isEqualTo("Delete numbers · drgw portal");
      assertThat(b.text("#delete-list")).contains("+14255550100").contains("+14255550101");
      b.screenshot("08-delete-numbers-confirm");
      b.press("Delete numbers");
      assertThat(b.text(".notice")).isEqualTo("2 numbers deleted.");
      assertThat(numbersListed(b)).doesNotContain("+14255550100", "+14255550101").hasSize(24);
      b.screenshot("09-numbers");

      // Delete the account: refused while numbers exist, unless they go too.
      b.go("/portal/accounts/contoso").press("Delete account");
      assertThat(b.text("h1")).isEqualTo("Delete account contoso?");
      b.press("Delete account");
      assertThat(b.text(".error")).contains("still has 24 numbers");
      assertThat(server.wiring()).isNotNull();
      b.click("#deleteNumbers").press("Delete account");
      assertThat(b.path()).isEqualTo("/portal/accounts");
      assertThat(b.text(".notice")).isEqualTo("Account contoso deleted.");
      assertThat(b.text("main")).doesNotContain("contoso.1r1");
      b.go("/portal/accounts/contoso");
      assertThat(b.text(".error")).contains("contoso");

      // Sign out ends the session.
      b.go("/portal/accounts").press("Sign out");
      assertThat(b.path()).isEqualTo("/portal/login");
      b.go("/portal/accounts");
      assertThat(b.path()).startsWith("/portal/login");
    }
  }

  private static List<String> numbersListed(Browser b) {
    return b.all("tbody th a").stream().map(WebElement::getText).toList();
  }

  @Test
  void readOnlyUserSeesNoWriteControlsAndForgedPostsAreRefused() throws Exception {
    try (Browser admin = signedIn("olivia", true)) {
      admin.press("Create account").type("name", "readme").type("tenantId", TENANT).type("subdomain", "readme")
          .type("token1", "t1").type("token2", "t2").press("Create account");
      admin.go("/portal/accounts/readme/numbers/new").type("numbers", "+14255551000").press("Create numbers");
    }
    try (Browser b = signedIn("victor", true)) {
      assertThat(b.text(".who")).contains("victor").contains("read");
      assertThat(b.has("a[href='/portal/accounts/new']")).isFalse();
      b.go("/portal/accounts/readme");
      assertThat(b.text(".toolbar")).doesNotContain("Edit account").doesNotContain("Delete account");
      b.screenshot("10-read-only-account");
      b.go("/portal/accounts/readme/numbers");
      assertThat(b.text(".toolbar")).doesNotContain("Create numbers").doesNotContain("Upload CSV");
      assertThat(b.has("input[type=checkbox][name=number]")).isFalse();
      assertThat(b.has("button.danger")).isFalse();
      b.go("/portal/accounts/readme/numbers/%2B14255551000");
      assertThat(b.has("form.form")).isFalse();
      assertThat(b.text("main")).contains("Teams Direct Routing");
      // The write page itself is refused.
      b.go("/portal/accounts/new");
      assertThat(b.text(".error")).contains("Your role (read) cannot do this.");

      // A forged POST with the read-only user's own session and CSRF token is refused.
      String cookie = "drgw_portal=" + b.cookie("drgw_portal");
      String csrf = b.find("input[name=_csrf]").getDomAttribute("value");
      HttpResponse<String> forged = post("/portal/accounts/readme/delete", cookie,
          "_csrf=" + csrf + "&deleteNumbers=on");
      assertThat(forged.statusCode()).isEqualTo(403);
      assertThat(forged.body()).contains("cannot do this");
      HttpResponse<String> create = post("/portal/accounts", cookie,
          "_csrf=" + csrf + "&name=forged&subdomain=forged&token1=a&token2=b");
      assertThat(create.statusCode()).isEqualTo(403);
    }
    try (Browser writer = signedIn("wendy", true)) {
      // write but not delete: no delete controls, and a delete without the role is refused.
      writer.go("/portal/accounts/readme");
      assertThat(writer.text(".toolbar")).contains("Edit account").doesNotContain("Delete account");
      String cookie = "drgw_portal=" + writer.cookie("drgw_portal");
      String csrf = writer.find("input[name=_csrf]").getDomAttribute("value");
      assertThat(post("/portal/accounts/readme/numbers/delete/confirm", cookie,
          "_csrf=" + csrf + "&number=%2B14255551000").statusCode()).isEqualTo(403);
      // With the right role but without the CSRF token, or with another session's: refused.
      try (Browser admin = signedIn("olivia", true)) {
        String adminCookie = "drgw_portal=" + admin.cookie("drgw_portal");
        assertThat(post("/portal/accounts/readme/delete", adminCookie, "deleteNumbers=on").statusCode())
            .isEqualTo(403);
        assertThat(post("/portal/accounts/readme/delete", adminCookie, "_csrf=" + csrf + "&deleteNumbers=on")
            .statusCode()).isEqualTo(403);
        admin.go("/portal/accounts/readme");
        assertThat(admin.text("h1")).isEqualTo("readme");
      }
    }
  }

  private static HttpResponse<String> post(String path, String cookie, String form) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .header("Cookie", cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void createAccountFormWorksFromTheKeyboardAlone() {
    try (Browser b = signedIn("olivia", true)) {
      b.go("/portal/accounts/new");
      // From the top of the page, Tab walks the form in reading order.
      b.find("body").click();
      List<String> order = new ArrayList<>();
      for (int i = 0; i < 30 && order.size() < 20; i++) {
        WebElement active = b.driver().switchTo().activeElement();
        active.sendKeys(Keys.TAB);
        WebElement now = b.driver().switchTo().activeElement();
        String id = now.getDomAttribute("id");
        order.add(id != null ? id : now.getTagName() + ":" + now.getText());
        if ("Create account".equals(now.getText())) {
          break;
        }
      }
      assertThat(order).containsSubsequence("name", "correlationId", "directRouting", "tenantId", "callScreening",
          "subdomain", "token1", "token2", "button:Create account");
      // Fill it by keyboard only: focus moves with Tab, checkboxes toggle with Space, Enter submits.
      b.find("#name").click();
      WebElement name = b.driver().switchTo().activeElement();
      name.sendKeys("keyboard", Keys.TAB, "crm-kb", Keys.TAB, Keys.TAB, TENANT, Keys.TAB, Keys.SPACE, Keys.TAB,
          "kbd", Keys.TAB, "k1", Keys.TAB, "k2", Keys.ENTER);
      assertThat(b.path()).isEqualTo("/portal/accounts/keyboard");
      assertThat(b.text(".details")).contains(TENANT).contains("crm-kb");
      assertThat(b.text(".details")).contains("Call screening\nDisabled");
    }
  }

  @Test
  void everyInputOnEveryPageHasALabel() {
    try (Browser b = signedIn("olivia", true)) {
      b.go("/portal/accounts/new").type("name", "labels").type("tenantId", TENANT).type("subdomain", "labels")
          .type("token1", "a").type("token2", "b").press("Create account");
      b.go("/portal/accounts/labels/numbers/new").type("numbers", "+14255552000").press("Create numbers");
      List<String> pages = List.of("/portal/accounts", "/portal/accounts/new", "/portal/accounts/labels",
          "/portal/accounts/labels/edit", "/portal/accounts/labels/delete", "/portal/accounts/labels/numbers",
          "/portal/accounts/labels/numbers/new", "/portal/accounts/labels/numbers/upload",
          "/portal/accounts/labels/numbers/%2B14255552000");
      for (String page : pages) {
        b.go(page);
        assertThat(b.title()).as(page).endsWith(" · drgw portal").isNotEqualTo(" · drgw portal");
        assertThat(b.all("h1")).as(page).hasSize(1);
        for (WebElement input : b.all("input:not([type=hidden]), textarea, select")) {
          String id = input.getDomAttribute("id");
          boolean labelled = input.getDomAttribute("aria-label") != null
              || (id != null && !b.driver().findElements(By.cssSelector("label[for='" + id + "']")).isEmpty());
          assertThat(labelled).as(page + ": " + input.getDomAttribute("name")).isTrue();
        }
      }
      b.press("Sign out");
      assertThat(b.all("input:not([type=hidden])")).allMatch(
          i -> !b.driver().findElements(By.cssSelector("label[for='" + i.getDomAttribute("id") + "']")).isEmpty());
    }
  }

  @Test
  void everyCoreFlowWorksWithJavaScriptOff() {
    try (Browser b = signedIn("olivia", false)) {
      b.press("Create account").type("name", "nojs").type("tenantId", TENANT).type("subdomain", "nojs1234567")
          .type("token1", "a").type("token2", "b").press("Create account");
      assertThat(b.text("#subdomain-error")).contains("1 to 10 characters");
      // Without JavaScript the preview still shows what the server computed from the typed label.
      assertThat(b.text("#subdomain-preview ul")).contains("nojs1234567.1r1." + BASE);
      b.type("subdomain", "nojs").press("Create account");
      assertThat(b.path()).isEqualTo("/portal/accounts/nojs");
      b.press("Edit account").type("correlationId", "edited").press("Save account");
      assertThat(b.text(".notice")).isEqualTo("Account saved.");
      assertThat(b.text(".details")).contains("edited");
      b.go("/portal/accounts/nojs/numbers/new").type("numbers", "+14255553000-+14255553002").press("Create numbers");
      assertThat(b.text(".notice")).isEqualTo("3 numbers saved.");
      b.click("#n14255553000").press("Delete selected numbers").press("Delete number");
      assertThat(b.text(".notice")).isEqualTo("1 number deleted.");
      b.go("/portal/accounts?q=noj");
      assertThat(b.text("tbody")).contains("nojs");
      b.go("/portal/accounts?q=" + URLEncoder.encode("zz-none", StandardCharsets.UTF_8));
      assertThat(b.text(".empty")).contains("zz-none");
    }
  }
}

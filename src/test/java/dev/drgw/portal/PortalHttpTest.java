package dev.drgw.portal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.auth.Role;
import dev.drgw.testing.ApiClient;
import dev.drgw.testing.PortalClient;
import dev.drgw.testing.PortalClient.FilePart;
import dev.drgw.testing.PortalClient.Response;
import dev.drgw.testing.TestServer;
import dev.drgw.users.UserRole;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The portal over plain HTTP, the way an attacker or a careless script speaks to it: session
 * cookie and CSRF rules, security headers, sign-in throttling and redirects, escaping of hostile
 * input, hostile CSV uploads, oversized forms, error pages, lost updates and roles.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PortalHttpTest {

  private static final String PASSWORD = "correct horse battery";
  private static final String CSV_HEADER =
      "telephoneNumber,accountName,serviceDetails_teamsDirectRouting_enabled,configuration_customSipHeader";
  private static final String NO_SUCH_PAGE = "There is no such page.";
  private static final Pattern REPORT_ROW =
      Pattern.compile("<tr><td>(\\d+)</td><td>([^<]*)</td><td>([^<]*)</td></tr>");

  private final AtomicInteger sequence = new AtomicInteger();
  private TestServer server;
  private ApiClient api;

  @BeforeAll
  void start() {
    server = TestServer.start(Map.of())
        .withPortalUser("olivia", UserRole.ADMIN, PASSWORD)
        .withPortalUser("wendy", UserRole.WRITE, PASSWORD)
        .withPortalUser("victor", UserRole.READ, PASSWORD)
        .withPortalUser("percy", UserRole.READ, PASSWORD)
        .withPortalUser("tara", UserRole.WRITE, PASSWORD)
        .withPortalUser("uma", UserRole.WRITE, PASSWORD);
    api = server.client(Role.ADMIN);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  // ---- 1. the session cookie ----------------------------------------------------------------

  @Test
  void sessionCookieIsHttpOnlyStrictAndLimitedToThePortal() {
    PortalClient c = client();
    Response form = c.get("/portal/login");
    Response signIn = c.post("/portal/login", credentials("olivia", PASSWORD));

    for (Response r : List.of(form, signIn)) {
      String cookie = r.sessionCookie().orElseThrow(() -> new AssertionError("no session cookie: " + r));
      assertThat(cookie).matches(PortalClient.COOKIE + "=[A-Za-z0-9_-]{32}(;.*)?");
      assertThat(attributes(cookie)).contains("HttpOnly", "SameSite=Strict", "Path=/portal");
    }
  }

  @Test
  void behindAnHttpsProxyTheCookieIsSecureAndOnPlainHttpItIsNot() throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest.Builder login =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.baseUrl() + "/portal/login"));

    String proxied = http.send(login.copy().header("X-Forwarded-Proto", "https").build(),
        java.net.http.HttpResponse.BodyHandlers.discarding()).headers().firstValue("Set-Cookie").orElseThrow();
    String plain = http.send(login.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
        .headers().firstValue("Set-Cookie").orElseThrow();

    assertThat(attributes(proxied)).contains("Secure", "HttpOnly");
    assertThat(attributes(plain)).doesNotContain("Secure").contains("HttpOnly");
  }

  @Test
  void signInIssuesANewSessionIdAndTheOneBeforeIsWorthless() {
    PortalClient c = client();
    c.get("/portal/login");
    String before = c.sessionId();

    c.signIn("olivia", PASSWORD);

    assertThat(c.sessionId()).isNotNull().isNotEqualTo(before);
    assertThat(c.get("/portal/accounts").status()).isEqualTo(200);
    PortalClient fixer = client();
    fixer.useSession(before);
    assertRedirectsToSignIn(fixer.get("/portal/accounts"), "/portal/accounts");
  }

  @Test
  void signOutEndsTheSessionOnTheServer() {
    PortalClient c = signedIn("olivia");
    String id = c.sessionId();

    Response out = c.post("/portal/logout", Map.of());

    assertThat(out.status()).isEqualTo(302);
    assertThat(out.location()).isEqualTo("/portal/login");
    assertThat(out.sessionCookie()).hasValueSatisfying(v -> assertThat(v).contains("Max-Age=0"));
    PortalClient replay = client();
    replay.useSession(id);
    assertRedirectsToSignIn(replay.get("/portal/accounts"), "/portal/accounts");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "forged-token"})
  void signOutWithoutTheSessionsCsrfTokenDoesNotEndTheSession(String token) {
    PortalClient c = signedIn("olivia");
    String id = c.sessionId();

    c.post("/portal/logout", token.isEmpty() ? Map.of() : Map.of("_csrf", token), false);

    PortalClient same = client();
    same.useSession(id);
    Response page = same.get("/portal/accounts");
    assertThat(page.status()).as(page.toString()).isEqualTo(200);
    assertThat(page.body()).contains("Sign out");
  }

  // ---- 2. security headers ----------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"/portal/login", "/portal/accounts", "/portal/accounts/new", "/portal/accounts/no-such-account",
      "/portal/nope"})
  void portalPagesCarryTheSecurityHeaders(String path) {
    PortalClient c = path.equals("/portal/login") ? client() : signedIn("olivia");

    Response r = c.get(path);

    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertSecurityHeaders(r);
  }

  @Test
  void plainTextErrorsForAnonymousVisitorsCarryTheSecurityHeadersToo() {
    Response r = client().get("/portal/nope");

    assertThat(r.status()).isEqualTo(404);
    assertSecurityHeaders(r);
  }

  // ---- 3. sign-in form -----------------------------------------------------------------------

  static Stream<Arguments> badCsrf() {
    return Stream.of(
        Arguments.of("no _csrf field", Optional.empty(), true),
        Arguments.of("a forged _csrf", Optional.of("forged-token"), true),
        Arguments.of("an empty _csrf", Optional.of(""), true),
        Arguments.of("another session's _csrf, no cookie", Optional.of("other"), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCsrf")
  void signInWithoutTheFormsCsrfTokenIsRefusedWithAFreshForm(String why, Optional<String> token, boolean cookie) {
    PortalClient c = client();
    c.get("/portal/login");
    String oldSession = c.sessionId();
    String oldCsrf = c.csrf();
    Map<String, String> form = new LinkedHashMap<>(credentials("olivia", PASSWORD));
    token.ifPresent(t -> form.put("_csrf", t.equals("other") ? oldCsrf : t));
    if (!cookie) {
      c.useSession(null);
    }

    Response r = c.post("/portal/login", form, false);

    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.alerts()).containsExactly("The sign-in form had expired. Please try again.");
    assertThat(r.field("username")).isEqualTo("olivia");
    assertThat(r.body()).doesNotContain(PASSWORD);
    assertThat(c.sessionId()).isNotNull().isNotEqualTo(oldSession);
    assertThat(c.csrf()).isNotEqualTo(oldCsrf);
    assertRedirectsToSignIn(c.get("/portal/accounts"), "/portal/accounts");
    Response again = c.post("/portal/login", credentials("olivia", PASSWORD));
    assertThat(again.status()).as("the fresh form works").isEqualTo(302);
  }

  @Test
  void wrongPasswordIsRefusedWithTheUsernameKeptAndThePasswordNotEchoed() {
    PortalClient c = client();
    c.get("/portal/login");
    String wrong = "Wr0ng-<b>secret-\"pw";

    Response r = c.post("/portal/login", credentials("percy", wrong));

    assertThat(r.status()).as(r.toString()).isEqualTo(401);
    assertThat(r.alerts()).containsExactly("Wrong username or password.");
    assertThat(r.field("username")).isEqualTo("percy");
    assertThat(r.body()).doesNotContain("Wr0ng").doesNotContain("secret");
    assertThat(r.body()).contains("<input id=\"password\" name=\"password\" type=\"password\" required");
    assertRedirectsToSignIn(c.get("/portal/accounts"), "/portal/accounts");
  }

  @Test
  void unknownUserGetsTheSameAnswerWithTheTypedNameEscaped() {
    PortalClient c = client();
    c.get("/portal/login");
    String typed = "\"><script>alert(1)</script>";

    Response r = c.post("/portal/login", credentials(typed, PASSWORD));

    assertThat(r.status()).isEqualTo(401);
    assertThat(r.alerts()).containsExactly("Wrong username or password.");
    assertThat(r.field("username")).isEqualTo(typed);
    assertThat(r.body()).doesNotContain("<script>alert").contains("value=\"&#34;>&lt;script>alert(1)&lt;/script>\"");
    assertThat(r.body()).doesNotContain(PASSWORD);
  }

  // ---- 4. sign-in throttle ---------------------------------------------------------------------

  @Test
  void afterFiveFailuresTheUserIsThrottledEvenWithTheRightPasswordAndOthersAreNot() {
    PortalClient c = client();
    c.get("/portal/login");
    for (int i = 1; i <= LoginThrottle.FREE_FAILURES; i++) {
      Response failed = c.post("/portal/login", credentials("tara", "wrong password " + i));
      assertThat(failed.status()).as("attempt " + i).isEqualTo(401);
    }

    Response sixth = c.post("/portal/login", credentials("tara", PASSWORD));

    assertThat(sixth.status()).as(sixth.toString()).isEqualTo(429);
    assertThat(Long.parseLong(sixth.header("Retry-After"))).isBetween(1L, LoginThrottle.WINDOW.toSeconds());
    assertThat(sixth.alerts()).singleElement().asString().startsWith("Too many failed sign-ins. Try again in ");
    assertThat(sixth.field("username")).isEqualTo("tara");
    assertRedirectsToSignIn(c.get("/portal/accounts"), "/portal/accounts");
    Response otherCase = c.post("/portal/login", credentials("TARA", PASSWORD));
    assertThat(otherCase.status()).as("the throttle ignores the case of the name").isEqualTo(429);

    PortalClient other = client();
    other.get("/portal/login");
    assertThat(other.post("/portal/login", credentials("uma", PASSWORD)).status()).isEqualTo(302);
    assertThat(other.get("/portal/accounts").status()).isEqualTo(200);
  }

  // ---- 5. no open redirect after sign-in ------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "%2F%2Fevil.example%2Fx", "https%3A%2F%2Fevil.example", "%2Fapi%2Fx", "/portal/%0d%0aX", "%2Fportal%5C%2Fevil",
      "%2Fportal%2F..%2Fapi%2Fx", ""})
  void signInNeverRedirectsOutsideThePortal(String rawNext) {
    PortalClient c = client();
    c.get("/portal/login?next=" + rawNext);

    Response r = c.post("/portal/login?next=" + rawNext, credentials("olivia", PASSWORD));

    assertThat(r.status()).as(r.toString()).isEqualTo(302);
    assertThat(r.location()).isEqualTo("/portal/accounts");
  }

  @Test
  void signInGoesOnToTheRequestedPortalPage() {
    PortalClient c = client();
    Response asked = c.get("/portal/accounts/abc");
    assertRedirectsToSignIn(asked, "/portal/accounts/abc");
    Response form = c.get(asked.location());
    assertThat(form.body()).contains("action=\"/portal/login?next=%2Fportal%2Faccounts%2Fabc\"");

    Response r = c.post("/portal/login?next=%2Fportal%2Faccounts%2Fabc", credentials("olivia", PASSWORD));

    assertThat(r.status()).isEqualTo(302);
    assertThat(r.location()).isEqualTo("/portal/accounts/abc");
  }

  // ---- 6. hostile input is escaped --------------------------------------------------------------

  @Test
  void scriptAsAccountNameIsRefusedAndShownEscaped() {
    PortalClient c = signedIn("wendy");
    String name = "<script>alert(1)</script>";

    Response r = c.post("/portal/accounts", Map.of("name", name, "correlationId", "crm-1"));

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.fieldError("name")).startsWith("name may contain only letters, digits, '_' and '-'");
    assertThat(r.field("name")).isEqualTo(name);
    assertThat(r.field("correlationId")).isEqualTo("crm-1");
    assertThat(r.body()).doesNotContain("<script>alert").contains("&lt;script&gt;alert(1)&lt;/script&gt;");
  }

  @Test
  void markupInTheCorrelationIdIsStoredAsTypedAndShownEscaped() {
    PortalClient c = signedIn("wendy");
    String name = uniqueName();
    String hostile = "\"><img src=x onerror=alert(1)>";

    Response created = c.post("/portal/accounts", Map.of("name", name, "correlationId", hostile));

    assertThat(created.status()).as(created.toString()).isEqualTo(302);
    assertThat(created.location()).isEqualTo("/portal/accounts/" + name);
    assertThat(api.get("/accounts/" + name).json().path("correlationId").asText()).isEqualTo(hostile);
    Response page = c.get("/portal/accounts/" + name);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("<img").contains("&lt;img src=x onerror=alert(1)&gt;");
    Response edit = c.get("/portal/accounts/" + name + "/edit");
    assertThat(edit.body()).doesNotContain("<img");
    assertThat(edit.field("correlationId")).isEqualTo(hostile);
  }

  @Test
  void theSearchIsEchoedEscaped() {
    PortalClient c = signedIn("victor");
    String q = "\"><script>x</script>";

    Response r = c.get("/portal/accounts?q=" + enc(q));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("<script>x").contains("&lt;script&gt;x&lt;/script&gt;");
    assertThat(r.field("q")).isEqualTo(q);
  }

  @Test
  void customSipHeaderWithControlCharactersIsRefusedBesideItsField() {
    String account = drAccount();
    String tn = number(1, 0);
    putNumber(account, tn);
    PortalClient c = signedIn("wendy");
    String path = "/portal/accounts/" + account + "/numbers/" + enc(tn);
    Response form = c.get(path);
    assertThat(form.status()).as(form.toString()).isEqualTo(200);

    Response r = c.post(path, Map.of("etag", form.field("etag"), "directRouting", "on",
        "customSipHeader", "tier\r\nX-Injected: 1"));

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.fieldError("customSipHeader"))
        .isEqualTo("customSipHeader may contain only letters, digits, '_' and '-', got \"tier\\u000d\\u000aX-Injected: 1\"");
    assertThat(r.field("customSipHeader")).isEqualTo("tier\r\nX-Injected: 1");
    assertThat(api.get("/accounts/" + account + "/numbers/" + tn).json().path("configuration").has("customSipHeader"))
        .isFalse();
  }

  // ---- 7. hostile CSV uploads ---------------------------------------------------------------

  @Test
  void uploadWithoutAFileAsksForOne() {
    String account = apiAccount();
    PortalClient c = signedIn("wendy");
    c.get(uploadPath(account));

    Response r = c.multipart(uploadPath(account), Map.of("_csrf", c.csrf()), Optional.empty());

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.fieldError("file")).isEqualTo("Choose a CSV file to upload.");
  }

  @Test
  void anEmptyFileAsksForOne() {
    String account = apiAccount();
    PortalClient c = signedIn("wendy");

    Response r = c.upload(uploadPath(account), "empty.csv", new byte[0]);

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.fieldError("file")).isEqualTo("Choose a CSV file to upload.");
  }

  @Test
  void randomBytesGiveAReportAndSaveNothing() {
    String account = drAccount();
    byte[] garbage = new byte[64 * 1024];
    new Random(4711).nextBytes(garbage);

    Response r = signedIn("wendy").upload(uploadPath(account), "garbage.csv", garbage);

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(applied(r)).isZero();
    assertThat(reportRows(r)).isNotEmpty();
    assertThat(numberCount(account)).isZero();
  }

  @Test
  void aFileThatIsNotUtf8IsRefusedWholeWithTheFix() {
    String account = drAccount();
    // "+442..." rows in Latin-1 with an é (0xE9) in a header value: not UTF-8
    byte[] latin1 = (number(7, 1) + "," + account + ",true,caf\u00e9\n" + number(7, 2) + "," + account + ",true,\n")
        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

    Response r = signedIn("wendy").upload(uploadPath(account), "latin1.csv", latin1);

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(applied(r)).isZero();
    assertThat(reportRows(r)).singleElement().extracting(ReportRow::message).asString()
        .contains("not UTF-8 text").contains("CSV UTF-8");
    assertThat(numberCount(account)).isZero();
  }

  @Test
  void anUnterminatedQuoteSavesNothing() {
    String account = drAccount();
    String csv = CSV_HEADER + "\n"
        + number(2, 1) + "," + account + ",true,\n"
        + number(2, 2) + "," + account + ",true,\n"
        + number(2, 3) + "," + account + ",\"true,\n"
        + number(2, 4) + "," + account + ",true,\n";

    Response r = signedIn("wendy").upload(uploadPath(account), "broken.csv", bytes(csv));

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(applied(r)).isZero();
    assertThat(reportRows(r)).anySatisfy(row -> assertThat(row.message())
        .startsWith("the file is not valid CSV, so nothing was saved"));
    assertThat(numberCount(account)).isZero();
  }

  @Test
  void badRowsAreReportedWithTheirLinesAndTheGoodOnesSaved() {
    String account = drAccount();
    String csv = CSV_HEADER + "\r\n"
        + number(3, 1) + "," + account + ",true,\r\n"
        + number(3, 2) + "," + account + ",true,tier,extra\r\n"
        + number(3, 3) + ",someone-else,true,\r\n"
        + number(3, 1) + "," + account + ",false,\r\n"
        + number(3, 4) + "," + account + ",yes,\r\n"
        + number(3, 5) + "," + account + ",FALSE,gold\r\n"
        + number(3, 6) + "," + account + ",maybe,";

    Response r = signedIn("wendy").upload(uploadPath(account), "mixed.csv", bytes(csv));

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(applied(r)).isEqualTo(2);
    assertThat(rowCount(r)).isEqualTo(7);
    assertThat(reportRows(r)).containsExactly(
        new ReportRow(3, number(3, 2), "has 5 columns; the layout has 4"),
        new ReportRow(4, number(3, 3), "is for account 'someone-else', not '" + account + "'"),
        new ReportRow(5, number(3, 1), "appears more than once in the file"),
        new ReportRow(6, number(3, 4), "serviceDetails_teamsDirectRouting_enabled must be true or false, got \"yes\""),
        new ReportRow(8, number(3, 6), "serviceDetails_teamsDirectRouting_enabled must be true or false, got \"maybe\""));
    assertThat(numberCount(account)).isEqualTo(2);
    assertThat(api.get("/accounts/" + account + "/numbers/" + number(3, 5)).json()
        .path("serviceDetails").path("teamsDirectRouting").path("enabled").asBoolean(true)).isFalse();
  }

  @Test
  void aFileOfMoreThan100000RowsReportsTheLimit() {
    String account = drAccount();
    StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
    for (int i = 0; i <= CsvImport.MAX_ROWS; i++) {
      csv.append(number(4, i)).append(',').append(account).append(",true,\n");
    }

    Response r = signedIn("wendy").upload(uploadPath(account), "big.csv", bytes(csv.toString()));

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(reportRows(r)).containsExactly(
        new ReportRow(CsvImport.MAX_ROWS + 2, "", "at most 100000 rows per file; the rest was not read"));
    assertThat(applied(r)).isEqualTo(CsvImport.MAX_ROWS);
    assertThat(numberCount(account)).isEqualTo(CsvImport.MAX_ROWS);
  }

  @Test
  void aFileLargerThan16MegabytesIsRefusedWithAClearMessage() {
    String account = drAccount();
    byte[] big = new byte[PortalRoutes.MAX_UPLOAD_MB * 1024 * 1024 + 1024];
    byte[] row = bytes(number(5, 1) + "," + account + ",true,\n");
    for (int i = 0; i + row.length <= big.length; i += row.length) {
      System.arraycopy(row, 0, big, i, row.length);
    }

    Response r = signedIn("wendy").upload(uploadPath(account), "huge.csv", big);

    assertThat(r.status()).as(r.toString()).isIn(400, 413);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.body()).contains("at most " + PortalRoutes.MAX_UPLOAD_MB + " MB");
    assertThat(numberCount(account)).isZero();
  }

  @Test
  void aCsvWithAUtf8ByteOrderMarkAndHeaderIsRead() {
    String account = drAccount();
    String csv = "\uFEFF" + CSV_HEADER + "\r\n" + number(6, 1) + "," + account + ",true,gold\r\n";

    Response r = signedIn("wendy").upload(uploadPath(account), "excel.csv", bytes(csv));

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(reportRows(r)).isEmpty();
    assertThat(rowCount(r)).isEqualTo(1);
    assertThat(applied(r)).isEqualTo(1);
    assertThat(numberCount(account)).isEqualTo(1);
  }

  @Test
  void aCsvWithAUtf8ByteOrderMarkAndNoHeaderIsRead() {
    String account = drAccount();
    String csv = "\uFEFF" + number(6, 2) + "," + account + ",true,\r\n";

    Response r = signedIn("wendy").upload(uploadPath(account), "excel.csv", bytes(csv));

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(reportRows(r)).isEmpty();
    assertThat(applied(r)).isEqualTo(1);
    assertThat(numberCount(account)).isEqualTo(1);
  }

  @Test
  void aCutOffMultipartBodyIsABadRequestNotAServerError() {
    String account = drAccount();
    PortalClient c = signedIn("wendy");
    String body = "--cut\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + c.csrf()
        + "\r\n--cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"n.csv\"\r\n\r\n"
        + number(5, 2) + "," + account + ",true,\n";

    Response r = c.postRaw(uploadPath(account), body, "multipart/form-data; boundary=cut");

    assertThat(r.status()).as(r.toString()).isBetween(400, 499);
    assertThat(numberCount(account)).isZero();
  }

  @Test
  void anUploadWithoutTheCsrfTokenIsRefused() {
    String account = drAccount();
    PortalClient c = signedIn("wendy");

    Response r = c.multipart(uploadPath(account), Map.of(),
        Optional.of(new FilePart("n.csv", bytes(number(5, 3) + "," + account + ",true,\n"))));

    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.alerts())
        .containsExactly("This form has expired or did not come from this portal; reload the page and try again.");
    assertThat(numberCount(account)).isZero();
  }

  // ---- 8. huge form fields -----------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"name", "correlationId"})
  void aTwoMegabyteFieldIsRefusedClearlyAndNothingSaved(String field) {
    PortalClient c = signedIn("wendy");
    String name = uniqueName();
    Map<String, String> form = new LinkedHashMap<>(Map.of("name", name, "correlationId", "crm-1"));
    form.put(field, "x".repeat(2 * 1024 * 1024));

    Response r = c.post("/portal/accounts", form);

    assertThat(r.status()).as(r.toString()).isBetween(400, 499);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.body()).contains("too large").doesNotContain("at most " + PortalRoutes.MAX_UPLOAD_MB + " MB");
    assertThat(api.get("/accounts/" + name).status()).isEqualTo(404);
  }

  // ---- 9. unknown pages, wrong methods, the API's own errors ---------------------------------

  @Test
  void anUnknownPageIsAn404PageForASignedInUser() {
    Response r = signedIn("victor").get("/portal/nope");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.alerts()).containsExactly(NO_SUCH_PAGE);
    assertThat(r.body()).contains("<title>Error 404 · drgw portal</title>", "Sign out");
  }

  @Test
  void anUnknownPageIsAPlain404ForAnAnonymousVisitor() {
    Response r = client().get("/portal/nope");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    assertThat(r.body()).isEqualTo(NO_SUCH_PAGE);
  }

  @Test
  void aMissingAccountIsA404Page() {
    Response r = signedIn("victor").get("/portal/accounts/no-such-account");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.body()).contains("Sign out").contains("no-such-account");
  }

  @Test
  void apiPathsKeepTheirJsonErrors() {
    PortalClient c = signedIn("olivia");

    Map<String, Integer> expected = Map.of(ApiClient.versioned("/accounts/x"), 401, "/nope", 404, "/accounts/x", 400);
    expected.forEach((path, status) -> {
      Response r = c.get(path);
      assertThat(r.status()).as(r.toString()).isEqualTo(status);
      assertThat(r.header("Content-Type")).as(path).startsWith("application/json");
      assertThat(r.body()).as(path).startsWith("{\"error\":{\"code\":");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "DELETE", "PATCH"})
  void aWrongMethodIsA405Page(String method) {
    PortalClient c = signedIn("olivia");

    Response r = c.method(method, "/portal/accounts");

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.alerts()).containsExactly("This page cannot be used that way.");
    assertSecurityHeaders(r);
  }

  // ---- 10. lost updates ---------------------------------------------------------------------

  @Test
  void theSecondOfTwoConcurrentEditsIsRefusedWithItsValuesKept() {
    String account = apiAccount();
    PortalClient first = signedIn("olivia");
    PortalClient second = signedIn("wendy");
    String path = "/portal/accounts/" + account;
    String firstEtag = first.get(path + "/edit").field("etag");
    String secondEtag = second.get(path + "/edit").field("etag");
    assertThat(firstEtag).isNotBlank().isEqualTo(secondEtag);

    Response saved = first.post(path, Map.of("etag", firstEtag, "correlationId", "first-edit"));
    Response refused = second.post(path, Map.of("etag", secondEtag, "correlationId", "second-edit"));

    assertThat(saved.status()).as(saved.toString()).isEqualTo(302);
    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
    assertThat(refused.alerts())
        .containsExactly("Someone changed this account meanwhile; reload it and make your change again.");
    assertThat(refused.field("correlationId")).isEqualTo("second-edit");
    assertThat(api.get("/accounts/" + account).json().path("correlationId").asText()).isEqualTo("first-edit");
  }

  // ---- 11. create numbers ------------------------------------------------------------------

  static Stream<Arguments> refusedNumberInput() {
    String from = number(7, 0);
    return Stream.of(
        Arguments.of(number(7, 20_000) + "\n" + from + "-" + number(7, NumberInput.MAX_NUMBERS),
            "line 2 (" + from + "-" + number(7, NumberInput.MAX_NUMBERS) + "): a range can hold at most 10000 numbers,"
                + " this one has 10001"),
        Arguments.of(number(7, 20_000) + "\n" + number(7, 99) + "-" + from,
            "line 2 (" + number(7, 99) + "-" + from + "): the range ends before it starts"),
        Arguments.of(from + "-" + number(7, 5_999) + "\n" + number(7, 6_000) + "-" + number(7, 11_999),
            "at most 10000 numbers at once; split the list"));
  }

  @ParameterizedTest
  @MethodSource("refusedNumberInput")
  void tooManyOrReversedNumbersAreRefusedAndNothingSaved(String typed, String message) {
    String account = drAccount();
    PortalClient c = signedIn("wendy");

    Response r = c.post("/portal/accounts/" + account + "/numbers", Map.of("numbers", typed, "directRouting", "on"));

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.body()).contains("Nothing was saved");
    assertThat(listItems(r, "numbers-error")).containsExactly(message);
    assertThat(PortalClient.unescape(textarea(r, "numbers"))).isEqualTo(typed);
    assertThat(numberCount(account)).isZero();
  }

  // ---- 12. a read-only user posts nothing -------------------------------------------------------

  static Stream<Arguments> writes() {
    return Stream.of(
        Arguments.of("create account", (BiFunction<PortalClient, Fixture, Response>) (c, f) ->
            c.post("/portal/accounts", Map.of("name", f.spare(), "correlationId", "by-reader"))),
        Arguments.of("update account", (BiFunction<PortalClient, Fixture, Response>) (c, f) ->
            c.post("/portal/accounts/" + f.account(), Map.of("etag", "", "correlationId", "by-reader"))),
        Arguments.of("delete account", (BiFunction<PortalClient, Fixture, Response>) (c, f) ->
            c.post("/portal/accounts/" + f.account() + "/delete", Map.of("deleteNumbers", "on"))),
        Arguments.of("create numbers", (BiFunction<PortalClient, Fixture, Response>) (c, f) ->
            c.post("/portal/accounts/" + f.account() + "/numbers", Map.of("numbers", f.spareNumber()))),
        Arguments.of("upload", (BiFunction<PortalClient, Fixture, Response>) (c, f) ->
            c.upload("/portal/accounts/" + f.account() + "/numbers/upload", "n.csv",
                bytes(f.spareNumber() + "," + f.account() + ",true,\n"))),
        Arguments.of("choose numbers to delete", (BiFunction<PortalClient, Fixture, Response>) (c, f) ->
            c.postFields("/portal/accounts/" + f.account() + "/numbers/delete", List.of(Map.entry("number", f.number())))),
        Arguments.of("delete numbers", (BiFunction<PortalClient, Fixture, Response>) (c, f) ->
            c.postFields("/portal/accounts/" + f.account() + "/numbers/delete/confirm",
                List.of(Map.entry("number", f.number())))),
        Arguments.of("update number", (BiFunction<PortalClient, Fixture, Response>) (c, f) ->
            c.post("/portal/accounts/" + f.account() + "/numbers/" + enc(f.number()),
                Map.of("etag", "", "customSipHeader", "by-reader"))));
  }

  /** An account with one number, and a name and number that do not exist. */
  record Fixture(String account, String number, String spare, String spareNumber) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void aReadOnlyUserCannotPostEvenWithItsOwnCsrfToken(String what, BiFunction<PortalClient, Fixture, Response> post) {
    String account = drAccount();
    int block = 8 + sequence.incrementAndGet();
    Fixture f = new Fixture(account, number(block, 1), uniqueName(), number(block, 2));
    putNumber(account, f.number());
    String accountBefore = ApiClient.withoutStatus(api.get("/accounts/" + account).json()).toString();
    String numberBefore = ApiClient.withoutStatus(api.get("/accounts/" + account + "/numbers/" + f.number()).json())
        .toString();
    PortalClient c = signedIn("victor");
    assertThat(c.csrf()).isNotBlank();

    Response r = post.apply(c, f);

    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.alerts()).containsExactly("Your role (read) cannot do this.");
    assertThat(ApiClient.withoutStatus(api.get("/accounts/" + account).json()).toString()).isEqualTo(accountBefore);
    assertThat(ApiClient.withoutStatus(api.get("/accounts/" + account + "/numbers/" + f.number()).json()).toString())
        .isEqualTo(numberBefore);
    assertThat(numberCount(account)).isEqualTo(1);
    assertThat(api.get("/accounts/" + f.spare()).status()).isEqualTo(404);
  }

  // ---- helpers -------------------------------------------------------------------------------

  private PortalClient client() {
    return new PortalClient(server.baseUrl());
  }

  private PortalClient signedIn(String user) {
    PortalClient c = client();
    c.signIn(user, PASSWORD);
    return c;
  }

  private static Map<String, String> credentials(String user, String password) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("username", user);
    form.put("password", password);
    return form;
  }

  private static void assertRedirectsToSignIn(Response r, String from) {
    assertThat(r.status()).as(r.toString()).isEqualTo(302);
    assertThat(r.location()).isEqualTo("/portal/login?next=" + enc(from));
  }

  private static void assertSecurityHeaders(Response r) {
    assertThat(r.header("Content-Security-Policy")).isNotNull();
    assertThat(r.header("Content-Security-Policy").split(";\\s*"))
        .contains("default-src 'self'", "frame-ancestors 'none'");
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
  }

  private static List<String> attributes(String setCookie) {
    return Stream.of(setCookie.split(";")).skip(1).map(String::strip).toList();
  }

  private String uniqueName() {
    return "http-" + sequence.incrementAndGet();
  }

  /** A new account without Direct Routing, created through the API. */
  private String apiAccount() {
    String name = uniqueName();
    ApiClient.Response r = api.put("/accounts/" + name,
        "{\"name\": \"" + name + "\", \"serviceDetails\": {\"teamsDirectRouting\": {\"syncEnabled\": false, \"enabled\": false}}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return name;
  }

  /** A new account with Direct Routing enabled, created through the API. */
  private String drAccount() {
    String name = uniqueName();
    String label = "h" + Integer.toString(sequence.incrementAndGet(), 36);
    ApiClient.Response r = api.put("/accounts/" + name, """
        {"name": "%s",
         "serviceDetails": {
           "teamsTenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
           "teamsDirectRouting": {"syncEnabled": true, "enabled": true,
             "configuration": {"callScreening": true, "subdomain": "%s",
               "subdomainTokens": {"region1Token": "MS=ms1", "region2Token": "MS=ms2"}}}}}
        """.formatted(name, label));
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return name;
  }

  private void putNumber(String account, String tn) {
    ApiClient.Response r = api.put("/accounts/" + account + "/numbers/" + tn,
        "{\"telephoneNumber\": \"" + tn + "\", \"accountName\": \"" + account + "\","
            + " \"serviceDetails\": {\"teamsDirectRouting\": {\"enabled\": true}}}");
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
  }

  private long numberCount(String account) {
    ApiClient.Response r = api.get("/accounts/" + account + "/numbers?countRecords=true&maxpagesize=1");
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return Long.parseLong(r.header("x-ms-record-count"));
  }

  /** Number {@code i} of block {@code block}: blocks of a million, so tests never share numbers. */
  private static String number(int block, int i) {
    return "+" + (441_000_000_000L + block * 1_000_000L + i);
  }

  private static String uploadPath(String account) {
    return "/portal/accounts/" + account + "/numbers/upload";
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  record ReportRow(long line, String telephoneNumber, String message) {}

  private static List<ReportRow> reportRows(Response r) {
    return REPORT_ROW.matcher(r.body()).results()
        .map(m -> new ReportRow(Long.parseLong(m.group(1)), PortalClient.unescape(m.group(2)),
            PortalClient.unescape(m.group(3))))
        .toList();
  }

  private static int applied(Response r) {
    return strongNumber(r, "applied");
  }

  private static int rowCount(Response r) {
    return strongNumber(r, "rows");
  }

  private static int strongNumber(Response r, String id) {
    Matcher m = Pattern.compile("<strong id=\"" + id + "\">(\\d+)</strong>").matcher(r.body());
    assertThat(m.find()).as("no #" + id + " in " + r).isTrue();
    return Integer.parseInt(m.group(1));
  }

  private static List<String> listItems(Response r, String id) {
    Matcher list = Pattern.compile("<ul class=\"error\" id=\"" + id + "\">(.*?)</ul>", Pattern.DOTALL).matcher(r.body());
    assertThat(list.find()).as("no list #" + id + " in " + r).isTrue();
    return Pattern.compile("<li>([^<]*)</li>").matcher(list.group(1)).results()
        .map(m -> PortalClient.unescape(m.group(1))).toList();
  }

  private static String textarea(Response r, String name) {
    Matcher m = Pattern.compile("<textarea[^>]*name=\"" + name + "\"[^>]*>([^<]*)</textarea>").matcher(r.body());
    assertThat(m.find()).as("no textarea " + name).isTrue();
    return m.group(1);
  }
}

package dev.drgw.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.drgw.testing.Browser;
import dev.drgw.testing.PortalClient;
import dev.drgw.testing.PortalClient.Response;
import dev.drgw.testing.TestServer;
import dev.drgw.users.UserRole;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;

/**
 * The portal's OpenID Connect sign-in, end to end against a real OIDC provider
 * (navikt's mock-oauth2-server): discovery, the authorization redirect, the code exchange with
 * client_secret_basic and PKCE, ID token validation, and the role claim. The "browser" is an
 * HTTP client that follows no redirects: each hop is made, and looked at, by the test. The
 * drgw session cookie goes to drgw only; the provider hop carries no cookie. One test signs in
 * through the provider's login form in a real Chromium, for what only a browser does with the
 * SameSite cookie attribute.
 */
class OidcLoginTest {

  static final String ISSUER_ID = "corp";
  static final String CLIENT_ID = "drgw-portal";
  static final String CLIENT_SECRET = "Tz8qR2vXk5LmN7pW3sYc9dFh";
  static final String START = "/portal/login/oidc";
  static final String CALLBACK = "/portal/login/oidc/callback";
  static final String NO_ROLE = "but your organisation has given you no drgw role";
  static final String NOT_THIS_SIGN_IN = "This sign-in has expired or was started elsewhere; please start again.";
  static final Pattern REFRESH = Pattern.compile("<meta http-equiv=\"refresh\" content=\"0; url=([^\"]*)\">");

  /** For the provider hop: no redirects followed, no cookies. */
  static final HttpClient PROVIDER_HOP =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  MockOAuth2Server provider;
  TestServer drgw;
  /** Every drgw answer the test saw, to check none of them shows the client secret. */
  final List<Response> seen = new ArrayList<>();

  @BeforeEach
  void startProvider() {
    provider = new MockOAuth2Server();
    provider.start();
  }

  @AfterEach
  void stop() {
    try {
      if (drgw != null) {
        drgw.close();
      }
    } finally {
      provider.shutdown();
    }
  }

  // ---- 1. and 2. signed in with the roles of the role claim ---------------------------------

  @Test
  void userWithWriteRoleInAListIsSignedInWithThatRole() throws Exception {
    drgw = startDrgw(issuer(), Map.of());
    PortalClient browser = browser();
    Response login = get(browser, "/portal/login");
    assertThat(login.body()).contains("<a class=\"button\" href=\"" + START + "\">Sign in with your organisation</a>");
    String anonymous = browser.sessionId();

    provider.enqueueCallback(user("wendy@example.net", Map.of("roles", List.of("write"))));
    Response started = get(browser, START);
    Response callback = get(browser, throughProvider(started));

    assertThat(landing(callback)).isEqualTo("/portal/accounts");
    assertThat(callback.body()).contains("You are signed in as wendy@example.net.");
    assertThat(browser.sessionId()).as("a new session ID on sign-in").isNotNull().isNotEqualTo(anonymous);
    // Not yet signed in, the cookie goes along when the provider sends the browser back (Lax);
    // signed in, it goes along on the portal's own navigations only (Strict).
    assertThat(started.sessionCookie().orElseThrow()).contains("SameSite=Lax").doesNotContain("Strict");
    assertThat(callback.sessionCookie().orElseThrow()).contains("SameSite=Strict").doesNotContain("Lax");
    Response accounts = get(browser, "/portal/accounts");
    assertThat(accounts.status()).isEqualTo(200);
    assertThat(accounts.body())
        .contains("<span class=\"user\">wendy@example.net <span class=\"role\" title=\"Your role\">write</span>")
        .contains("href=\"/portal/accounts/new\">Create account</a>");
    assertThat(get(browser, "/portal/accounts/new").status()).isEqualTo(200);
    Response delete = get(browser, "/portal/accounts/contoso/delete");
    assertThat(delete.status()).isEqualTo(403);
    assertThat(delete.body()).contains("Your role (write) cannot do this.");

    // The code was exchanged with the client secret (client_secret_basic) and the PKCE verifier.
    RecordedRequest token = tokenRequest();
    assertThat(token.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
        .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)));
    assertThat(token.getBody().readUtf8()).contains("grant_type=authorization_code").contains("code_verifier=");
    assertSecretNeverShown();
  }

  @Test
  void roleClaimMayBeASingleString() throws Exception {
    drgw = startDrgw(issuer(), Map.of());
    PortalClient browser = browser();

    Response callback = signInWithOrganisation(browser, START, user("alice@example.net", Map.of("roles", "admin")));

    assertThat(landing(callback)).isEqualTo("/portal/accounts");
    assertThat(get(browser, "/portal/accounts").body())
        .contains("<span class=\"user\">alice@example.net <span class=\"role\" title=\"Your role\">admin</span>");
    // Admin passes the delete role check: the page answers "no such account", not 403.
    assertThat(get(browser, "/portal/accounts/contoso/delete").status()).isEqualTo(404);
    assertSecretNeverShown();
  }

  @Test
  void configuredRoleClaimIsTheOneRead() throws Exception {
    drgw = startDrgw(issuer(), Map.of("DRGW_PORTAL_OIDC_ROLE_CLAIM", "groups"));

    PortalClient dora = browser();
    Response signedIn = signInWithOrganisation(dora, START,
        user("dora@example.net", Map.of("groups", List.of("Staff", "ProvisioningAPI.Delete"), "roles", List.of("admin"))));
    assertThat(landing(signedIn)).isEqualTo("/portal/accounts");
    assertThat(get(dora, "/portal/accounts").body())
        .contains("<span class=\"user\">dora@example.net <span class=\"role\" title=\"Your role\">delete</span>");

    // The default claim is not read once another is configured.
    PortalClient rolesOnly = browser();
    Response refused = signInWithOrganisation(rolesOnly, START, user("ray@example.net", Map.of("roles", List.of("admin"))));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.alerts()).singleElement().asString().contains("ray@example.net", NO_ROLE);
    assertSignedOut(rolesOnly);
    assertSecretNeverShown();
  }

  // ---- 3. no drgw role: refused ------------------------------------------------------------

  static Stream<Arguments> withoutDrgwRole() {
    return Stream.of(
        Arguments.of("unknown role", Map.of("roles", List.of("viewer"))),
        Arguments.of("empty list", Map.of("roles", List.of())),
        Arguments.of("no role claim", Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withoutDrgwRole")
  void userWithoutDrgwRoleIsRefused(String why, Map<String, Object> claims) throws Exception {
    drgw = startDrgw(issuer(), Map.of());
    PortalClient browser = browser();

    Response callback = signInWithOrganisation(browser, START, user("carol@example.net", claims));

    assertThat(callback.status()).isEqualTo(403);
    assertThat(callback.alerts()).singleElement().asString()
        .startsWith("You signed in as carol@example.net, " + NO_ROLE);
    assertSignedOut(browser);
    assertSecretNeverShown();
  }

  // ---- 4. callbacks that do not belong to this browser's sign-in ---------------------------

  @Test
  void forgedStateIsRefused() throws Exception {
    drgw = startDrgw(issuer(), Map.of());
    PortalClient browser = browser();
    String callback = toProvider(browser, START);
    String state = queryParam(callback, "state");

    Response forged = get(browser, callback.replace("state=" + state, "state=forged-" + state));

    assertRefused(forged, NOT_THIS_SIGN_IN);
    assertSignedOut(browser);
    Response noState = get(browser, callback.replace("state=" + state, "other=" + state));
    assertRefused(noState, NOT_THIS_SIGN_IN);
    assertSignedOut(browser);
  }

  @Test
  void replayedCallbackIsRefused() throws Exception {
    drgw = startDrgw(issuer(), Map.of());
    // A sign-in refused for want of a role leaves the session as it was: drgw itself refuses
    // the callback again (the provider is not asked to redeem the code a second time).
    PortalClient carol = browser();
    provider.enqueueCallback(user("carol@example.net", Map.of("roles", List.of("viewer"))));
    String refused = toProvider(carol, START);
    assertThat(get(carol, refused).status()).isEqualTo(403);
    assertRefused(get(carol, refused), NOT_THIS_SIGN_IN);
    assertSignedOut(carol);

    PortalClient browser = browser();
    provider.enqueueCallback(user("wendy@example.net", Map.of("roles", List.of("write"))));
    String callback = toProvider(browser, START);
    String startedWith = browser.sessionId();
    assertThat(landing(get(browser, callback))).isEqualTo("/portal/accounts");

    // Someone holding the callback URL and the cookie the sign-in started with.
    PortalClient replay = browser();
    replay.useSession(startedWith);
    assertRefused(get(replay, callback), NOT_THIS_SIGN_IN);
    assertSignedOut(replay);
    // The signed-in browser itself, coming back with the same callback.
    assertRefused(get(browser, callback), NOT_THIS_SIGN_IN);
    assertSecretNeverShown();
  }

  @Test
  void callbackInAnotherSessionIsRefusedAndUsedUp() throws Exception {
    drgw = startDrgw(issuer(), Map.of());
    PortalClient victim = browser();
    provider.enqueueCallback(user("wendy@example.net", Map.of("roles", List.of("write"))));
    String callback = toProvider(victim, START);

    PortalClient withoutCookie = browser();
    assertRefused(get(withoutCookie, callback), NOT_THIS_SIGN_IN);
    assertSignedOut(withoutCookie);
    PortalClient otherSession = browser();
    get(otherSession, "/portal/login");
    assertThat(otherSession.sessionId()).isNotNull().isNotEqualTo(victim.sessionId());
    assertRefused(get(otherSession, callback), NOT_THIS_SIGN_IN);
    assertSignedOut(otherSession);
    // The state is used up by the first attempt: the callback signs nobody in any more.
    assertRefused(get(victim, callback), NOT_THIS_SIGN_IN);
    assertSignedOut(victim);
  }

  @Test
  void providerRefusalIsShown() throws Exception {
    drgw = startDrgw(issuer(), Map.of());
    PortalClient browser = browser();
    String callback = toProvider(browser, START);

    Response refused = get(browser, redirectUri() + "?error=access_denied&error_description=User+cancelled&state="
        + queryParam(callback, "state"));

    assertRefused(refused, "The sign-in provider refused: User cancelled.");
    assertSignedOut(browser);
  }

  // ---- 5. the page the user was going to ---------------------------------------------------

  @Test
  void signInEndsOnThePageTheUserWasGoingTo() throws Exception {
    drgw = startDrgw(issuer(), Map.of());
    PortalClient browser = browser();
    Response guarded = get(browser, "/portal/accounts/contoso/numbers");
    assertThat(guarded.location()).isEqualTo("/portal/login?next=%2Fportal%2Faccounts%2Fcontoso%2Fnumbers");
    Response login = get(browser, guarded.location());
    String link = "/portal/login/oidc?next=%2Fportal%2Faccounts%2Fcontoso%2Fnumbers";
    assertThat(login.body()).contains("href=\"" + link + "\"");

    Response callback = signInWithOrganisation(browser, link, user("wendy@example.net", Map.of("roles", List.of("read"))));

    assertThat(landing(callback)).isEqualTo("/portal/accounts/contoso/numbers");
    // Signed in: the page itself answers (there is no such account), not the sign-in form.
    Response target = get(browser, landing(callback));
    assertThat(target.status()).isEqualTo(404);
    assertThat(target.body()).contains("<span class=\"role\" title=\"Your role\">read</span>");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://evil.example.net/portal/accounts", "//evil.example.net/portal/accounts", "/portal/../admin",
      "/portal/%2e%2e/admin", "/elsewhere"})
  void nextOutsideThePortalEndsOnTheAccountList(String next) throws Exception {
    drgw = startDrgw(issuer(), Map.of());
    PortalClient browser = browser();

    Response callback = signInWithOrganisation(browser,
        START + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8),
        user("wendy@example.net", Map.of("roles", List.of("read"))));

    assertThat(landing(callback)).isEqualTo("/portal/accounts");
  }

  // ---- 6. the provider cannot be reached ---------------------------------------------------

  @Test
  void unreachableProviderIsAClearErrorAndLocalSignInStillWorks() throws Exception {
    int closed = freePort();
    URI downIssuer = URI.create("http://127.0.0.1:" + closed + "/" + ISSUER_ID);
    drgw = startDrgw(downIssuer, Map.of());
    drgw.withPortalUser("olivia", UserRole.ADMIN, "correct horse battery");
    PortalClient browser = browser();
    assertThat(get(browser, "/portal/login").body()).contains("Sign in with your organisation");

    Response start = get(browser, START + "?next=%2Fportal%2Faccounts%2Fcontoso");

    assertThat(start.status()).isEqualTo(502);
    assertThat(start.header("Content-Type")).startsWith("text/html");
    assertThat(start.alerts()).containsExactly(
        "The sign-in provider cannot be reached right now; use a local account or try again later.");
    assertThat(start.body()).doesNotContain("Exception", "at dev.drgw", "at com.nimbusds", downIssuer.toString());
    // The page is the sign-in form: the local sign-in goes on to where the user was going.
    assertThat(start.body()).contains("action=\"/portal/login?next=%2Fportal%2Faccounts%2Fcontoso\"");
    Response local = browser.post("/portal/login?next=%2Fportal%2Faccounts%2Fcontoso",
        Map.of("username", "olivia", "password", "correct horse battery"));
    seen.add(local);
    assertThat(local.status()).as(local.toString()).isEqualTo(302);
    assertThat(local.location()).isEqualTo("/portal/accounts/contoso");
    assertThat(get(browser, "/portal/accounts").body())
        .contains("<span class=\"user\">olivia <span class=\"role\" title=\"Your role\">admin</span>");
    assertSecretNeverShown();
  }

  @Test
  void providerThatComesUpLaterIsUsedWithoutRestart() throws Exception {
    provider.shutdown();
    int port = freePort();
    drgw = startDrgw(URI.create("http://localhost:" + port + "/" + ISSUER_ID), Map.of());
    assertThat(get(browser(), START).status()).isEqualTo(502);

    provider = new MockOAuth2Server();
    provider.start(port);
    PortalClient browser = browser();
    Response callback = signInWithOrganisation(browser, START, user("wendy@example.net", Map.of("roles", "write")));

    assertThat(landing(callback)).isEqualTo("/portal/accounts");
  }

  // ---- in a real browser ---------------------------------------------------------------------

  @Test
  void userWhoSignsInAtTheProviderLandsSignedInInARealBrowser() throws Exception {
    provider.shutdown();
    provider = new MockOAuth2Server(OAuth2Config.Companion.fromJson("{\"interactiveLogin\": true}"));
    provider.start();
    drgw = startDrgw(issuer(), Map.of());
    provider.enqueueCallback(user("wendy@example.net", Map.of("roles", List.of("write"))));

    try (Browser chromium = Browser.open(drgw.baseUrl(), false)) {
      chromium.go("/portal/accounts/contoso/numbers");
      chromium.press("Sign in with your organisation");
      // The provider's own sign-in form: the navigation back to drgw starts on the provider's site.
      assertThat(chromium.driver().getCurrentUrl()).startsWith(provider.authorizationEndpointUrl(ISSUER_ID).toString());
      chromium.driver().findElement(By.name("username")).sendKeys("wendy");
      chromium.click("input[type=submit]");

      await().atMost(Duration.ofSeconds(15)).until(() -> chromium.path().equals("/portal/accounts/contoso/numbers"));
      assertThat(chromium.text(".user")).isEqualTo("wendy@example.net write");
      chromium.go("/portal/accounts");
      assertThat(chromium.title()).isEqualTo("Accounts · drgw portal");
      assertThat(chromium.cookieDetails(PortalClient.COOKIE).getSameSite()).isEqualTo("Strict");
    }
  }

  // ---- 7. the client secret stays secret ---------------------------------------------------

  @Test
  void clientSecretIsNeverShown() throws Exception {
    drgw = startDrgw(issuer(), Map.of());
    assertThat(drgw.config().toString()).contains(CLIENT_ID).doesNotContain(CLIENT_SECRET);
    assertThat(drgw.config().portal().oidc().orElseThrow().toString()).doesNotContain(CLIENT_SECRET);

    // A whole sign-in, a refused one and a forged one: every page, header and redirect.
    signInWithOrganisation(browser(), START, user("wendy@example.net", Map.of("roles", List.of("write"))));
    signInWithOrganisation(browser(), START, user("carol@example.net", Map.of("roles", List.of("viewer"))));
    PortalClient forger = browser();
    get(forger, toProvider(forger, START).replaceAll("state=[^&]*", "state=forged"));
    get(browser(), "/portal/login/oidc/callback");
    assertThat(seen).hasSizeGreaterThanOrEqualTo(7);
    assertSecretNeverShown();
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** drgw on a port chosen beforehand (the redirect URI names it), with OIDC sign-in at {@code issuer}. */
  TestServer startDrgw(URI issuer, Map<String, String> extra) {
    int port = freePort();
    Map<String, String> env = new HashMap<>();
    env.put("DRGW_HTTP_PORT", Integer.toString(port));
    env.put("DRGW_PORTAL_OIDC_ISSUER", issuer.toString());
    env.put("DRGW_PORTAL_OIDC_CLIENT_ID", CLIENT_ID);
    env.put("DRGW_PORTAL_OIDC_CLIENT_SECRET", CLIENT_SECRET);
    env.put("DRGW_PORTAL_OIDC_REDIRECT_URI", "http://127.0.0.1:" + port + CALLBACK);
    env.putAll(extra);
    TestServer server = TestServer.start(env);
    assertThat(server.port()).isEqualTo(port);
    return server;
  }

  URI issuer() {
    return URI.create(provider.issuerUrl(ISSUER_ID).toString());
  }

  String redirectUri() {
    return drgw.baseUrl() + CALLBACK;
  }

  PortalClient browser() {
    return new PortalClient(drgw.baseUrl());
  }

  Response get(PortalClient browser, String pathOrUrl) {
    Response r = browser.get(pathOrUrl);
    seen.add(r);
    return r;
  }

  /** The ID token the provider issues next: this user, for drgw, with these claims. */
  static DefaultOAuth2TokenCallback user(String username, Map<String, Object> claims) {
    Map<String, Object> all = new HashMap<>(claims);
    all.put("preferred_username", username);
    return new DefaultOAuth2TokenCallback(ISSUER_ID, "sub-" + username, "JWT", List.of(CLIENT_ID), all);
  }

  /** The whole round trip: the provider will vouch for {@code user}; drgw's answer to the callback. */
  Response signInWithOrganisation(PortalClient browser, String start, DefaultOAuth2TokenCallback user) {
    provider.enqueueCallback(user);
    return get(browser, toProvider(browser, start));
  }

  /**
   * Starts a sign-in at {@code start}, takes drgw's redirect to the provider's authorization
   * endpoint, and returns the callback URL the provider sends the browser back to.
   */
  String toProvider(PortalClient browser, String start) {
    return throughProvider(get(browser, start));
  }

  /** From drgw's answer to a sign-in start, through the provider: the callback URL it sends back. */
  String throughProvider(Response started) {
    assertThat(started.status()).as(started.toString()).isEqualTo(302);
    String authorize = started.location();
    assertThat(authorize).startsWith(provider.authorizationEndpointUrl(ISSUER_ID) + "?")
        .contains("client_id=" + CLIENT_ID, "code_challenge_method=S256", "nonce=", "state=")
        .contains("redirect_uri=" + URLEncoder.encode(redirectUri(), StandardCharsets.UTF_8));
    try {
      HttpResponse<String> answer = PROVIDER_HOP.send(HttpRequest.newBuilder(URI.create(authorize)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(302);
      String callback = answer.headers().firstValue("Location").orElseThrow();
      assertThat(callback).startsWith(redirectUri() + "?").contains("code=")
          .contains("state=" + queryParam(authorize, "state"));
      return callback;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The page a successful callback answers, that moves on by itself (a meta refresh, and a link
   * for who has those off): where it goes.
   */
  static String landing(Response callback) {
    assertThat(callback.status()).as(callback.toString()).isEqualTo(200);
    assertThat(callback.header("Content-Type")).startsWith("text/html");
    Matcher refresh = REFRESH.matcher(callback.body());
    assertThat(refresh.find()).as("a meta refresh in " + callback).isTrue();
    String next = PortalClient.unescape(refresh.group(1));
    assertThat(callback.body()).contains("<a href=\"" + refresh.group(1) + "\">Continue</a>");
    return next;
  }

  /** The provider's token endpoint request (the code exchange). */
  RecordedRequest tokenRequest() {
    for (RecordedRequest r = provider.takeRequest(5, TimeUnit.SECONDS); r != null;
        r = provider.takeRequest(5, TimeUnit.SECONDS)) {
      if ("POST".equals(r.getMethod()) && r.getPath().startsWith("/" + ISSUER_ID + "/token")) {
        return r;
      }
    }
    throw new AssertionError("the provider saw no token request");
  }

  void assertRefused(Response r, String message) {
    assertThat(r.status()).as(r.toString()).isEqualTo(401);
    assertThat(r.header("Content-Type")).startsWith("text/html");
    assertThat(r.alerts()).containsExactly(message);
  }

  void assertSignedOut(PortalClient browser) {
    Response r = get(browser, "/portal/accounts");
    assertThat(r.status()).as(r.toString()).isEqualTo(302);
    assertThat(r.location()).isEqualTo("/portal/login?next=%2Fportal%2Faccounts");
  }

  void assertSecretNeverShown() {
    assertThat(seen).isNotEmpty().allSatisfy(r -> {
      assertThat(r.body()).doesNotContain(CLIENT_SECRET);
      assertThat(String.valueOf(r.location())).doesNotContain(CLIENT_SECRET);
      assertThat(r.sessionCookie().orElse("")).doesNotContain(CLIENT_SECRET);
    });
  }

  static String queryParam(String url, String name) {
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    throw new AssertionError("no " + name + " in " + url);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.drgw.portal;

import dev.drgw.account.Account;
import dev.drgw.account.AccountFields;
import dev.drgw.account.AccountRules;
import dev.drgw.account.AccountService;
import dev.drgw.account.DeploymentNames;
import dev.drgw.account.DirectRouting;
import dev.drgw.account.DirectRoutingConfig;
import dev.drgw.audit.AuditCursor;
import dev.drgw.audit.AuditEntry;
import dev.drgw.audit.AuditQuery;
import dev.drgw.audit.AuditTrail;
import dev.drgw.auth.OidcClient;
import dev.drgw.auth.PasswordHasher;
import dev.drgw.changes.ProvisioningState;
import dev.drgw.changes.SyncStatus;
import dev.drgw.domain.Actor;
import dev.drgw.domain.Filter;
import dev.drgw.domain.Page;
import dev.drgw.domain.PageRequest;
import dev.drgw.domain.Precondition;
import dev.drgw.domain.ProvisioningException;
import dev.drgw.domain.Stored;
import dev.drgw.domain.Violation;
import dev.drgw.number.NumberEntry;
import dev.drgw.number.NumberFields;
import dev.drgw.number.NumberService;
import dev.drgw.users.PortalUser;
import dev.drgw.users.UserRole;
import dev.drgw.users.UserStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Number Management Portal's route table and handlers: server-rendered pages over the same
 * services as the API. Every page needs a signed-in session; every form carries the session's
 * CSRF token; what a role cannot do is neither shown nor accepted.
 */
public final class PortalRoutes {

  private static final Logger log = LoggerFactory.getLogger(PortalRoutes.class);
  static final String ROUTE_ATTRIBUTE = "drgw.route";
  /** Largest CSV upload, in MiB. */
  public static final int MAX_UPLOAD_MB = 16;
  private static final int PAGE = 50;
  /** Seconds to wait before retrying while the database is unavailable. */
  private static final int RETRY_AFTER_SECONDS = 5;
  private final java.util.function.Predicate<Throwable> storeUnavailable;

  private final AccountService accounts;
  private final NumberService numbers;
  private final SyncStatus status;
  private final DeploymentNames names;
  private final UserStore users;
  private final PasswordHasher hasher;
  private final Sessions sessions;
  private final Templates templates = new Templates();
  private final CsvImport csv;
  private final Optional<OidcLogin> oidc;
  private final LoginThrottle throttle;
  private final AuditTrail audit;

  public PortalRoutes(
      AccountService accounts,
      NumberService numbers,
      AuditTrail audit,
      SyncStatus status,
      DeploymentNames names,
      UserStore users,
      PasswordHasher hasher,
      java.time.Clock clock,
      java.time.Duration sessionLifetime,
      Optional<OidcLogin> oidc,
      java.util.function.Predicate<Throwable> storeUnavailable) {
    this.storeUnavailable = storeUnavailable;
    this.accounts = accounts;
    this.numbers = numbers;
    this.audit = audit;
    this.status = status;
    this.names = names;
    this.users = users;
    this.hasher = hasher;
    this.sessions = new Sessions(clock, sessionLifetime);
    this.csv = new CsvImport(numbers);
    this.oidc = oidc;
    this.throttle = new LoginThrottle(clock);
  }

  public void register(RoutesConfig routes) {
    routes.get("/portal", ctx -> ctx.redirect("/portal/accounts"));
    routes.get("/portal/static/{file}", this::asset);
    routes.get("/portal/login", page("/portal/login", this::loginForm));
    routes.post("/portal/login", page("/portal/login", this::login));
    routes.post("/portal/logout", page("/portal/logout", this::logout));
    if (oidc.isPresent()) {
      routes.get("/portal/login/oidc", page("/portal/login/oidc", this::oidcStart));
      routes.get("/portal/login/oidc/callback", page("/portal/login/oidc/callback", this::oidcCallback));
    }
    routes.get("/portal/accounts", signedIn("/portal/accounts", UserRole.READ, this::accountList));
    routes.get("/portal/accounts/new", signedIn("/portal/accounts/new", UserRole.WRITE, this::newAccount));
    routes.post("/portal/accounts", form("/portal/accounts", UserRole.WRITE, this::createAccount));
    String account = "/portal/accounts/{account}";
    routes.get(account, signedIn(account, UserRole.READ, this::accountPage));
    routes.get(account + "/edit", signedIn(account + "/edit", UserRole.WRITE, this::editAccount));
    routes.post(account, form(account, UserRole.WRITE, this::updateAccount));
    routes.get(account + "/delete", signedIn(account + "/delete", UserRole.DELETE, this::confirmAccountDelete));
    routes.post(account + "/delete", form(account + "/delete", UserRole.DELETE, this::deleteAccount));
    routes.get(account + "/numbers", signedIn(account + "/numbers", UserRole.READ, this::numberList));
    routes.get(account + "/numbers/new", signedIn(account + "/numbers/new", UserRole.WRITE, this::newNumbers));
    routes.post(account + "/numbers", form(account + "/numbers", UserRole.WRITE, this::createNumbers));
    routes.get(account + "/numbers/upload", signedIn(account + "/numbers/upload", UserRole.WRITE, this::uploadForm));
    routes.post(account + "/numbers/upload", form(account + "/numbers/upload", UserRole.WRITE, this::upload));
    routes.post(account + "/numbers/delete", form(account + "/numbers/delete", UserRole.DELETE, this::confirmNumbersDelete));
    routes.post(account + "/numbers/delete/confirm",
        form(account + "/numbers/delete/confirm", UserRole.DELETE, this::deleteNumbers));
    String number = account + "/numbers/{number}";
    routes.get(number, signedIn(number, UserRole.READ, this::numberPage));
    routes.post(number, form(number, UserRole.WRITE, this::updateNumber));
    routes.get("/portal/audit", signedIn("/portal/audit", UserRole.READ, this::auditTrail));
  }

  private static final String UPLOAD_TOO_LARGE = "The upload is too large: at most " + MAX_UPLOAD_MB
      + " MB. Nothing was saved; split the file and upload the parts.";

  private static boolean isMultipart(Context ctx) {
    return String.valueOf(ctx.contentType()).toLowerCase(java.util.Locale.ROOT).startsWith("multipart/");
  }

  /** Whether the portal answers for this path (its errors are pages, not JSON). */
  public static boolean owns(String path) {
    return path.equals("/portal") || path.startsWith("/portal/");
  }

  /** A page for a request that failed outside a handler: unknown page, wrong method, crash. */
  public void failed(Context ctx, int status) {
    securityHeaders(ctx);
    String message = switch (status) {
      case 404 -> "There is no such page.";
      case 405 -> "This page cannot be used that way.";
      case 413 -> isMultipart(ctx) ? UPLOAD_TOO_LARGE : "The form is too large, so nothing was saved. Shorten what you typed.";
      case 500 -> "Something went wrong on the server; nothing you typed was saved. The details are in drgw's log.";
      case 503 -> "The provisioning database is unavailable, so nothing was read or saved (calls and DNS are"
          + " still served). Please try again in a few seconds.";
      default -> "The request failed (" + status + ").";
    };
    Optional<Sessions.Session> session = sessions.find(ctx.cookie(Sessions.COOKIE)).filter(Sessions.Session::signedIn);
    if (session.isEmpty()) {
      ctx.status(status).contentType("text/plain; charset=utf-8").result(message);
      return;
    }
    error(ctx, session.get(), status, message);
  }

  // ---- plumbing: sessions, roles, CSRF, rendering -------------------------------------------

  /** A handler that gets the session (signed in with at least {@code role}). */
  @FunctionalInterface
  interface PageHandler {
    void handle(Context ctx, Sessions.Session session) throws Exception;
  }

  private Handler page(String route, Handler handler) {
    return ctx -> {
      ctx.attribute(ROUTE_ATTRIBUTE, route);
      securityHeaders(ctx);
      try {
        handler.handle(ctx);
      } catch (RuntimeException e) {
        if (!storeUnavailable.test(e)) {
          throw e;
        }
        log.warn("portal {} {}: the database is unavailable ({})", ctx.method(), ctx.path(), e.getMessage());
        ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        failed(ctx, 503);
      }
    };
  }

  private Handler signedIn(String route, UserRole needed, PageHandler handler) {
    return page(route, ctx -> {
      Optional<Sessions.Session> session = sessions.find(ctx.cookie(Sessions.COOKIE)).filter(Sessions.Session::signedIn);
      if (session.isEmpty()) {
        ctx.redirect("/portal/login?next=" + URLEncoder.encode(ctx.path(), StandardCharsets.UTF_8));
        return;
      }
      if (!session.get().allows(needed)) {
        error(ctx, session.get(), 403, "Your role (" + session.get().roleLabel() + ") cannot do this.");
        return;
      }
      try {
        handler.handle(ctx, session.get());
      } catch (ProvisioningException.NotFound e) {
        error(ctx, session.get(), 404, e.getMessage());
      }
    });
  }

  /** A form post: signed in, the role, and the session's CSRF token. */
  private Handler form(String route, UserRole needed, PageHandler handler) {
    return signedIn(route, UserRole.READ, (ctx, session) -> {
      String token;
      try {
        token = csrfOf(ctx);
      } catch (Exception e) {
        Optional<Integer> unreadable = unreadableBody(e);
        if (unreadable.isEmpty()) {
          throw e;
        }
        log.info("portal {} {}: unreadable form body: {}", ctx.method(), ctx.path(), rootMessage(e));
        error(ctx, session, unreadable.get(), unreadable.get() == 413 ? UPLOAD_TOO_LARGE
            : "The form could not be read: it was cut off or malformed. Nothing was saved; please try again.");
        return;
      }
      if (!sameToken(session.csrf(), token)) {
        error(ctx, session, 403, "This form has expired or did not come from this portal; reload the page and try again.");
        return;
      }
      if (!session.allows(needed)) {
        error(ctx, session, 403, "Your role (" + session.roleLabel() + ") cannot do this.");
        return;
      }
      handler.handle(ctx, session);
    });
  }

  /** 413 or 400 when {@code e} says the request body could not be parsed as a form, else empty. */
  static Optional<Integer> unreadableBody(Throwable e) {
    boolean badMessage = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("max file size exceeded") || message.contains("max request size exceeded")
          || message.contains("max length exceeded")) {
        return Optional.of(413);
      }
      badMessage |= t.getClass().getName().equals("org.eclipse.jetty.http.BadMessageException");
    }
    return badMessage ? Optional.of(400) : Optional.empty();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.toString();
  }

  private static String csrfOf(Context ctx) {
    return ctx.formParam("_csrf");
  }

  private static boolean sameToken(String expected, String given) {
    return given != null
        && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  private static void securityHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("Cache-Control", "no-store");
  }

  private void render(Context ctx, int status, String template, Object page) {
    ctx.status(status).contentType("text/html; charset=utf-8").result(templates.render(template, page));
  }

  private Views.Layout layout(Sessions.Session s, String title) {
    return new Views.Layout(
        title, s.user(), s.roleLabel(), s.csrf(), s.allows(UserRole.WRITE), s.allows(UserRole.DELETE),
        sessions.takeNotice(s));
  }

  /** After a change: a message for the next page of the session, and that page. */
  private void redirect(Context ctx, Sessions.Session s, String location, String notice) {
    sessions.notice(s, notice);
    ctx.redirect(location);
  }

  private void error(Context ctx, Sessions.Session s, int status, String message) {
    render(ctx, status, "error", new Views.Error(layout(s, "Error " + status), status, message));
  }

  private static Actor actor(Context ctx, Sessions.Session s) {
    return new Actor("portal:" + s.user(), ctx.ip());
  }

  private static void cookie(Context ctx, Sessions.Session s) {
    cookie(ctx, s, "Strict");
  }

  private static void cookie(Context ctx, Sessions.Session s, String sameSite) {
    boolean https = "https".equalsIgnoreCase(ctx.scheme())
        || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    ctx.header("Set-Cookie", Sessions.COOKIE + "=" + s.id() + "; Path=/portal; HttpOnly; SameSite=" + sameSite
        + (https ? "; Secure" : ""));
  }

  private static String param(Context ctx, String name) {
    String v = ctx.formParam(name);
    return v == null ? "" : v.strip();
  }

  private static String nullIfBlank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static String pathParam(Context ctx, String name) {
    return ctx.pathParamMap().get(name);
  }

  private void asset(Context ctx) throws Exception {
    ctx.attribute(ROUTE_ATTRIBUTE, "/portal/static/{file}");
    String file = ctx.pathParamMap().get("file");
    String type = file.endsWith(".css") ? "text/css; charset=utf-8"
        : file.endsWith(".js") ? "text/javascript; charset=utf-8" : null;
    try (var in = type == null || file.contains("/") ? null : PortalRoutes.class.getResourceAsStream("/portal/" + file)) {
      if (in == null) {
        ctx.status(404).result("not found");
        return;
      }
      ctx.header("Cache-Control", "max-age=3600").contentType(type).result(in.readAllBytes());
    }
  }

  // ---- sign-in ---------------------------------------------------------------------------

  private void loginForm(Context ctx) {
    Sessions.Session s = sessions.find(ctx.cookie(Sessions.COOKIE)).orElseGet(sessions::anonymous);
    cookie(ctx, s);
    render(ctx, 200, "login", new Views.Login("Sign in", s.csrf(), "", null, oidc.isPresent(), next(ctx)));
  }

  private void login(Context ctx) {
    Optional<Sessions.Session> found = sessions.find(ctx.cookie(Sessions.COOKIE));
    String username = param(ctx, "username");
    if (found.isEmpty() || !sameToken(found.get().csrf(), ctx.formParam("_csrf"))) {
      Sessions.Session s = sessions.anonymous();
      cookie(ctx, s);
      render(ctx, 403, "login", new Views.Login("Sign in", s.csrf(), username,
          "The sign-in form had expired. Please try again.", oidc.isPresent(), next(ctx)));
      return;
    }
    Optional<java.time.Duration> wait = throttle.blocked(ctx.ip(), username);
    if (wait.isPresent()) {
      log.warn("portal sign-in of '{}' from {} refused: too many failures", username, ctx.ip());
      ctx.header("Retry-After", Long.toString(wait.get().toSeconds()));
      render(ctx, 429, "login", new Views.Login("Sign in", found.get().csrf(), username,
          "Too many failed sign-ins. Try again in " + Math.max(1, wait.get().toMinutes() + 1) + " minutes.",
          oidc.isPresent(), next(ctx)));
      return;
    }
    char[] password = ctx.formParam("password") == null ? new char[0] : ctx.formParam("password").toCharArray();
    Optional<PortalUser> user = users.find(username);
    boolean ok = hasher.matches(password, user.map(PortalUser::passwordHash).orElse(null));
    java.util.Arrays.fill(password, '\0');
    if (!ok) {
      throttle.failed(ctx.ip(), username);
      log.info("portal sign-in failed for '{}' from {}", username, ctx.ip());
      render(ctx, 401, "login", new Views.Login("Sign in", found.get().csrf(), username,
          "Wrong username or password.", oidc.isPresent(), next(ctx)));
      return;
    }
    throttle.succeeded(ctx.ip(), username);
    Sessions.Session s = sessions.signIn(found.get(), user.get().username(), Set.of(user.get().role()));
    cookie(ctx, s);
    log.info("portal sign-in of '{}' ({}) from {}", s.user(), s.roleLabel(), ctx.ip());
    ctx.redirect(safeNext(ctx.queryParam("next")));
  }

  private static String next(Context ctx) {
    String next = safeNext(ctx.queryParam("next"));
    return next.equals(Links.accounts()) ? "" : next;
  }

  private void oidcStart(Context ctx) {
    Sessions.Session s = sessions.find(ctx.cookie(Sessions.COOKIE)).orElseGet(sessions::anonymous);
    // The provider sends the browser back from its own site: a Strict cookie would stay behind
    // when the user signed in there. Only a session not signed in yet is ever Lax.
    cookie(ctx, s, s.signedIn() ? "Strict" : "Lax");
    try {
      oidc.get().start(ctx, s, safeNext(ctx.queryParam("next")));
    } catch (OidcClient.OidcException e) {
      render(ctx, 502, "login", new Views.Login("Sign in", s.csrf(), "", e.getMessage(), true, next(ctx)));
    }
  }

  private void oidcCallback(Context ctx) {
    Optional<Sessions.Session> found = sessions.find(ctx.cookie(Sessions.COOKIE));
    Sessions.Session s = found.orElseGet(sessions::anonymous);
    try {
      OidcLogin.Result result = oidc.get().finish(ctx, s);
      if (result.roles().isEmpty()) {
        log.warn("OpenID Connect user '{}' has no drgw role; refused", result.username());
        cookie(ctx, s);
        render(ctx, 403, "login", new Views.Login("Sign in", s.csrf(), "", "You signed in as " + result.username()
            + ", but your organisation has given you no drgw role (ProvisioningAPI.Read, .Write, .Delete or .Admin).",
            true, ""));
        return;
      }
      Sessions.Session signedIn = sessions.signIn(s, result.username(), result.roles());
      cookie(ctx, signedIn);
      log.info("portal sign-in of '{}' ({}) through OpenID Connect from {}", signedIn.user(), signedIn.roleLabel(),
          ctx.ip());
      render(ctx, 200, "signed-in", new Views.SignedIn(signedIn.user(), result.next()));
    } catch (OidcClient.OidcException e) {
      log.info("OpenID Connect sign-in failed from {}: {}", ctx.ip(), e.getMessage());
      cookie(ctx, s);
      render(ctx, 401, "login", new Views.Login("Sign in", s.csrf(), "", e.getMessage(), true, ""));
    }
  }

  /** Only paths inside the portal: never an open redirect. */
  static String safeNext(String next) {
    if (next == null || !next.startsWith("/portal/") || next.contains("\\") || next.contains("/.")
        || next.toLowerCase(java.util.Locale.ROOT).contains("%2e")
        || next.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "/portal/accounts";
    }
    return next;
  }

  private void logout(Context ctx) {
    Optional<Sessions.Session> s = sessions.find(ctx.cookie(Sessions.COOKIE));
    if (s.isPresent() && sameToken(s.get().csrf(), ctx.formParam("_csrf"))) {
      sessions.end(s.get().id());
    }
    ctx.header("Set-Cookie", Sessions.COOKIE + "=; Path=/portal; Max-Age=0; HttpOnly; SameSite=Strict");
    ctx.redirect("/portal/login");
  }

  // ---- accounts --------------------------------------------------------------------------

  private void accountList(Context ctx, Sessions.Session s) {
    String query = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip();
    Filter filter = query.isEmpty() ? Filter.ALL
        : new Filter.Or(new Filter.StartsWith(AccountFields.NAME, query),
            new Filter.StartsWith(AccountFields.SUBDOMAIN, query));
    Optional<String> after = Optional.ofNullable(ctx.queryParam("after")).filter(a -> !a.isBlank());
    Page<Stored<Account>> page = accounts.list(new PageRequest(filter, after, 0, PAGE));
    List<String> pageNames = page.items().stream().map(a -> a.value().name()).toList();
    Map<String, Long> counts = accounts.directRoutingNumberCounts(pageNames);
    List<Views.AccountRow> rows = new ArrayList<>();
    for (Stored<Account> a : page.items()) {
      DirectRoutingConfig c = a.value().directRouting().configuration();
      rows.add(new Views.AccountRow(a.value().name(), c == null ? "" : c.subdomain(),
          a.value().directRoutingEnabled(), counts.getOrDefault(a.value().name(), 0L),
          status.ofAccount(a).subdomainStatus().wire()));
    }
    String next = page.continueAfter()
        .map(last -> Links.search(Links.accounts(), query, last)).orElse(null);
    render(ctx, 200, "accounts", new Views.Accounts(layout(s, "Accounts"), query, rows,
        next, after.isEmpty()));
  }

  private void newAccount(Context ctx, Sessions.Session s) {
    render(ctx, 200, "account-form", accountForm(s, true, "", "", "", true, true, "", "", "", "", Map.of(), null));
  }

  private Views.AccountForm accountForm(
      Sessions.Session s, boolean creating, String name, String correlationId, String tenant, boolean dr,
      boolean screening, String subdomain, String token1, String token2, String etag, Map<String, String> errors,
      String error) {
    List<String> regionDomains = names.regionNumbers().stream().map(names::regionDomain).toList();
    return new Views.AccountForm(
        layout(s, creating ? "Create account" : "Edit account " + name), creating, name, correlationId, tenant,
        dr, screening, subdomain, token1, token2, names.regions(), regionDomains,
        DeploymentNames.MAX_SUBDOMAIN_LENGTH, etag, errors, error);
  }

  private void createAccount(Context ctx, Sessions.Session s) {
    saveAccount(ctx, s, true, param(ctx, "name"));
  }

  private void updateAccount(Context ctx, Sessions.Session s) {
    saveAccount(ctx, s, false, pathParam(ctx, "account"));
  }

  private void saveAccount(Context ctx, Sessions.Session s, boolean creating, String name) {
    boolean dr = ctx.formParam("directRouting") != null;
    boolean screening = ctx.formParam("callScreening") != null;
    String subdomain = param(ctx, "subdomain");
    String token1 = param(ctx, "token1");
    String token2 = param(ctx, "token2");
    String etag = param(ctx, "etag");
    DirectRoutingConfig config = subdomain.isEmpty() && token1.isEmpty() && token2.isEmpty() ? null
        : new DirectRoutingConfig(screening, subdomain, nullIfBlank(token1), nullIfBlank(token2));
    Account account = new Account(name, nullIfBlank(param(ctx, "correlationId")), nullIfBlank(param(ctx, "tenantId")),
        new DirectRouting(dr, dr, config), creating ? null : accounts.find(name).map(a -> a.value().otherServices()).orElse(null));
    Precondition condition = creating
        ? new Precondition(Optional.empty(), Optional.of("*"))
        : new Precondition(Optional.of(etag).filter(e -> !e.isEmpty()), Optional.empty());
    try {
      accounts.put(name, account, condition, actor(ctx, s));
      redirect(ctx, s, Links.account(name), creating ? "Account created." : "Account saved.");
    } catch (ProvisioningException e) {
      Map<String, String> errors = new LinkedHashMap<>();
      String general = fieldErrors(e, errors, creating);
      render(ctx, 400, "account-form", accountForm(s, creating, name, param(ctx, "correlationId"),
          param(ctx, "tenantId"), dr, screening, subdomain, token1, token2, etag, errors, general));
    }
  }

  /** Puts each violation beside its form field; returns the message with no field, if any. */
  private static String fieldErrors(ProvisioningException e, Map<String, String> errors, boolean creating) {
    if (e instanceof ProvisioningException.PreconditionFailed) {
      return creating ? "An account with this name already exists." : "Someone changed this account meanwhile; reload it and make your change again.";
    }
    List<Violation> violations = e instanceof ProvisioningException.Invalid i ? i.violations()
        : e instanceof ProvisioningException.Conflict c && c.target() != null
            ? List.of(new Violation(c.target(), c.code(), c.getMessage()))
            : List.of();
    String general = violations.isEmpty() ? e.getMessage() : null;
    for (Violation v : violations) {
      String field = formField(v.target());
      if (field == null) {
        general = v.message();
      } else {
        errors.putIfAbsent(field, plain(v.message()));
      }
    }
    return general;
  }

  static String formField(String target) {
    if (target == null) {
      return null;
    }
    if (target.equals("name") || target.equals("accountName")) {
      return "name";
    }
    if (target.equals("correlationId")) {
      return "correlationId";
    }
    if (target.endsWith("teamsTenantId")) {
      return "tenantId";
    }
    if (target.endsWith("region1Token")) {
      return "token1";
    }
    if (target.endsWith("region2Token")) {
      return "token2";
    }
    if (target.endsWith("configuration.subdomain") || target.endsWith("teamsDirectRouting.configuration")) {
      return "subdomain";
    }
    if (target.endsWith("customSipHeader")) {
      return "customSipHeader";
    }
    if (target.endsWith("telephoneNumber")) {
      return "telephoneNumber";
    }
    if (target.endsWith("teamsDirectRouting.enabled")) {
      return "directRouting";
    }
    return null;
  }

  /** The API's message without its JSON path ("serviceDetails....subdomain must ..." → "must ..."). */
  static String plain(String message) {
    return message
        .replaceFirst("^[A-Za-z0-9_.\\[\\]]+\\.(subdomain|region1Token|region2Token|teamsTenantId|customSipHeader) ", "$1 ")
        .replaceFirst("^serviceDetails\\.teamsDirectRouting\\.configuration ", "the Direct Routing configuration ");
  }

  private void accountPage(Context ctx, Sessions.Session s) {
    Stored<Account> stored = accounts.get(pathParam(ctx, "account"));
    Account a = stored.value();
    ProvisioningState state = status.ofAccount(stored);
    DirectRoutingConfig c = a.directRouting().configuration();
    List<Views.Region> regions = new ArrayList<>();
    List<String> subdomains = new ArrayList<>();
    if (c != null) {
      for (int r : names.regionNumbers()) {
        String sub = names.customerSubdomain(c.subdomain(), r);
        subdomains.add(sub);
        ProvisioningState.RegionProvisioning served = state.regions().stream()
            .filter(p -> p.region() == r).findFirst().orElse(null);
        String regional = !a.directRoutingEnabled() ? "notProvisioned"
            : served == null ? state.subdomainStatus().wire() : served.subdomainStatus().wire();
        regions.add(new Views.Region(r, sub, c.token(r), regional, served == null ? -1 : served.liveNodes()));
      }
    }
    boolean tokensGiven = c != null && names.regionNumbers().stream().allMatch(r -> c.token(r) != null);
    SetupGuide guide = c == null ? null
        : SetupGuide.of(subdomains, tokensGiven, state.subdomainStatus() == ProvisioningState.SubdomainStatus.PROVISIONED);
    long count = accounts.directRoutingNumberCounts(List.of(a.name())).getOrDefault(a.name(), 0L);
    render(ctx, 200, "account", new Views.Account(layout(s, "Account " + a.name()), a.name(),
        a.correlationId(), a.teamsTenantId(), a.directRoutingEnabled(), c != null && c.callScreening(),
        c == null ? null : c.subdomain(), count, state.subdomainStatus().wire(), state.serviceStatus().wire(),
        regions, guide));
  }

  private void editAccount(Context ctx, Sessions.Session s) {
    Stored<Account> stored = accounts.get(pathParam(ctx, "account"));
    Account a = stored.value();
    DirectRoutingConfig c = a.directRouting().configuration();
    render(ctx, 200, "account-form", accountForm(s, false, a.name(), nz(a.correlationId()), nz(a.teamsTenantId()),
        a.directRoutingEnabled(), c == null || c.callScreening(), c == null ? "" : c.subdomain(),
        c == null ? "" : nz(c.region1Token()), c == null ? "" : nz(c.region2Token()), stored.etag(), Map.of(), null));
  }

  private void confirmAccountDelete(Context ctx, Sessions.Session s) {
    String name = pathParam(ctx, "account");
    accounts.get(name);
    long count = numbers.count(Optional.of(name), Filter.ALL);
    render(ctx, 200, "account-delete", new Views.AccountDelete(layout(s, "Delete account " + name), name, count, null));
  }

  private void deleteAccount(Context ctx, Sessions.Session s) {
    String name = pathParam(ctx, "account");
    boolean withNumbers = ctx.formParam("deleteNumbers") != null;
    try {
      accounts.delete(name, Precondition.NONE, withNumbers, actor(ctx, s));
      redirect(ctx, s, Links.accounts(), "Account " + name + " deleted.");
    } catch (ProvisioningException.Conflict e) {
      long count = numbers.count(Optional.of(name), Filter.ALL);
      render(ctx, 409, "account-delete", new Views.AccountDelete(layout(s, "Delete account " + name), name, count,
          "The account still has " + count + " numbers. Tick \"Delete its numbers too\" to delete them with it."));
    }
  }

  // ---- numbers ---------------------------------------------------------------------------

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private void auditTrail(Context ctx, Sessions.Session s) {
    String account = Optional.ofNullable(ctx.queryParam("account")).orElse("").strip();
    List<Violation> invalid = account.isEmpty() ? List.of() : AccountRules.checkName(account, "account");
    Optional<AuditCursor> after = Optional.ofNullable(ctx.queryParam("after")).flatMap(AuditCursor::parse);
    List<Views.AuditRow> rows = new ArrayList<>();
    String next = null;
    if (invalid.isEmpty()) {
      AuditQuery query = AuditQuery.latest(PAGE);
      query = account.isEmpty() ? query : query.withAccount(account);
      query = after.map(query::after).orElse(query);
      Page<AuditEntry> page = audit.list(query);
      for (AuditEntry e : page.items()) {
        String link = e.kind() == AuditEntry.Kind.NUMBER
            ? Links.number(e.accountName(), e.entity()) : Links.account(e.entity());
        rows.add(new Views.AuditRow(e.at().toString(), WHEN.format(e.at()), e.actor(), nz(e.source()),
            e.kind().wire(), e.entity(), link, e.accountName(), e.action().wire(), e.before(), e.after()));
      }
      next = page.continueAfter().map(last -> Links.audit(account, last)).orElse(null);
    }
    String title = account.isEmpty() || !invalid.isEmpty() ? "Audit trail" : "Audit trail of " + account;
    render(ctx, invalid.isEmpty() ? 200 : 400, "audit", new Views.Audit(layout(s, title), account,
        invalid.isEmpty() ? null : invalid.get(0).message(), rows, next, after.isEmpty()));
  }

  private void numberList(Context ctx, Sessions.Session s) {
    String account = pathParam(ctx, "account");
    String query = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip().replace(" ", "");
    Filter filter = query.isEmpty() ? Filter.ALL
        : new Filter.StartsWith(NumberFields.TELEPHONE_NUMBER, query.startsWith("+") ? query : "+" + query);
    Optional<String> after = Optional.ofNullable(ctx.queryParam("after")).filter(a -> !a.isBlank());
    Page<Stored<NumberEntry>> page = numbers.list(Optional.of(account), new PageRequest(filter, after, 0, PAGE));
    List<Views.NumberRow> rows = page.items().stream()
        .map(n -> new Views.NumberRow(n.value().telephoneNumber(), n.value().directRoutingEnabled(),
            nz(n.value().customSipHeader()), status.ofNumber(n).serviceStatus().wire()))
        .toList();
    String next = page.continueAfter()
        .map(last -> Links.search(Links.numbers(account), query, last))
        .orElse(null);
    render(ctx, 200, "numbers", new Views.Numbers(layout(s, "Numbers of " + account), account,
        query, rows, next, after.isEmpty()));
  }

  private void newNumbers(Context ctx, Sessions.Session s) {
    String account = pathParam(ctx, "account");
    accounts.get(account);
    render(ctx, 200, "numbers-new", new Views.NumbersNew(layout(s, "Create numbers"), account, "", true, "", List.of()));
  }

  private void createNumbers(Context ctx, Sessions.Session s) {
    String account = pathParam(ctx, "account");
    String text = ctx.formParam("numbers") == null ? "" : ctx.formParam("numbers");
    boolean dr = ctx.formParam("directRouting") != null;
    String header = param(ctx, "customSipHeader");
    NumberInput.Parsed parsed = NumberInput.parse(text);
    List<String> errors = new ArrayList<>(parsed.errors());
    if (errors.isEmpty()) {
      List<NumberEntry> entries = parsed.numbers().stream()
          .map(tn -> new NumberEntry(tn, account, dr, header.isEmpty() ? null : header, null)).toList();
      try {
        for (int i = 0; i < entries.size(); i += NumberService.MAX_BATCH) {
          numbers.upsertBatch(account, entries.subList(i, Math.min(entries.size(), i + NumberService.MAX_BATCH)), actor(ctx, s));
        }
        redirect(ctx, s, Links.numbers(account), entries.size() + (entries.size() == 1 ? " number saved." : " numbers saved."));
        return;
      } catch (ProvisioningException e) {
        List<Violation> details = e instanceof ProvisioningException.Conflict c ? c.details()
            : e instanceof ProvisioningException.Invalid v ? v.violations() : List.of();
        if (details.isEmpty()) {
          errors.add(e.getMessage());
        } else {
          details.forEach(d -> errors.add(d.message().replaceFirst("^numbers\\[\\d+\\]\\.", "")));
        }
      }
    }
    render(ctx, 400, "numbers-new", new Views.NumbersNew(layout(s, "Create numbers"), account, text, dr, header, errors));
  }

  private void uploadForm(Context ctx, Sessions.Session s) {
    String account = pathParam(ctx, "account");
    accounts.get(account);
    render(ctx, 200, "numbers-upload", new Views.NumbersUpload(layout(s, "Upload numbers"), account, null));
  }

  private void upload(Context ctx, Sessions.Session s) throws Exception {
    String account = pathParam(ctx, "account");
    accounts.get(account);
    UploadedFile file = ctx.uploadedFile("file");
    if (file == null || file.size() == 0) {
      render(ctx, 400, "numbers-upload", new Views.NumbersUpload(layout(s, "Upload numbers"), account,
          "Choose a CSV file to upload."));
      return;
    }
    CsvImport.Report report;
    try (Reader reader = new InputStreamReader(file.content(), StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT))) {
      report = csv.run(account, reader, actor(ctx, s));
    }
    render(ctx, 200, "upload-report", new Views.UploadReport(layout(s, "Upload report"), account, report.rows(),
        report.applied(), report.errors()));
  }

  /** The {@code {number}} of the path, a literal '+' kept (it is not a space here). */
  private static String numberParam(Context ctx) {
    return java.net.URLDecoder.decode(pathParam(ctx, "number").replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private void numberPage(Context ctx, Sessions.Session s) {
    String account = pathParam(ctx, "account");
    String tn = numberParam(ctx);
    Stored<NumberEntry> n = numbers.get(account, tn);
    render(ctx, 200, "number", new Views.NumberEdit(layout(s, "Number " + tn), account, tn,
        n.value().directRoutingEnabled(), nz(n.value().customSipHeader()), status.ofNumber(n).serviceStatus().wire(),
        n.etag(), Map.of(), null));
  }

  private void updateNumber(Context ctx, Sessions.Session s) {
    String account = pathParam(ctx, "account");
    String tn = numberParam(ctx);
    boolean dr = ctx.formParam("directRouting") != null;
    String header = param(ctx, "customSipHeader");
    String etag = param(ctx, "etag");
    try {
      numbers.put(account, tn, new NumberEntry(tn, account, dr, header.isEmpty() ? null : header, null),
          new Precondition(Optional.of(etag).filter(e -> !e.isEmpty()), Optional.empty()), actor(ctx, s));
      redirect(ctx, s, Links.number(account, tn), "Number saved.");
    } catch (ProvisioningException e) {
      Map<String, String> errors = new LinkedHashMap<>();
      String general = fieldErrors(e, errors, false);
      render(ctx, 400, "number", new Views.NumberEdit(layout(s, "Number " + tn), account, tn, dr, header, "pending",
          etag, errors, general));
    }
  }

  private void confirmNumbersDelete(Context ctx, Sessions.Session s) {
    String account = pathParam(ctx, "account");
    List<String> chosen = ctx.formParams("number");
    if (chosen.isEmpty()) {
      redirect(ctx, s, Links.numbers(account), "Choose the numbers to delete first.");
      return;
    }
    render(ctx, 200, "numbers-delete", new Views.NumbersDelete(layout(s, "Delete numbers"), account, chosen, null));
  }

  private void deleteNumbers(Context ctx, Sessions.Session s) {
    String account = pathParam(ctx, "account");
    List<String> chosen = ctx.formParams("number");
    try {
      for (int i = 0; i < chosen.size(); i += NumberService.MAX_BATCH) {
        numbers.deleteBatch(account, chosen.subList(i, Math.min(chosen.size(), i + NumberService.MAX_BATCH)), actor(ctx, s));
      }
      redirect(ctx, s, Links.numbers(account), chosen.size() + (chosen.size() == 1 ? " number deleted." : " numbers deleted."));
    } catch (ProvisioningException e) {
      render(ctx, 409, "numbers-delete", new Views.NumbersDelete(layout(s, "Delete numbers"), account, chosen,
          e.getMessage()));
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}

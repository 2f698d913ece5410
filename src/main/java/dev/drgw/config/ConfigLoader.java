package dev.drgw.config;

import static dev.drgw.config.Settings.AUTH_AUDIENCE;
import static dev.drgw.config.Settings.AUTH_ISSUER;
import static dev.drgw.config.Settings.AUTH_JWKS_URL;
import static dev.drgw.config.Settings.BASE_DOMAIN;
import static dev.drgw.config.Settings.DATA_DIR;
import static dev.drgw.config.Settings.DB_PASSWORD;
import static dev.drgw.config.Settings.DB_POOL_SIZE;
import static dev.drgw.config.Settings.DB_URL;
import static dev.drgw.config.Settings.DB_USER;
import static dev.drgw.config.Settings.HTTP_BIND;
import static dev.drgw.config.Settings.HTTP_MAX_BODY_BYTES;
import static dev.drgw.config.Settings.HTTP_PORT;
import static dev.drgw.config.Settings.RATE_LIMIT_PER_MINUTE;
import static dev.drgw.config.Settings.REGIONS;
import static dev.drgw.config.Settings.REGION_DOMAIN_FORMAT;
import static dev.drgw.config.Settings.REPEATABILITY_WINDOW;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * Builds the {@link Config} at start-up: environment variables win over the YAML file, the file
 * over built-in defaults. Every bad setting is reported at once in one {@link ConfigException}.
 */
public final class ConfigLoader {

  /** Microsoft Entra ID rejects longer domain names, so every customer subdomain must fit. */
  static final int MAX_CUSTOMER_SUBDOMAIN = 48;

  private static final String ENV_PREFIX = "DRGW_";

  private ConfigLoader() {}

  /** Fails if the file cannot be read or parsed, or if any setting is unknown or bad. */
  public static Config load(Map<String, String> env, Optional<Path> yamlFile)
      throws ConfigException {
    YamlFile.Contents file =
        yamlFile.isPresent() ? YamlFile.read(yamlFile.get()) : YamlFile.Contents.EMPTY;
    Resolver r = new Resolver(env, file);
    Optional<Path> dataDir = r.get(DATA_DIR, "./data", ConfigLoader::parseDataDir);
    Optional<HttpSettings> http = http(r);
    Optional<DatabaseSettings> database = database(r, dataDir);
    Optional<DeploymentSettings> deployment = deployment(r);
    Optional<AuthSettings> auth = auth(r);
    Optional<ApiSettings> api = api(r);
    Optional<DnsSettings> dns = dns(r, deployment);
    Optional<PortalSettings> portal = portal(r);
    Optional<SipSettings> sip = sip(r, deployment);
    Optional<NodeSettings> node = node(r);
    Optional<OperationsSettings> operations = operations(r);
    r.throwIfProblems();
    return new Config(
        dataDir.orElseThrow(),
        http.orElseThrow(),
        database.orElseThrow(),
        deployment.orElseThrow(),
        auth.orElseThrow(),
        api.orElseThrow(),
        dns.orElseThrow(),
        portal.orElseThrow(),
        sip.orElseThrow(),
        node.orElseThrow(),
        operations.orElseThrow());
  }

  private static Optional<NodeSettings> node(Resolver r) {
    Optional<Optional<String>> name = r.get(Settings.NODE_NAME, "",
        raw -> raw.isEmpty() ? Parsed.ok(Optional.empty()) : nodeName(raw).map(Optional::of));
    Optional<Duration> heartbeat = r.get(Settings.NODE_HEARTBEAT_INTERVAL, "1s",
        raw -> DurationParser.parse(raw, Duration.ofMillis(100), Duration.ofMinutes(1)));
    Optional<Duration> stale = r.get(Settings.NODE_STALE_AFTER, "10s",
        raw -> DurationParser.parse(raw, Duration.ofSeconds(1), Duration.ofHours(1)));
    Optional<Duration> lag = r.get(Settings.READY_MAX_LAG, "5s",
        raw -> DurationParser.parse(raw, Duration.ofSeconds(1), Duration.ofHours(1)));
    if (!allPresent(name, heartbeat, stale, lag)) {
      return Optional.empty();
    }
    if (stale.get().compareTo(heartbeat.get().multipliedBy(2)) < 0) {
      r.problem(Settings.NODE_STALE_AFTER, "must be at least twice " + Settings.NODE_HEARTBEAT_INTERVAL.names()
          + " (" + heartbeat.get().toMillis() + " ms), got " + Parsed.quote(r.raw(Settings.NODE_STALE_AFTER).orElse("10s").strip()));
      return Optional.empty();
    }
    return Optional.of(new NodeSettings(name.get(), heartbeat.get(), stale.get(), lag.get()));
  }

  private static Parsed<String> nodeName(String raw) {
    if (raw.length() > 200 || !raw.matches("[A-Za-z0-9._:-]+")) {
      return Parsed.expected("must be 1 to 200 letters, digits, '.', '_', ':' or '-'", raw);
    }
    return Parsed.ok(raw);
  }

  /** Variables named {@code DRGW_*} that are no known setting, sorted; worth a warning. */
  public static List<String> unknownEnvironmentSettings(Map<String, String> env) {
    return env.keySet().stream()
        .filter(name -> name.startsWith(ENV_PREFIX))
        .filter(name -> Settings.byEnv(name).isEmpty())
        .sorted()
        .toList();
  }

  private static Optional<HttpSettings> http(Resolver r) {
    Optional<String> bind = r.get(HTTP_BIND, "0.0.0.0", HostParser::parse);
    Optional<Integer> port = r.get(HTTP_PORT, "8080", raw -> IntParser.parse(raw, 0, 65_535));
    Optional<Long> maxBody =
        r.get(HTTP_MAX_BODY_BYTES, "1048576", raw -> SizeParser.parse(raw, 1024, 100L << 20));
    if (!allPresent(bind, port, maxBody)) {
      return Optional.empty();
    }
    return Optional.of(new HttpSettings(bind.get(), port.get(), maxBody.get()));
  }

  private static Optional<DatabaseSettings> database(Resolver r, Optional<Path> dataDir) {
    Optional<String> url =
        r.raw(DB_URL)
            .map(String::strip)
            .or(() -> dataDir.map(dir -> JdbcUrls.H2 + "file:" + dir.resolve("drgw")))
            .flatMap(raw -> r.check(DB_URL, JdbcUrls.parse(raw)));
    Optional<String> user = user(r, url);
    String password = r.raw(DB_PASSWORD).orElse("");
    Optional<Integer> poolSize = r.get(DB_POOL_SIZE, "16", raw -> IntParser.parse(raw, 1, 200));
    if (!allPresent(url, user, poolSize)) {
      return Optional.empty();
    }
    return Optional.of(new DatabaseSettings(url.get(), user.get(), password, poolSize.get()));
  }

  private static Optional<String> user(Resolver r, Optional<String> url) {
    Optional<String> user = r.raw(DB_USER).map(String::strip);
    if (user.isPresent()) {
      return r.check(DB_USER, nonEmpty(user.get()));
    }
    if (url.isPresent() && JdbcUrls.isPostgres(url.get())) {
      r.problem(
          DB_USER,
          "must be set when "
              + DB_URL.names()
              + " is a PostgreSQL URL (\""
              + JdbcUrls.POSTGRES
              + "...\"), but it is not set");
      return Optional.empty();
    }
    return Optional.of("drgw");
  }

  private static Optional<DeploymentSettings> deployment(Resolver r) {
    Optional<String> base = r.get(BASE_DOMAIN, "gw.example.net", DnsNames::parse);
    Optional<Integer> regions =
        r.get(REGIONS, "2", raw -> IntParser.parse(raw, 1, 2, "must be 1 or 2"));
    Optional<String> format =
        r.get(REGION_DOMAIN_FORMAT, "1r%d", raw -> RegionFormat.parse(raw, regions.orElse(2)));
    if (!allPresent(base, regions, format)) {
      return Optional.empty();
    }
    String shortest = "x." + RegionFormat.label(format.get(), regions.get()) + ".";
    int allowed = MAX_CUSTOMER_SUBDOMAIN - shortest.length();
    if (base.get().length() > allowed) {
      r.problem(
          BASE_DOMAIN,
          "must be at most "
              + allowed
              + " characters with "
              + (regions.get() == 1 ? "1 region" : regions.get() + " regions")
              + " and region domain format "
              + Parsed.quote(format.get())
              + ", or customer subdomains would exceed Microsoft's "
              + MAX_CUSTOMER_SUBDOMAIN
              + "-character limit (the shortest, "
              + Parsed.quote(shortest + base.get())
              + ", has "
              + (shortest.length() + base.get().length())
              + "), got "
              + Parsed.quote(base.get()));
      return Optional.empty();
    }
    return Optional.of(new DeploymentSettings(base.get(), regions.get(), format.get()));
  }

  private static Optional<AuthSettings> auth(Resolver r) {
    Optional<String> issuer = r.get(AUTH_ISSUER, "drgw", ConfigLoader::nonEmpty);
    Optional<String> audience = r.get(AUTH_AUDIENCE, "drgw", ConfigLoader::nonEmpty);
    Optional<Optional<URI>> jwksUrl =
        r.get(
            AUTH_JWKS_URL,
            "",
            raw ->
                raw.isEmpty()
                    ? Parsed.ok(Optional.empty())
                    : UrlParser.parseHttpUrl(raw).map(Optional::of));
    if (!allPresent(issuer, audience, jwksUrl)) {
      return Optional.empty();
    }
    return Optional.of(new AuthSettings(issuer.get(), audience.get(), jwksUrl.get()));
  }

  private static Optional<PortalSettings> portal(Resolver r) {
    Optional<Duration> lifetime =
        r.get(
            Settings.PORTAL_SESSION_LIFETIME,
            "8h",
            raw -> DurationParser.parse(raw, Duration.ofMinutes(5), Duration.ofDays(7)));
    Optional<Optional<URI>> issuer =
        r.get(
            Settings.PORTAL_OIDC_ISSUER,
            "",
            raw -> raw.isEmpty() ? Parsed.ok(Optional.empty()) : UrlParser.parseHttpUrl(raw).map(Optional::of));
    Optional<String> roleClaim = r.get(Settings.PORTAL_OIDC_ROLE_CLAIM, "roles", ConfigLoader::nonEmpty);
    if (!allPresent(lifetime, issuer, roleClaim)) {
      return Optional.empty();
    }
    if (issuer.get().isEmpty()) {
      for (Setting unused : List.of(Settings.PORTAL_OIDC_CLIENT_ID, Settings.PORTAL_OIDC_CLIENT_SECRET,
          Settings.PORTAL_OIDC_REDIRECT_URI)) {
        if (r.raw(unused).filter(v -> !v.isBlank()).isPresent()) {
          r.problem(unused, "is set but " + Settings.PORTAL_OIDC_ISSUER.names() + " is not; set both or neither");
        }
      }
      return Optional.of(new PortalSettings(lifetime.get(), Optional.empty()));
    }
    Optional<String> clientId = required(r, Settings.PORTAL_OIDC_CLIENT_ID);
    Optional<String> secret = required(r, Settings.PORTAL_OIDC_CLIENT_SECRET);
    Optional<URI> redirect =
        required(r, Settings.PORTAL_OIDC_REDIRECT_URI)
            .flatMap(raw -> r.check(Settings.PORTAL_OIDC_REDIRECT_URI, redirectUri(raw)));
    if (!allPresent(clientId, secret, redirect)) {
      return Optional.empty();
    }
    return Optional.of(
        new PortalSettings(
            lifetime.get(),
            Optional.of(
                new PortalSettings.Oidc(
                    issuer.get().get(), clientId.get(), secret.get(), redirect.get(), roleClaim.get()))));
  }

  private static Optional<SipSettings> sip(Resolver r, Optional<DeploymentSettings> deployment) {
    int regions = deployment.map(DeploymentSettings::regions).orElse(2);
    Optional<Boolean> enabled = r.get(Settings.SIP_ENABLED, "false", ConfigLoader::parseBoolean);
    Optional<String> bind = r.get(Settings.SIP_BIND, "127.0.0.1", HostParser::parse);
    Optional<Integer> port = r.get(Settings.SIP_OPERATOR_PORT, "5060", raw -> IntParser.parse(raw, 1, 65_535));
    Optional<Integer> region = r.get(Settings.NODE_REGION, "1",
        raw -> IntParser.parse(raw, 1, regions, "must be a region of the deployment, 1 to " + regions));
    Optional<String> custom = r.get(Settings.SIP_CUSTOM_HEADER, "X-MS-Operator-Content", ConfigLoader::headerName);
    Optional<Optional<String>> tenant = r.get(Settings.SIP_TENANT_HEADER, "",
        raw -> raw.isEmpty() ? Parsed.ok(Optional.empty()) : headerName(raw).map(Optional::of));
    Optional<Integer> teamsPort = r.get(Settings.SIP_TEAMS_PORT, "5063", raw -> IntParser.parse(raw, 1, 65_535));
    Optional<Optional<Path>> cert = r.get(Settings.SIP_TLS_CERT, "", ConfigLoader::optionalFile);
    Optional<Optional<Path>> key = r.get(Settings.SIP_TLS_KEY, "", ConfigLoader::optionalFile);
    Optional<Optional<Path>> trust = r.get(Settings.SIP_TLS_TRUST, "", ConfigLoader::optionalFile);
    Optional<List<SipSettings.Peer>> proxies = r.get(Settings.TEAMS_PROXIES,
        "sip.pstnhub.microsoft.com:5061, sip2.pstnhub.microsoft.com:5061, sip3.pstnhub.microsoft.com:5061",
        raw -> SipPeers.parse(raw, "tls"));
    Optional<List<SipSettings.Peer>> peers = r.get(Settings.OPERATOR_PEERS, "", raw -> SipPeers.parse(raw, "udp"));
    Optional<Duration> interval = r.get(Settings.SIP_OPTIONS_INTERVAL, "60s",
        raw -> DurationParser.parse(raw, Duration.ofSeconds(1), Duration.ofMinutes(10)));
    Optional<Integer> operatorTls = r.get(Settings.SIP_OPERATOR_TLS_PORT, "5061", raw -> IntParser.parse(raw, 0, 65_535));
    Optional<Duration> noAnswer = r.get(Settings.SIP_NO_ANSWER_TIMEOUT, "2s",
        raw -> DurationParser.parse(raw, Duration.ofSeconds(1), Duration.ofSeconds(32)));
    Optional<Integer> maxRate = r.get(Settings.SIP_MAX_CALL_RATE, "500", raw -> IntParser.parse(raw, 0, 100_000));
    if (!allPresent(enabled, bind, port, teamsPort, cert, key, trust, region, custom, tenant, proxies, peers,
        interval, operatorTls, noAnswer, maxRate)) {
      return Optional.empty();
    }
    if (enabled.get()) {
      for (var file : List.of(java.util.Map.entry(Settings.SIP_TLS_CERT, cert.get()),
          java.util.Map.entry(Settings.SIP_TLS_KEY, key.get()))) {
        if (file.getValue().isEmpty()) {
          r.problem(file.getKey(), "must be set when " + Settings.SIP_ENABLED.names() + " is true");
        }
      }
    }
    return Optional.of(new SipSettings(enabled.get(), bind.get(), port.get(), teamsPort.get(), cert.get(), key.get(),
        trust.get(), region.get(), custom.get(), tenant.get(), proxies.get(), peers.get(), interval.get(),
        operatorTls.get(), noAnswer.get(), maxRate.get()));
  }

  private static Optional<OperationsSettings> operations(Resolver r) {
    Optional<Duration> drain = r.get(Settings.SHUTDOWN_DRAIN_TIMEOUT, "30s",
        raw -> raw.equals("0") ? Parsed.ok(Duration.ZERO) : DurationParser.parse(raw, Duration.ZERO, Duration.ofHours(1)));
    Optional<OperationsSettings.LogFormat> format = r.get(Settings.LOG_FORMAT, "text", ConfigLoader::logFormat);
    if (!allPresent(drain, format)) {
      return Optional.empty();
    }
    return Optional.of(new OperationsSettings(drain.get(), format.get()));
  }

  private static Parsed<OperationsSettings.LogFormat> logFormat(String raw) {
    return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
      case "text" -> Parsed.ok(OperationsSettings.LogFormat.TEXT);
      case "json" -> Parsed.ok(OperationsSettings.LogFormat.JSON);
      default -> Parsed.expected("must be text or json", raw);
    };
  }

  private static Parsed<Optional<Path>> optionalFile(String raw) {
    if (raw.isEmpty()) {
      return Parsed.ok(Optional.empty());
    }
    try {
      return Parsed.ok(Optional.of(Path.of(raw).toAbsolutePath().normalize()));
    } catch (java.nio.file.InvalidPathException e) {
      return Parsed.expected("a file path", raw);
    }
  }

  /** A SIP header name: an RFC 3261 token of letters, digits and - . ! % * _ + ` ' ~. */
  private static Parsed<String> headerName(String raw) {
    if (!raw.matches("[A-Za-z0-9.!%*_+`'~-]{1,64}")) {
      return Parsed.expected("a SIP header name (letters, digits and -, up to 64 characters)", raw);
    }
    return Parsed.ok(raw);
  }

  private static Optional<String> required(Resolver r, Setting setting) {
    Optional<String> raw = r.raw(setting).map(String::strip).filter(v -> !v.isEmpty());
    if (raw.isEmpty()) {
      r.problem(setting, "must be set when " + Settings.PORTAL_OIDC_ISSUER.names() + " is set");
    }
    return raw;
  }

  private static Parsed<URI> redirectUri(String raw) {
    Parsed<URI> url = UrlParser.parseHttpUrl(raw);
    if (url instanceof Parsed.Ok<URI> ok && !ok.value().getPath().endsWith("/portal/login/oidc/callback")) {
      return Parsed.expected("must end with /portal/login/oidc/callback", raw);
    }
    return url;
  }

  private static Optional<ApiSettings> api(Resolver r) {
    Optional<OptionalInt> rateLimit =
        r.get(RATE_LIMIT_PER_MINUTE, "", ConfigLoader::parseRateLimit);
    Optional<Duration> window =
        r.get(
            REPEATABILITY_WINDOW,
            "1h",
            raw -> DurationParser.parse(raw, Duration.ofMinutes(1), Duration.ofDays(7)));
    if (!allPresent(rateLimit, window)) {
      return Optional.empty();
    }
    return Optional.of(new ApiSettings(rateLimit.get(), window.get()));
  }

  private static Optional<DnsSettings> dns(Resolver r, Optional<DeploymentSettings> deployment) {
    String base = deployment.map(DeploymentSettings::baseDomain).orElse("gw.example.net");
    Optional<Boolean> enabled = r.get(Settings.DNS_ENABLED, "true", ConfigLoader::parseBoolean);
    Optional<String> bind = r.get(Settings.DNS_BIND, "127.0.0.1", HostParser::parse);
    Optional<Integer> port = r.get(Settings.DNS_PORT, "5353", raw -> IntParser.parse(raw, 0, 65_535));
    Optional<List<java.net.InetAddress>> region1 =
        r.get(Settings.REGION1_SIP_ADDRESSES, "192.0.2.1", DnsSettingsParser::ips);
    Optional<List<java.net.InetAddress>> region2 =
        r.get(Settings.REGION2_SIP_ADDRESSES, "192.0.2.2", DnsSettingsParser::ips);
    Optional<List<DnsSettings.NameServer>> nameServers =
        r.get(Settings.DNS_NAME_SERVERS, "ns1=127.0.0.1", raw -> DnsSettingsParser.nameServers(raw, base));
    Optional<String> contact =
        r.get(Settings.DNS_SOA_CONTACT, "hostmaster", raw -> DnsSettingsParser.name(raw, base));
    Optional<Integer> ttl = r.get(Settings.DNS_TTL, "300", raw -> IntParser.parse(raw, 0, 86_400));
    Optional<Integer> refresh =
        r.get(Settings.DNS_SOA_REFRESH, "3600", raw -> IntParser.parse(raw, 1, Integer.MAX_VALUE));
    Optional<Integer> retry =
        r.get(Settings.DNS_SOA_RETRY, "600", raw -> IntParser.parse(raw, 1, Integer.MAX_VALUE));
    Optional<Integer> expire =
        r.get(Settings.DNS_SOA_EXPIRE, "1209600", raw -> IntParser.parse(raw, 1, Integer.MAX_VALUE));
    Optional<Integer> negative =
        r.get(Settings.DNS_NEGATIVE_TTL, "300", raw -> IntParser.parse(raw, 0, 86_400));
    Optional<List<String>> statics = r.get(Settings.DNS_STATIC_RECORDS, "", DnsSettingsParser::lines);
    Optional<List<String>> allow = r.get(Settings.DNS_TRANSFER_ALLOW, "", DnsSettingsParser::cidrs);
    Optional<Optional<DnsSettings.TsigKey>> tsig =
        r.get(Settings.DNS_TSIG_KEY, "", raw -> DnsSettingsParser.tsigKey(raw, base));
    Optional<List<java.net.InetSocketAddress>> notify =
        r.get(Settings.DNS_NOTIFY, "", DnsSettingsParser::targets);
    Optional<Integer> udp =
        r.get(Settings.DNS_MAX_UDP_SIZE, "1232", raw -> IntParser.parse(raw, 512, 4096));
    Optional<Duration> idle =
        r.get(
            Settings.DNS_TCP_IDLE_TIMEOUT,
            "10s",
            raw -> DurationParser.parse(raw, Duration.ofSeconds(1), Duration.ofMinutes(5)));
    Optional<Integer> maxTcp =
        r.get(Settings.DNS_TCP_MAX_CONNECTIONS, "256", raw -> IntParser.parse(raw, 1, 10_000));
    if (!allPresent(enabled, bind, port, region1, region2, nameServers, contact, ttl, refresh, retry,
        expire, negative, statics, allow, tsig, notify, udp, idle, maxTcp)) {
      return Optional.empty();
    }
    return Optional.of(
        new DnsSettings(
            enabled.get(),
            bind.get(),
            port.get(),
            List.of(region1.get(), region2.get()),
            nameServers.get(),
            contact.get(),
            ttl.get(),
            refresh.get(),
            retry.get(),
            expire.get(),
            negative.get(),
            statics.get(),
            allow.get(),
            tsig.get(),
            notify.get(),
            udp.get(),
            idle.get(),
            maxTcp.get()));
  }

  static Parsed<Boolean> parseBoolean(String raw) {
    if (raw.equalsIgnoreCase("true")) {
      return Parsed.ok(true);
    }
    if (raw.equalsIgnoreCase("false")) {
      return Parsed.ok(false);
    }
    return Parsed.expected("must be true or false", raw);
  }

  static Parsed<Path> parseDataDir(String raw) {
    if (!raw.isEmpty()) {
      try {
        return Parsed.ok(Path.of(raw).toAbsolutePath().normalize());
      } catch (InvalidPathException e) {
        // reported below
      }
    }
    return Parsed.expected("must be a directory path", raw);
  }

  static Parsed<OptionalInt> parseRateLimit(String raw) {
    if (raw.isEmpty() || raw.equalsIgnoreCase("off")) {
      return Parsed.ok(OptionalInt.empty());
    }
    return IntParser.parse(
            raw, 1, 1_000_000, "must be off (or empty) or an integer from 1 to 1000000")
        .map(OptionalInt::of);
  }

  private static Parsed<String> nonEmpty(String raw) {
    return raw.isEmpty() ? Parsed.expected("must not be empty", raw) : Parsed.ok(raw);
  }

  private static boolean allPresent(Optional<?>... values) {
    return Stream.of(values).allMatch(Optional::isPresent);
  }
}

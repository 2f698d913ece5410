package dev.drgw.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  private static final Path DEFAULT_DATA_DIR = Path.of("data").toAbsolutePath().normalize();
  private static final String SECRET = "s3cr3t-Pa55";

  @TempDir Path dir;

  @Test
  void defaultsWithEmptyEnvironmentAndNoFile() throws Exception {
    Config config = ConfigLoader.load(Map.of(), Optional.empty());

    assertThat(config)
        .isEqualTo(
            new Config(
                DEFAULT_DATA_DIR,
                new HttpSettings("0.0.0.0", 8080, 1_048_576),
                new DatabaseSettings("jdbc:h2:file:" + DEFAULT_DATA_DIR + "/drgw", "drgw", "", 16),
                new DeploymentSettings("gw.example.net", 2, "1r%d"),
                new AuthSettings("drgw", "drgw", Optional.empty()),
                new ApiSettings(OptionalInt.empty(), Duration.ofHours(1)),
                new DnsSettings(
                    true,
                    "127.0.0.1",
                    5353,
                    List.of(
                        List.of(InetAddress.getByName("192.0.2.1")),
                        List.of(InetAddress.getByName("192.0.2.2"))),
                    List.of(
                        new DnsSettings.NameServer(
                            "ns1.gw.example.net", List.of(InetAddress.getByName("127.0.0.1")))),
                    "hostmaster.gw.example.net",
                    300,
                    3600,
                    600,
                    1_209_600,
                    300,
                    List.of(),
                    List.of(),
                    Optional.empty(),
                    List.of(),
                    1232,
                    Duration.ofSeconds(10),
                    256),
                new PortalSettings(Duration.ofHours(8), Optional.empty()),
                new SipSettings(false, "127.0.0.1", 5060, 5063, Optional.empty(), Optional.empty(), Optional.empty(), 1,
                    "X-MS-Operator-Content", Optional.empty(),
                    List.of(new SipSettings.Peer("sip.pstnhub.microsoft.com", 5061, "tls"),
                        new SipSettings.Peer("sip2.pstnhub.microsoft.com", 5061, "tls"),
                        new SipSettings.Peer("sip3.pstnhub.microsoft.com", 5061, "tls")),
                    List.of(), Duration.ofSeconds(60), 5061, Duration.ofSeconds(2), 500),
                new NodeSettings(Optional.empty(), Duration.ofSeconds(1), Duration.ofSeconds(10),
                    Duration.ofSeconds(5)),
                new OperationsSettings(Duration.ofSeconds(30), OperationsSettings.LogFormat.TEXT)));
  }

  /** One row per setting: a file value, an environment value and what each one yields. */
  static Stream<Arguments> precedence() {
    return Stream.of(
        row(
            Settings.DATA_DIR,
            "/srv/file-data",
            "/srv/env-data/../env-data",
            Config::dataDir,
            DEFAULT_DATA_DIR,
            Path.of("/srv/file-data"),
            Path.of("/srv/env-data")),
        row(
            Settings.HTTP_BIND,
            "127.0.0.1",
            "::1",
            c -> c.http().bind(),
            "0.0.0.0",
            "127.0.0.1",
            "::1"),
        row(Settings.HTTP_PORT, "8081", "0", c -> c.http().port(), 8080, 8081, 0),
        row(
            Settings.HTTP_MAX_BODY_BYTES,
            "2m",
            "4096",
            c -> c.http().maxBodyBytes(),
            1_048_576L,
            2_097_152L,
            4096L),
        row(
            Settings.DB_URL,
            "jdbc:h2:mem:file",
            "jdbc:h2:mem:env",
            c -> c.database().url(),
            "jdbc:h2:file:" + DEFAULT_DATA_DIR + "/drgw",
            "jdbc:h2:mem:file",
            "jdbc:h2:mem:env"),
        row(
            Settings.DB_USER,
            "file-user",
            "env-user",
            c -> c.database().user(),
            "drgw",
            "file-user",
            "env-user"),
        row(
            Settings.DB_PASSWORD,
            "file-secret",
            "env-secret",
            c -> c.database().password(),
            "",
            "file-secret",
            "env-secret"),
        row(Settings.DB_POOL_SIZE, "4", "200", c -> c.database().poolSize(), 16, 4, 200),
        row(
            Settings.BASE_DOMAIN,
            "File.Example.ORG.",
            "env.example.org",
            c -> c.deployment().baseDomain(),
            "gw.example.net",
            "file.example.org",
            "env.example.org"),
        row(Settings.REGIONS, "1", "2", c -> c.deployment().regions(), 2, 1, 2),
        row(
            Settings.REGION_DOMAIN_FORMAT,
            "r%d",
            "Region-%d",
            c -> c.deployment().regionDomainFormat(),
            "1r%d",
            "r%d",
            "region-%d"),
        row(
            Settings.AUTH_ISSUER,
            "file-issuer",
            "env-issuer",
            c -> c.auth().issuer(),
            "drgw",
            "file-issuer",
            "env-issuer"),
        row(
            Settings.AUTH_AUDIENCE,
            "file-audience",
            "env-audience",
            c -> c.auth().audience(),
            "drgw",
            "file-audience",
            "env-audience"),
        row(
            Settings.AUTH_JWKS_URL,
            "https://file.example/jwks",
            "http://env.example:8080/k",
            c -> c.auth().jwksUrl(),
            Optional.empty(),
            Optional.of(URI.create("https://file.example/jwks")),
            Optional.of(URI.create("http://env.example:8080/k"))),
        row(
            Settings.RATE_LIMIT_PER_MINUTE,
            "100",
            "off",
            c -> c.api().rateLimitPerMinute(),
            OptionalInt.empty(),
            OptionalInt.of(100),
            OptionalInt.empty()),
        row(
            Settings.REPEATABILITY_WINDOW,
            "PT5M",
            "2d",
            c -> c.api().repeatabilityWindow(),
            Duration.ofHours(1),
            Duration.ofMinutes(5),
            Duration.ofDays(2)),
        row(Settings.DNS_ENABLED, "false", "true", c -> c.dns().enabled(), true, false, true),
        row(Settings.DNS_BIND, "0.0.0.0", "::1", c -> c.dns().bind(), "127.0.0.1", "0.0.0.0", "::1"),
        row(Settings.DNS_PORT, "53", "0", c -> c.dns().port(), 5353, 53, 0),
        row(
            Settings.REGION1_SIP_ADDRESSES,
            "198.51.100.1",
            "198.51.100.2, 2001:db8::2",
            c -> c.dns().regionSipAddresses().get(0).toString(),
            "[/192.0.2.1]",
            "[/198.51.100.1]",
            "[/198.51.100.2, /2001:db8:0:0:0:0:0:2]"),
        row(
            Settings.REGION2_SIP_ADDRESSES,
            "198.51.100.3",
            "198.51.100.4",
            c -> c.dns().regionSipAddresses().get(1).toString(),
            "[/192.0.2.2]",
            "[/198.51.100.3]",
            "[/198.51.100.4]"),
        row(
            Settings.DNS_NAME_SERVERS,
            "ns.other.example",
            "a=192.0.2.53+2001:db8::53, b.example.org",
            c -> c.dns().nameServers().stream().map(n -> n.name() + n.glue()).toList().toString(),
            "[ns1.gw.example.net[/127.0.0.1]]",
            "[ns.other.example[]]",
            "[a.gw.example.net[/192.0.2.53, /2001:db8:0:0:0:0:0:53], b.example.org[]]"),
        row(
            Settings.DNS_SOA_CONTACT,
            "dns",
            "noc.example.org",
            c -> c.dns().soaContact(),
            "hostmaster.gw.example.net",
            "dns.gw.example.net",
            "noc.example.org"),
        row(Settings.DNS_TTL, "60", "0", c -> c.dns().ttl(), 300, 60, 0),
        row(Settings.DNS_SOA_REFRESH, "7200", "1", c -> c.dns().soaRefresh(), 3600, 7200, 1),
        row(Settings.DNS_SOA_RETRY, "60", "30", c -> c.dns().soaRetry(), 600, 60, 30),
        row(Settings.DNS_SOA_EXPIRE, "86400", "604800", c -> c.dns().soaExpire(), 1_209_600, 86_400, 604_800),
        row(Settings.DNS_NEGATIVE_TTL, "60", "0", c -> c.dns().negativeTtl(), 300, 60, 0),
        row(
            Settings.DNS_STATIC_RECORDS,
            "provapi 300 IN A 192.0.2.10",
            "a IN A 192.0.2.1;;b IN TXT x",
            c -> c.dns().staticRecords(),
            List.of(),
            List.of("provapi 300 IN A 192.0.2.10"),
            List.of("a IN A 192.0.2.1", "b IN TXT x")),
        row(
            Settings.DNS_TRANSFER_ALLOW,
            "192.0.2.0/24",
            "127.0.0.1, ::1/128",
            c -> c.dns().transferAllow(),
            List.of(),
            List.of("192.0.2.0/24"),
            List.of("127.0.0.1", "::1/128")),
        row(
            Settings.DNS_TSIG_KEY,
            "k1:hmac-sha256:MDEyMzQ1Njc4OWFiY2RlZg==",
            "k2.example:HMAC-SHA512:MDEyMzQ1Njc4OWFiY2RlZjAx",
            c -> c.dns().tsigKey().map(k -> k.name() + "/" + k.algorithm()).orElse("none"),
            "none",
            "k1/hmac-sha256",
            "k2.example/hmac-sha512"),
        row(
            Settings.DNS_NOTIFY,
            "192.0.2.53",
            "[2001:db8::53]:5300, 127.0.0.1:5354",
            c -> c.dns().notifyTargets().toString(),
            "[]",
            "[/192.0.2.53:53]",
            "[/[2001:db8:0:0:0:0:0:53]:5300, /127.0.0.1:5354]"),
        row(Settings.DNS_MAX_UDP_SIZE, "4096", "512", c -> c.dns().maxUdpSize(), 1232, 4096, 512),
        row(
            Settings.DNS_TCP_IDLE_TIMEOUT,
            "30s",
            "1m",
            c -> c.dns().tcpIdleTimeout(),
            Duration.ofSeconds(10),
            Duration.ofSeconds(30),
            Duration.ofMinutes(1)),
        row(Settings.DNS_TCP_MAX_CONNECTIONS, "10", "10000", c -> c.dns().maxTcpConnections(), 256, 10, 10_000),
        row(
            Settings.PORTAL_SESSION_LIFETIME,
            "30m",
            "P1D",
            c -> c.portal().sessionLifetime(),
            Duration.ofHours(8),
            Duration.ofMinutes(30),
            Duration.ofDays(1)),
        withContext(
            row(
                Settings.PORTAL_OIDC_ISSUER,
                "https://login.example.net/tenant/v2.0",
                "https://keycloak.example.net/realms/ops",
                c -> c.portal().oidc().map(o -> o.issuer().toString()).orElse("off"),
                "off",
                "https://login.example.net/tenant/v2.0",
                "https://keycloak.example.net/realms/ops"),
            Map.of(),
            OIDC_CLIENT),
        withContext(
            row(
                Settings.PORTAL_OIDC_CLIENT_ID,
                "drgw-file",
                "drgw-env",
                c -> c.portal().oidc().map(o -> o.clientId()).orElse("off"),
                "off",
                "drgw-file",
                "drgw-env"),
            Map.of(),
            without(OIDC_ON, "DRGW_PORTAL_OIDC_CLIENT_ID")),
        withContext(
            row(
                Settings.PORTAL_OIDC_CLIENT_SECRET,
                "file-secret",
                "env-secret",
                c -> c.portal().oidc().map(o -> o.clientSecret()).orElse("off"),
                "off",
                "file-secret",
                "env-secret"),
            Map.of(),
            without(OIDC_ON, "DRGW_PORTAL_OIDC_CLIENT_SECRET")),
        withContext(
            row(
                Settings.PORTAL_OIDC_REDIRECT_URI,
                "https://a.example.net/portal/login/oidc/callback",
                "https://b.example.net:8443/portal/login/oidc/callback",
                c -> c.portal().oidc().map(o -> o.redirectUri().toString()).orElse("off"),
                "off",
                "https://a.example.net/portal/login/oidc/callback",
                "https://b.example.net:8443/portal/login/oidc/callback"),
            Map.of(),
            without(OIDC_ON, "DRGW_PORTAL_OIDC_REDIRECT_URI")),
        withContext(
            row(
                Settings.PORTAL_OIDC_ROLE_CLAIM,
                "groups",
                "app_roles",
                c -> c.portal().oidc().map(o -> o.roleClaim()).orElse("off"),
                "roles",
                "groups",
                "app_roles"),
            OIDC_ON,
            OIDC_ON),
        withContext(
            row(Settings.SIP_ENABLED, "true", "false", c -> c.sip().enabled(), false, true, false),
            Map.of(),
            SIP_TLS),
        row(Settings.SIP_BIND, "0.0.0.0", "::1", c -> c.sip().bind(), "127.0.0.1", "0.0.0.0", "::1"),
        row(Settings.SIP_OPERATOR_PORT, "5070", "15060", c -> c.sip().operatorPort(), 5060, 5070, 15060),
        row(Settings.SIP_TEAMS_PORT, "5061", "15063", c -> c.sip().teamsPort(), 5063, 5061, 15063),
        row(Settings.SIP_TLS_CERT, "/etc/drgw/file-cert.pem", "/etc/drgw/env-cert.pem",
            c -> c.sip().tlsCertificate().map(Path::toString).orElse("none"),
            "none", "/etc/drgw/file-cert.pem", "/etc/drgw/env-cert.pem"),
        row(Settings.SIP_TLS_KEY, "/etc/drgw/file-key.pem", "/etc/drgw/env-key.pem",
            c -> c.sip().tlsKey().map(Path::toString).orElse("none"),
            "none", "/etc/drgw/file-key.pem", "/etc/drgw/env-key.pem"),
        row(Settings.SIP_TLS_TRUST, "/etc/drgw/file-ca.pem", "/etc/drgw/env-ca.pem",
            c -> c.sip().tlsTrust().map(Path::toString).orElse("none"),
            "none", "/etc/drgw/file-ca.pem", "/etc/drgw/env-ca.pem"),
        row(Settings.TEAMS_PROXIES, "localhost:15061", "127.0.0.1:25061, [::1]:25062",
            c -> c.sip().teamsProxies().toString(),
            "[Peer[host=sip.pstnhub.microsoft.com, port=5061, transport=tls], "
                + "Peer[host=sip2.pstnhub.microsoft.com, port=5061, transport=tls], "
                + "Peer[host=sip3.pstnhub.microsoft.com, port=5061, transport=tls]]",
            "[Peer[host=localhost, port=15061, transport=tls]]",
            "[Peer[host=127.0.0.1, port=25061, transport=tls], Peer[host=::1, port=25062, transport=tls]]"),
        row(Settings.OPERATOR_PEERS, "sbc1.operator.example:5060", "10.0.0.1:5060, sbc2.operator.example:5061;transport=TLS",
            c -> c.sip().operatorPeers().toString(),
            "[]",
            "[Peer[host=sbc1.operator.example, port=5060, transport=udp]]",
            "[Peer[host=10.0.0.1, port=5060, transport=udp], Peer[host=sbc2.operator.example, port=5061, transport=tls]]"),
        row(Settings.SIP_OPTIONS_INTERVAL, "30s", "5m", c -> c.sip().optionsInterval(), Duration.ofSeconds(60),
            Duration.ofSeconds(30), Duration.ofMinutes(5)),
        row(Settings.NODE_REGION, "2", "1", c -> c.sip().nodeRegion(), 1, 2, 1),
        row(Settings.SIP_CUSTOM_HEADER, "X-Operator-Data", "X-Carrier", c -> c.sip().customHeaderName(),
            "X-MS-Operator-Content", "X-Operator-Data", "X-Carrier"),
        row(Settings.SIP_OPERATOR_TLS_PORT, "0", "5071", c -> c.sip().operatorTlsPort(), 5061, 0, 5071),
        row(Settings.SIP_NO_ANSWER_TIMEOUT, "1s", "5s", c -> c.sip().noAnswerTimeout(), Duration.ofSeconds(2),
            Duration.ofSeconds(1), Duration.ofSeconds(5)),
        row(Settings.SIP_MAX_CALL_RATE, "0", "2000", c -> c.sip().maxCallRate(), 500, 0, 2000),
        row(Settings.SIP_TENANT_HEADER, "X-MS-TenantID", "X-Tenant", c -> c.sip().tenantHeaderName().orElse("none"),
            "none", "X-MS-TenantID", "X-Tenant"),
        row(Settings.NODE_NAME, "gw-r1-a", "gw-r1-b", c -> c.node().name().orElse("none"), "none", "gw-r1-a",
            "gw-r1-b"),
        row(Settings.NODE_HEARTBEAT_INTERVAL, "500ms", "2s", c -> c.node().heartbeatInterval(), Duration.ofSeconds(1),
            Duration.ofMillis(500), Duration.ofSeconds(2)),
        row(Settings.NODE_STALE_AFTER, "30s", "1m", c -> c.node().staleAfter(), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1)),
        row(Settings.READY_MAX_LAG, "10s", "30s", c -> c.node().readyMaxLag(), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)),
        row(Settings.SHUTDOWN_DRAIN_TIMEOUT, "0", "2m", c -> c.operations().drainTimeout(), Duration.ofSeconds(30),
            Duration.ZERO, Duration.ofMinutes(2)),
        row(Settings.LOG_FORMAT, "JSON", "text", c -> c.operations().logFormat(), OperationsSettings.LogFormat.TEXT,
            OperationsSettings.LogFormat.JSON, OperationsSettings.LogFormat.TEXT));
  }

  private static final Map<String, String> SIP_TLS =
      Map.of("DRGW_SIP_TLS_CERT", "/etc/drgw/cert.pem", "DRGW_SIP_TLS_KEY", "/etc/drgw/key.pem");

  @Test
  void sipOnWithoutItsCertificateAndKeyNamesBothSettings() {
    ConfigException e = loadFails(Map.of("DRGW_SIP_ENABLED", "true"));

    assertThat(e.problems()).containsExactly(
        "DRGW_SIP_TLS_CERT (sip.tls-cert): must be set when DRGW_SIP_ENABLED (sip.enabled) is true",
        "DRGW_SIP_TLS_KEY (sip.tls-key): must be set when DRGW_SIP_ENABLED (sip.enabled) is true");
  }

  private static final Map<String, String> OIDC_CLIENT =
      Map.of(
          "DRGW_PORTAL_OIDC_CLIENT_ID", "drgw",
          "DRGW_PORTAL_OIDC_CLIENT_SECRET", "secret",
          "DRGW_PORTAL_OIDC_REDIRECT_URI", "https://drgw.example.net/portal/login/oidc/callback");
  private static final Map<String, String> OIDC_ON = with(OIDC_CLIENT, "DRGW_PORTAL_OIDC_ISSUER", "https://idp.example.net");

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> out = new java.util.HashMap<>(base);
    out.put(key, value);
    return Map.copyOf(out);
  }

  private static Map<String, String> without(Map<String, String> base, String key) {
    Map<String, String> out = new java.util.HashMap<>(base);
    out.remove(key);
    return Map.copyOf(out);
  }

  /**
   * A row whose setting only means something next to others: {@code always} is in the
   * environment of all three loads, {@code whenSet} only of the file and environment loads. For
   * the default load the table's default reading applies ("off" for OIDC settings).
   */
  private static Arguments withContext(Arguments row, Map<String, String> always, Map<String, String> whenSet) {
    Object[] a = row.get();
    return Arguments.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], always, whenSet);
  }

  private static Arguments row(
      Setting setting,
      String fileValue,
      String envValue,
      Function<Config, Object> read,
      Object byDefault,
      Object fromFile,
      Object fromEnv) {
    return Arguments.of(setting, fileValue, envValue, read, byDefault, fromFile, fromEnv, Map.of(), Map.of());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("precedence")
  void environmentOverridesFileOverridesDefault(
      Setting setting,
      String fileValue,
      String envValue,
      Function<Config, Object> read,
      Object byDefault,
      Object fromFile,
      Object fromEnv,
      Map<String, String> always,
      Map<String, String> whenSet)
      throws Exception {
    Path file = write(Yaml.of(setting.yamlKey(), fileValue));
    Map<String, String> context = new java.util.HashMap<>(always);
    context.putAll(whenSet);

    assertThat(read.apply(ConfigLoader.load(always, Optional.empty()))).isEqualTo(byDefault);
    assertThat(read.apply(ConfigLoader.load(context, Optional.of(file)))).isEqualTo(fromFile);
    context.put(setting.env(), envValue);
    assertThat(read.apply(ConfigLoader.load(context, Optional.of(file)))).isEqualTo(fromEnv);
  }

  @Test
  void precedenceTableCoversEverySetting() {
    assertThat(precedence().map(arguments -> (Setting) arguments.get()[0]))
        .containsExactlyElementsOf(Settings.ALL);
  }

  @Test
  void defaultDatabaseLivesInTheConfiguredDataDir() throws ConfigException {
    Config config =
        ConfigLoader.load(Map.of("DRGW_DATA_DIR", "/var/lib/drgw/./x/.."), Optional.empty());

    assertThat(config.dataDir()).isEqualTo(Path.of("/var/lib/drgw"));
    assertThat(config.database().url()).isEqualTo("jdbc:h2:file:/var/lib/drgw/drgw");
  }

  @Test
  void emptyEnvironmentValueOverridesFileAndMeansOff() throws Exception {
    Path file =
        write("auth:\n  jwks-url: https://keys.example/jwks\nrate-limit:\n  per-minute: 50\n");

    Config config =
        ConfigLoader.load(
            Map.of("DRGW_AUTH_JWKS_URL", "", "DRGW_RATE_LIMIT_PER_MINUTE", ""), Optional.of(file));

    assertThat(config.auth().jwksUrl()).isEmpty();
    assertThat(config.api().rateLimitPerMinute()).isEmpty();
  }

  @Test
  void surroundingWhiteSpaceIsIgnoredExceptInThePassword() throws ConfigException {
    Config config =
        ConfigLoader.load(
            Map.of("DRGW_HTTP_PORT", " 9090\r", "DRGW_DB_PASSWORD", " pw "), Optional.empty());

    assertThat(config.http().port()).isEqualTo(9090);
    assertThat(config.database().password()).isEqualTo(" pw ");
  }

  @Test
  void messageNamesBothNamesTheExpectationAndTheValue() {
    ConfigException e = loadFails(Map.of("DRGW_HTTP_PORT", "80a"));

    assertThat(e)
        .hasMessage("DRGW_HTTP_PORT (http.port): must be an integer from 0 to 65535, got \"80a\"");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '\'',
      textBlock =
          """
          DRGW_DATA_DIR              | ''                      | must be a directory path
          DRGW_HTTP_BIND             | ''                      | must be an IP address literal or host name
          DRGW_HTTP_BIND             | my host                 | must be an IP address literal or host name
          DRGW_HTTP_BIND             | 256.0.0.1               | must be an IP address literal or host name
          DRGW_HTTP_BIND             | 10.0.0                  | must be an IP address literal or host name
          DRGW_HTTP_BIND             | fe80::zz                | must be an IP address literal or host name
          DRGW_HTTP_BIND             | a_b.example             | must be an IP address literal or host name
          DRGW_HTTP_PORT             | 80a                     | must be an integer from 0 to 65535
          DRGW_HTTP_PORT             | -1                      | must be an integer from 0 to 65535
          DRGW_HTTP_PORT             | 65536                   | must be an integer from 0 to 65535
          DRGW_HTTP_PORT             | ''                      | must be an integer from 0 to 65535
          DRGW_HTTP_MAX_BODY_BYTES   | 1023                    | must be a size in bytes from 1024 to 104857600
          DRGW_HTTP_MAX_BODY_BYTES   | 101m                    | must be a size in bytes from 1024 to 104857600
          DRGW_HTTP_MAX_BODY_BYTES   | 104857601               | must be a size in bytes from 1024 to 104857600
          DRGW_HTTP_MAX_BODY_BYTES   | 2g                      | must be a size in bytes from 1024 to 104857600
          DRGW_HTTP_MAX_BODY_BYTES   | 1.5m                    | must be a size in bytes from 1024 to 104857600
          DRGW_DB_URL                | jdbc:mysql://db/drgw    | must start with "jdbc:h2:" or "jdbc:postgresql:"
          DRGW_DB_URL                | postgresql://db/drgw    | must start with "jdbc:h2:" or "jdbc:postgresql:"
          DRGW_DB_URL                | ''                      | must start with "jdbc:h2:" or "jdbc:postgresql:"
          DRGW_DB_USER               | ''                      | must not be empty
          DRGW_DB_POOL_SIZE          | 0                       | must be an integer from 1 to 200
          DRGW_DB_POOL_SIZE          | 201                     | must be an integer from 1 to 200
          DRGW_BASE_DOMAIN           | ''                      | must be a DNS name: it is empty
          DRGW_BASE_DOMAIN           | gw..example.net         | must be a DNS name: a label is empty
          DRGW_BASE_DOMAIN           | -gw.example.net         | must not start or end with a hyphen
          DRGW_BASE_DOMAIN           | gw-.example.net         | must not start or end with a hyphen
          DRGW_BASE_DOMAIN           | gw_1.example.net        | may only contain letters, digits and hyphens
          DRGW_BASE_DOMAIN           | gw.example.net..        | must be a DNS name: a label is empty
          DRGW_REGIONS               | 0                       | must be 1 or 2
          DRGW_REGIONS               | 3                       | must be 1 or 2
          DRGW_REGIONS               | two                     | must be 1 or 2
          DRGW_REGION_DOMAIN_FORMAT  | %d%d                    | must contain %d exactly once and no other % conversions
          DRGW_REGION_DOMAIN_FORMAT  | r%s                     | must contain %d exactly once and no other % conversions
          DRGW_REGION_DOMAIN_FORMAT  | r%d%s                   | must contain %d exactly once and no other % conversions
          DRGW_REGION_DOMAIN_FORMAT  | no-placeholder          | must contain %d exactly once and no other % conversions
          DRGW_REGION_DOMAIN_FORMAT  | 1r%d.x                  | region 1 gives "1r1.x" (it contains a dot)
          DRGW_REGION_DOMAIN_FORMAT  | -%d                     | region 1 gives "-1" (label "-1" must not start or end with a hyphen)
          DRGW_REGION_DOMAIN_FORMAT  | r_%d                    | region 1 gives "r_1" (label "r_1" may only contain
          DRGW_AUTH_ISSUER           | ''                      | must not be empty
          DRGW_AUTH_AUDIENCE         | '  '                    | must not be empty
          DRGW_AUTH_JWKS_URL         | ftp://keys.example/jwks | must be an absolute http or https URL
          DRGW_AUTH_JWKS_URL         | /jwks                   | must be an absolute http or https URL
          DRGW_AUTH_JWKS_URL         | https://                | must be an absolute http or https URL
          DRGW_AUTH_JWKS_URL         | not a url               | must be an absolute http or https URL
          DRGW_RATE_LIMIT_PER_MINUTE | 0                       | must be off (or empty) or an integer from 1 to 1000000
          DRGW_RATE_LIMIT_PER_MINUTE | 1000001                 | must be off (or empty) or an integer from 1 to 1000000
          DRGW_RATE_LIMIT_PER_MINUTE | fast                    | must be off (or empty) or an integer from 1 to 1000000
          DRGW_REPEATABILITY_WINDOW  | 59s                     | must be a duration from 1m to 7d
          DRGW_REPEATABILITY_WINDOW  | 8d                      | must be a duration from 1m to 7d
          DRGW_REPEATABILITY_WINDOW  | P8D                     | must be a duration from 1m to 7d
          DRGW_REPEATABILITY_WINDOW  | -1h                     | must be a duration from 1m to 7d
          DRGW_REPEATABILITY_WINDOW  | 1w                      | must be a duration from 1m to 7d
          DRGW_REPEATABILITY_WINDOW  | ''                      | must be a duration from 1m to 7d
          DRGW_SIP_ENABLED           | yes please              | must be true or false
          DRGW_SIP_TEAMS_PORT        | 0                       | must be an integer from 1 to 65535
          DRGW_TEAMS_PROXIES         | sip.example.net         | must be a comma-separated list of host:port or host:port;transport=udp|tcp|tls ("sip.example.net" is not)
          DRGW_TEAMS_PROXIES         | a:1, a:1                | must name each peer once ("a:1" is there twice)
          DRGW_OPERATOR_PEERS        | 10.0.0.1:5060;transport=sctp | a comma-separated list of host:port
          DRGW_OPERATOR_PEERS        | 10.0.0.1:0              | a comma-separated list of host:port
          DRGW_OPERATOR_PEERS        | 10.0.0.1:5060;lr        | a comma-separated list of host:port
          DRGW_OPERATOR_PEERS        | [::1:5060               | a comma-separated list of host:port
          DRGW_OPERATOR_PEERS        | ::1:5060                | a comma-separated list of host:port
          DRGW_OPERATOR_PEERS        | sbc_1.example:5060      | a comma-separated list of host:port
          DRGW_SIP_OPTIONS_INTERVAL  | 0s                      | must be a duration from 1s to 10m
          DRGW_SIP_OPERATOR_PORT     | 0                       | must be an integer from 1 to 65535
          DRGW_SIP_OPERATOR_PORT     | 65536                   | must be an integer from 1 to 65535
          DRGW_NODE_REGION           | 3                       | must be a region of the deployment, 1 to 2
          DRGW_NODE_REGION           | 0                       | must be a region of the deployment, 1 to 2
          DRGW_SIP_OPERATOR_TLS_PORT | 65536                   | must be an integer from 0 to 65535
          DRGW_SIP_OPERATOR_TLS_PORT | -1                      | must be an integer from 0 to 65535
          DRGW_SIP_NO_ANSWER_TIMEOUT | 0s                      | must be a duration from 1s to 32s
          DRGW_SIP_NO_ANSWER_TIMEOUT | 1m                      | must be a duration from 1s to 32s
          DRGW_SIP_MAX_CALL_RATE     | -1                      | must be an integer from 0 to 100000
          DRGW_SIP_MAX_CALL_RATE     | fast                    | must be an integer from 0 to 100000
          DRGW_CUSTOM_HEADER_NAME     | X Header                | a SIP header name
          DRGW_CUSTOM_HEADER_NAME     | ''                      | a SIP header name
          DRGW_CUSTOM_HEADER_NAME     | X-Header:               | a SIP header name
          DRGW_SIP_TENANT_HEADER     | X-Tenant;x=y            | a SIP header name
          DRGW_NODE_NAME             | node one                | letters, digits
          DRGW_NODE_NAME             | node/1                  | letters, digits
          DRGW_NODE_HEARTBEAT_INTERVAL | 50ms                  | must be a duration from 100ms to 1m
          DRGW_NODE_STALE_AFTER      | 0s                      | must be a duration from 1s to 1h
          DRGW_NODE_STALE_AFTER      | 1500ms                  | must be at least twice DRGW_NODE_HEARTBEAT_INTERVAL
          DRGW_READY_MAX_LAG         | soon                    | must be a duration from 1s to 1h
          DRGW_SHUTDOWN_DRAIN_TIMEOUT | -1s                    | must be a duration from 0s to 1h
          DRGW_SHUTDOWN_DRAIN_TIMEOUT | 2h                     | must be a duration from 0s to 1h
          DRGW_LOG_FORMAT            | xml                     | must be text or json
          DRGW_LOG_FORMAT            | ''                      | must be text or json
          """)
  void badValueNamesTheSettingBothWaysAndQuotesTheValue(String env, String value, String reason) {
    Setting setting = Settings.byEnv(env).orElseThrow();

    ConfigException e = loadFails(Map.of(env, value));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.getMessage())
        .startsWith(env + " (" + setting.yamlKey() + "): ")
        .contains(reason)
        .endsWith("got " + Parsed.quote(value.strip()));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          http.port            | 99999 | DRGW_HTTP_PORT (http.port): must be an integer from 0 to 65535, got "99999"
          regions              | 3     | DRGW_REGIONS (regions): must be 1 or 2, got "3"
          rate-limit.per-minute| no    | DRGW_RATE_LIMIT_PER_MINUTE (rate-limit.per-minute): must be off (or empty) or an integer from 1 to 1000000, got "no"
          """)
  void badValueFromTheFileNamesBothNamesToo(String key, String value, String message)
      throws IOException {
    ConfigException e = loadFails(Map.of(), Optional.of(write(Yaml.of(key, value))));

    assertThat(e).hasMessage(message);
  }

  @Test
  void reportsEveryBadSettingAtOnce() throws IOException {
    Path file = write("http:\n  port: 1\n  bindd: x\nregions: 5\n");
    Map<String, String> env =
        Map.of(
            "DRGW_HTTP_PORT", "x",
            "DRGW_AUTH_JWKS_URL", "ftp://x",
            "DRGW_REPEATABILITY_WINDOW", "1s");

    ConfigException e = loadFails(env, Optional.of(file));

    assertThat(e.problems())
        .hasSize(5)
        .anySatisfy(p -> assertThat(p).contains("unknown key \"http.bindd\""))
        .anySatisfy(p -> assertThat(p).startsWith("DRGW_HTTP_PORT (http.port): "))
        .anySatisfy(p -> assertThat(p).startsWith("DRGW_REGIONS (regions): "))
        .anySatisfy(p -> assertThat(p).startsWith("DRGW_AUTH_JWKS_URL (auth.jwks-url): "))
        .anySatisfy(
            p -> assertThat(p).startsWith("DRGW_REPEATABILITY_WINDOW (repeatability.window): "));
    assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
  }

  @Test
  void postgresWithoutUserFails() {
    ConfigException e = loadFails(Map.of("DRGW_DB_URL", "jdbc:postgresql://db:5432/drgw"));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.getMessage())
        .startsWith(
            "DRGW_DB_USER (db.user): must be set when DRGW_DB_URL (db.url) is a PostgreSQL URL");
  }

  @Test
  void postgresWithUserAndEmptyPasswordLoads() throws ConfigException {
    Config config =
        ConfigLoader.load(
            Map.of(
                "DRGW_DB_URL", "jdbc:postgresql://db:5432/drgw",
                "DRGW_DB_USER", "app",
                "DRGW_DB_PASSWORD", ""),
            Optional.empty());

    assertThat(config.database())
        .isEqualTo(new DatabaseSettings("jdbc:postgresql://db:5432/drgw", "app", "", 16));
    assertThat(config.database().isPostgres()).isTrue();
  }

  @Test
  void passwordNeverAppearsInMessagesOrToString() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("DRGW_DB_PASSWORD", SECRET);
    Config config = ConfigLoader.load(env, Optional.empty());
    env.put("DRGW_DB_URL", "jdbc:mysql://db/x?user=a&password=" + SECRET);
    env.put("DRGW_HTTP_PORT", "x");

    ConfigException fromEnv = loadFails(env);
    ConfigException fromBrokenFile =
        loadFails(Map.of(), Optional.of(write("db:\n  password: \"" + SECRET + "\n")));
    ConfigException fromMisplacedFileValue =
        loadFails(Map.of(), Optional.of(write("db:\n  password:\n    - " + SECRET + "\n")));

    assertThat(config.database().password()).isEqualTo(SECRET);
    assertThat(config.toString()).contains("password=(hidden)").doesNotContain(SECRET);
    assertThat(fromEnv.problems()).hasSize(2);
    assertThat(fromEnv.getMessage()).contains("password=***").doesNotContain(SECRET);
    assertThat(fromBrokenFile.getMessage()).contains("not valid YAML").doesNotContain(SECRET);
    assertThat(fromMisplacedFileValue.getMessage())
        .contains("DRGW_DB_PASSWORD (db.password): must be a single value, got a list")
        .doesNotContain(SECRET);
  }

  @Test
  void passwordWrittenIntoTheUrlIsHiddenInToString() throws ConfigException {
    Config config =
        ConfigLoader.load(
            Map.of(
                "DRGW_DB_URL", "jdbc:postgresql://db/drgw?password=" + SECRET, "DRGW_DB_USER", "u"),
            Optional.empty());

    assertThat(config.database().url()).endsWith(SECRET);
    assertThat(config.toString()).contains("?password=***").doesNotContain(SECRET);
  }

  @ParameterizedTest(name = "{0}-character base, {1} regions, {2}: {3}")
  @CsvSource({
    "42, 2, 1r%d, 48",
    "43, 2, 1r%d, 49",
    "43, 1, 1r%d, 49",
    "43, 2, r%d,  48",
    "44, 2, r%d,  49",
    "42, 2, r10%d, 49",
  })
  void customerSubdomainsMustFitMicrosoftsLimit(
      int baseLength, int regions, String format, int shortestSubdomainLength)
      throws ConfigException {
    String base = "a".repeat(baseLength - ".example.net".length()) + ".example.net";
    Map<String, String> env =
        Map.of(
            "DRGW_BASE_DOMAIN", base,
            "DRGW_REGIONS", Integer.toString(regions),
            "DRGW_REGION_DOMAIN_FORMAT", format);
    String shortest = "x." + format.replace("%d", Integer.toString(regions)) + "." + base;
    assertThat(shortest).hasSize(shortestSubdomainLength);

    if (shortestSubdomainLength <= 48) {
      assertThat(ConfigLoader.load(env, Optional.empty()).deployment().baseDomain())
          .isEqualTo(base);
    } else {
      ConfigException e = loadFails(env);
      assertThat(e.getMessage())
          .startsWith(
              "DRGW_BASE_DOMAIN (base-domain): must be at most " + (baseLength - 1) + " characters")
          .contains("Microsoft's 48-character limit")
          .contains("\"" + shortest + "\", has 49");
    }
  }

  @Test
  void regionDomainsFollowTheFormat() throws ConfigException {
    DeploymentSettings deployment =
        ConfigLoader.load(
                Map.of("DRGW_BASE_DOMAIN", "GW.Operator.NET.", "DRGW_REGION_DOMAIN_FORMAT", "EU%d"),
                Optional.empty())
            .deployment();

    assertThat(deployment.regionDomain(1)).isEqualTo("eu1.gw.operator.net");
    assertThat(deployment.regionDomain(2)).isEqualTo("eu2.gw.operator.net");
  }

  @Test
  void unknownDrgwEnvironmentVariablesAreListedButDoNotFail() throws ConfigException {
    Map<String, String> env =
        Map.of(
            "DRGW_HTTP_PORT", "9000",
            "DRGW_SIP_PORT", "5060",
            "DRGW_DNS_ENABLD", "true",
            "PATH", "/usr/bin",
            "drgw_http_port", "1");

    assertThat(ConfigLoader.unknownEnvironmentSettings(env))
        .containsExactly("DRGW_DNS_ENABLD", "DRGW_SIP_PORT");
    assertThat(ConfigLoader.load(env, Optional.empty()).http().port()).isEqualTo(9000);
  }

  private Path write(String yaml) throws IOException {
    Path file = Files.createTempFile(dir, "drgw", ".yaml");
    return Files.writeString(file, yaml);
  }

  static ConfigException loadFails(Map<String, String> env) {
    return loadFails(env, Optional.empty());
  }

  static ConfigException loadFails(Map<String, String> env, Optional<Path> file) {
    try {
      Config config = ConfigLoader.load(env, file);
      return fail("expected a ConfigException, got " + config);
    } catch (ConfigException e) {
      return e;
    }
  }

  /** YAML text for tests. */
  static final class Yaml {
    private Yaml() {}

    /** Nested mappings for one dotted key, with the value as a plain scalar. */
    static String of(String dottedKey, String value) {
      List<String> parts = List.of(dottedKey.split("\\."));
      StringBuilder yaml = new StringBuilder();
      for (int i = 0; i < parts.size(); i++) {
        yaml.append("  ".repeat(i)).append(parts.get(i)).append(':');
        yaml.append(i == parts.size() - 1 ? " " + value + "\n" : "\n");
      }
      return yaml.toString();
    }
  }
}

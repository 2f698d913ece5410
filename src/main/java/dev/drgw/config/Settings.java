package dev.drgw.config;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The registry of every setting; the README's settings table must match {@link #ALL}. */
public final class Settings {

  static final Setting DATA_DIR =
      new Setting(
          "DRGW_DATA_DIR",
          "data-dir",
          "./data",
          "Directory for the embedded database and the local signing key; relative paths are"
              + " resolved against the working directory.");
  static final Setting HTTP_BIND =
      new Setting(
          "DRGW_HTTP_BIND",
          "http.bind",
          "0.0.0.0",
          "Address the HTTP server (API, portal, metrics) listens on: an IP address or host name.");
  static final Setting HTTP_PORT =
      new Setting(
          "DRGW_HTTP_PORT", "http.port", "8080", "HTTP port, 0 to 65535; 0 picks any free port.");
  static final Setting HTTP_MAX_BODY_BYTES =
      new Setting(
          "DRGW_HTTP_MAX_BODY_BYTES",
          "http.max-body-bytes",
          "1048576",
          "Largest accepted request body in bytes, 1024 to 104857600; suffixes k and m mean KiB"
              + " and MiB, e.g. 2m.");
  static final Setting DB_URL =
      new Setting(
          "DRGW_DB_URL",
          "db.url",
          "H2 file in the data dir (jdbc:h2:file:<data-dir>/drgw)",
          "JDBC URL of the store; must start with jdbc:h2: or jdbc:postgresql:.");
  static final Setting DB_USER =
      new Setting(
          "DRGW_DB_USER",
          "db.user",
          "drgw (H2); none for PostgreSQL",
          "Database user; required for PostgreSQL. Must not be empty.");
  static final Setting DB_PASSWORD =
      new Setting(
          "DRGW_DB_PASSWORD",
          "db.password",
          "empty",
          "Database password; may be empty (e.g. PostgreSQL trust authentication). Never logged.");
  static final Setting DB_POOL_SIZE =
      new Setting(
          "DRGW_DB_POOL_SIZE",
          "db.pool-size",
          "16",
          "Maximum number of database connections, 1 to 200.");
  static final Setting BASE_DOMAIN =
      new Setting(
          "DRGW_BASE_DOMAIN",
          "base-domain",
          "gw.example.net",
          "DNS name under which region and customer subdomains live; lower-cased, one trailing"
              + " dot removed. x.<highest region domain> must stay within 48 characters.");
  static final Setting REGIONS =
      new Setting("DRGW_REGIONS", "regions", "2", "Number of regions in the deployment: 1 or 2.");
  static final Setting REGION_DOMAIN_FORMAT =
      new Setting(
          "DRGW_REGION_DOMAIN_FORMAT",
          "region-domain-format",
          "1r%d",
          "DNS label of each region below the base domain; %d (exactly once) is replaced by the"
              + " region number, e.g. 1r1, 1r2. Lower-cased.");
  static final Setting AUTH_ISSUER =
      new Setting(
          "DRGW_AUTH_ISSUER",
          "auth.issuer",
          "drgw",
          "Expected iss claim of API bearer tokens; must not be empty.");
  static final Setting AUTH_AUDIENCE =
      new Setting(
          "DRGW_AUTH_AUDIENCE",
          "auth.audience",
          "drgw",
          "Expected aud claim of API bearer tokens; must not be empty.");
  static final Setting AUTH_JWKS_URL =
      new Setting(
          "DRGW_AUTH_JWKS_URL",
          "auth.jwks-url",
          "none (the local signing key in the data dir is used)",
          "Absolute http or https URL of the token issuer's JWKS; empty means none.");
  static final Setting RATE_LIMIT_PER_MINUTE =
      new Setting(
          "DRGW_RATE_LIMIT_PER_MINUTE",
          "rate-limit.per-minute",
          "off",
          "API requests allowed per minute, 1 to 1000000; empty or off means no limit.");
  static final Setting REPEATABILITY_WINDOW =
      new Setting(
          "DRGW_REPEATABILITY_WINDOW",
          "repeatability.window",
          "1h",
          "How long a Repeatability-Request-ID is remembered, 1 minute to 7 days: 300s, 5m, 1h,"
              + " 2d or ISO-8601 such as PT5M.");

  static final Setting DNS_ENABLED =
      new Setting("DRGW_DNS_ENABLED", "dns.enabled", "true", "Run the authoritative DNS server: true or false.");
  static final Setting DNS_BIND =
      new Setting(
          "DRGW_DNS_BIND",
          "dns.bind",
          "127.0.0.1",
          "Address the DNS server listens on (UDP and TCP); 0.0.0.0 or :: for all addresses.");
  static final Setting DNS_PORT =
      new Setting("DRGW_DNS_PORT", "dns.port", "5353", "DNS port, 0 to 65535 (53 in production; 0 picks a free port).");
  static final Setting REGION1_SIP_ADDRESSES =
      new Setting(
          "DRGW_REGION1_SIP_ADDRESSES",
          "region1.sip-addresses",
          "192.0.2.1",
          "Teams-side SIP addresses of region 1 (IPv4/IPv6, comma-separated): the A/AAAA records"
              + " of 1r1.<base> and of every customer subdomain in region 1.");
  static final Setting REGION2_SIP_ADDRESSES =
      new Setting(
          "DRGW_REGION2_SIP_ADDRESSES",
          "region2.sip-addresses",
          "192.0.2.2",
          "Teams-side SIP addresses of region 2, as for region 1; unused with one region.");
  static final Setting DNS_NAME_SERVERS =
      new Setting(
          "DRGW_DNS_NAME_SERVERS",
          "dns.name-servers",
          "ns1=127.0.0.1",
          "NS records of the zone, comma-separated; a name without a dot is under the base domain;"
              + " name=address+address gives glue, required for names inside the zone.");
  static final Setting DNS_SOA_CONTACT =
      new Setting(
          "DRGW_DNS_SOA_CONTACT",
          "dns.soa-contact",
          "hostmaster",
          "Contact mailbox of the SOA record as a DNS name (hostmaster = hostmaster.<base>).");
  static final Setting DNS_TTL =
      new Setting("DRGW_DNS_TTL", "dns.ttl", "300", "TTL in seconds of the published records, 0 to 86400.");
  static final Setting DNS_SOA_REFRESH =
      new Setting("DRGW_DNS_SOA_REFRESH", "dns.soa-refresh", "3600", "SOA refresh in seconds, for secondaries.");
  static final Setting DNS_SOA_RETRY =
      new Setting("DRGW_DNS_SOA_RETRY", "dns.soa-retry", "600", "SOA retry in seconds, for secondaries.");
  static final Setting DNS_SOA_EXPIRE =
      new Setting("DRGW_DNS_SOA_EXPIRE", "dns.soa-expire", "1209600", "SOA expire in seconds, for secondaries.");
  static final Setting DNS_NEGATIVE_TTL =
      new Setting(
          "DRGW_DNS_NEGATIVE_TTL",
          "dns.negative-ttl",
          "300",
          "How long resolvers cache NXDOMAIN and NODATA answers (SOA minimum), 0 to 86400 seconds.");
  static final Setting DNS_STATIC_RECORDS =
      new Setting(
          "DRGW_DNS_STATIC_RECORDS",
          "dns.static-records",
          "none",
          "Extra records in zone-file syntax relative to the base domain, one per line (or"
              + " separated by ;;), e.g. provapi 300 IN A 192.0.2.10.");
  static final Setting DNS_TRANSFER_ALLOW =
      new Setting(
          "DRGW_DNS_TRANSFER_ALLOW",
          "dns.transfer-allow",
          "none",
          "Addresses or CIDR blocks allowed to transfer the zone (AXFR over TCP), comma-separated.");
  static final Setting DNS_TSIG_KEY =
      new Setting(
          "DRGW_DNS_TSIG_KEY",
          "dns.tsig-key",
          "none",
          "name:algorithm:base64-secret; when set, zone transfers must be signed with this key"
              + " and NOTIFY messages are signed with it.");
  static final Setting DNS_NOTIFY =
      new Setting(
          "DRGW_DNS_NOTIFY",
          "dns.notify",
          "none",
          "Secondaries to send NOTIFY to when the zone changes: address[:port], comma-separated.");
  static final Setting DNS_MAX_UDP_SIZE =
      new Setting(
          "DRGW_DNS_MAX_UDP_SIZE",
          "dns.max-udp-size",
          "1232",
          "Largest UDP answer in bytes, 512 to 4096, whatever size an EDNS client offers.");
  static final Setting DNS_TCP_IDLE_TIMEOUT =
      new Setting(
          "DRGW_DNS_TCP_IDLE_TIMEOUT",
          "dns.tcp-idle-timeout",
          "10s",
          "How long a DNS TCP connection may sit idle or stall mid-message, 1s to 5m.");
  static final Setting DNS_TCP_MAX_CONNECTIONS =
      new Setting(
          "DRGW_DNS_TCP_MAX_CONNECTIONS",
          "dns.tcp-max-connections",
          "256",
          "Open DNS TCP connections allowed at once, 1 to 10000; more are closed at once.");

  static final Setting PORTAL_SESSION_LIFETIME =
      new Setting(
          "DRGW_PORTAL_SESSION_LIFETIME",
          "portal.session-lifetime",
          "8h",
          "How long a portal sign-in lasts, 5 minutes to 7 days: 30m, 8h, 1d or ISO-8601.");
  static final Setting PORTAL_OIDC_ISSUER =
      new Setting(
          "DRGW_PORTAL_OIDC_ISSUER",
          "portal.oidc.issuer",
          "none (local users only)",
          "OpenID Connect issuer URL for portal sign-in, e.g. https://login.microsoftonline.com/<tenant>/v2.0"
              + " or https://keycloak.example.net/realms/ops; empty means off.");
  static final Setting PORTAL_OIDC_CLIENT_ID =
      new Setting(
          "DRGW_PORTAL_OIDC_CLIENT_ID",
          "portal.oidc.client-id",
          "none",
          "Client ID of the portal at the OpenID Connect provider; required with an issuer.");
  static final Setting PORTAL_OIDC_CLIENT_SECRET =
      new Setting(
          "DRGW_PORTAL_OIDC_CLIENT_SECRET",
          "portal.oidc.client-secret",
          "none",
          "Client secret of the portal at the OpenID Connect provider; required with an issuer. Never logged.");
  static final Setting PORTAL_OIDC_REDIRECT_URI =
      new Setting(
          "DRGW_PORTAL_OIDC_REDIRECT_URI",
          "portal.oidc.redirect-uri",
          "none",
          "The portal's callback as registered at the provider, ending in /portal/login/oidc/callback,"
              + " e.g. https://drgw.example.net/portal/login/oidc/callback; required with an issuer.");
  static final Setting PORTAL_OIDC_ROLE_CLAIM =
      new Setting(
          "DRGW_PORTAL_OIDC_ROLE_CLAIM",
          "portal.oidc.role-claim",
          "roles",
          "ID token claim holding the user's roles, the API's app roles ProvisioningAPI.Read, .Write,"
              + " .Delete, .Admin (or read, write, delete, admin).");

  static final Setting SIP_ENABLED =
      new Setting(
          "DRGW_SIP_ENABLED",
          "sip.enabled",
          "false",
          "Run SIP signalling: true or false. Off by default: SIP needs a certificate and key (DRGW_SIP_TLS_CERT, DRGW_SIP_TLS_KEY) and the operator's peers.");
  static final Setting SIP_BIND =
      new Setting(
          "DRGW_SIP_BIND",
          "sip.bind",
          "127.0.0.1",
          "Address the SIP listeners bind to; 0.0.0.0 or :: for all addresses.");
  static final Setting SIP_OPERATOR_PORT =
      new Setting(
          "DRGW_SIP_OPERATOR_PORT",
          "sip.operator-port",
          "5060",
          "SIP port toward the operator network (UDP and TCP), 1 to 65535.");
  static final Setting SIP_OPERATOR_TLS_PORT =
      new Setting(
          "DRGW_SIP_OPERATOR_TLS_PORT",
          "sip.operator-tls-port",
          "5061",
          "SIP-over-TLS port toward the operator network (same certificate as the Teams side, client certificates"
              + " required), 1 to 65535; 0 turns it off.");
  static final Setting SIP_MAX_CALL_RATE =
      new Setting(
          "DRGW_SIP_MAX_CALL_RATE",
          "sip.max-call-rate",
          "500",
          "New calls per second this node takes on (both directions together, bursts up to one second's"
              + " worth); beyond it new calls get 503 with Retry-After instead of overloading the node."
              + " 0 for no limit. Measured capacity: docs/benchmarks.md, SIP.");
  static final Setting SIP_NO_ANSWER_TIMEOUT =
      new Setting(
          "DRGW_SIP_NO_ANSWER_TIMEOUT",
          "sip.no-answer-timeout",
          "2s",
          "How long an INVITE drgw sends may go without any answer (not even 100 Trying) before the next"
              + " Microsoft proxy or operator peer is tried, 1s to 32s.");
  static final Setting SIP_TEAMS_PORT =
      new Setting(
          "DRGW_SIP_TEAMS_PORT",
          "sip.teams-port",
          "5063",
          "SIP-over-TLS port toward Microsoft Teams (the trunk port given to Microsoft), 1 to 65535.");
  static final Setting SIP_TLS_CERT =
      new Setting(
          "DRGW_SIP_TLS_CERT",
          "sip.tls-cert",
          "none",
          "PEM file with the Teams side's certificate chain (leaf first, covering *.1r<r>.<base> or every"
              + " customer subdomain); required when SIP is on.");
  static final Setting SIP_TLS_KEY =
      new Setting(
          "DRGW_SIP_TLS_KEY",
          "sip.tls-key",
          "none",
          "PEM file with the certificate's unencrypted PKCS#8 private key; required when SIP is on. Never logged.");
  static final Setting SIP_TLS_TRUST =
      new Setting(
          "DRGW_SIP_TLS_TRUST",
          "sip.tls-trust",
          "the JDK's trusted CAs",
          "PEM file with the CA certificates that vouch for Microsoft's proxies (and tests' peers).");
  static final Setting TEAMS_PROXIES =
      new Setting(
          "DRGW_TEAMS_PROXIES",
          "sip.teams-proxies",
          "sip.pstnhub.microsoft.com:5061, sip2.pstnhub.microsoft.com:5061, sip3.pstnhub.microsoft.com:5061",
          "Microsoft's Direct Routing SIP proxies in order of preference, host:port, comma-separated (TLS).");
  static final Setting OPERATOR_PEERS =
      new Setting(
          "DRGW_OPERATOR_PEERS",
          "sip.operator-peers",
          "none",
          "The operator network's SIP peers in order of preference: host:port or host:port;transport=udp|tcp|tls,"
              + " comma-separated (UDP unless named).");
  static final Setting SIP_OPTIONS_INTERVAL =
      new Setting(
          "DRGW_SIP_OPTIONS_INTERVAL",
          "sip.options-interval",
          "60s",
          "How often drgw sends OPTIONS to each Microsoft proxy and operator peer, 1s to 10m.");
  static final Setting NODE_REGION =
      new Setting(
          "DRGW_NODE_REGION",
          "node.region",
          "1",
          "The region this node serves, 1 to DRGW_REGIONS: its customer subdomains go to Teams in Contact.");
  static final Setting SIP_CUSTOM_HEADER =
      new Setting(
          "DRGW_CUSTOM_HEADER_NAME",
          "sip.custom-header",
          "X-MS-Operator-Content",
          "Name of the SIP header that carries a number's custom SIP header value toward the operator network.");
  static final Setting SIP_TENANT_HEADER =
      new Setting(
          "DRGW_SIP_TENANT_HEADER",
          "sip.tenant-header",
          "none",
          "Name of a SIP header that carries the account's Teams tenant ID toward the operator network,"
              + " e.g. X-MS-TenantID; empty means none.");

  static final Setting NODE_NAME =
      new Setting(
          "DRGW_NODE_NAME",
          "node.name",
          "<host name>-<HTTP port>",
          "This node's name in the node registry (GET /nodes), unique in the deployment; keep it across"
              + " restarts so that a restarted node replaces its own entry.");
  static final Setting NODE_HEARTBEAT_INTERVAL =
      new Setting(
          "DRGW_NODE_HEARTBEAT_INTERVAL",
          "node.heartbeat-interval",
          "1s",
          "How often the node reports its region and applied change to the database (and reads the other"
              + " nodes' reports), 100ms to 1m; it also reports at once after applying changes.");
  static final Setting NODE_STALE_AFTER =
      new Setting(
          "DRGW_NODE_STALE_AFTER",
          "node.stale-after",
          "10s",
          "A node silent for longer no longer counts for status (its region then lags until a node of"
              + " it reports again), 1s to 1h and at least twice the heartbeat interval.");
  static final Setting READY_MAX_LAG =
      new Setting(
          "DRGW_READY_MAX_LAG",
          "node.ready-max-lag",
          "5s",
          "/health/ready fails while the routing snapshot is behind the change log by more than this,"
              + " 1s to 1h. A database outage alone does not fail it: DNS and SIP keep serving.");
  static final Setting SHUTDOWN_DRAIN_TIMEOUT =
      new Setting(
          "DRGW_SHUTDOWN_DRAIN_TIMEOUT",
          "shutdown.drain-timeout",
          "30s",
          "On SIGTERM, how long drgw refuses new calls (503 with Retry-After, /health/ready 503) and waits for"
              + " the calls in progress to end before it ends the rest with BYE, 0s to 1h; 0 does not wait.");
  static final Setting LOG_FORMAT =
      new Setting(
          "DRGW_LOG_FORMAT",
          "log.format",
          "text",
          "Log line format on standard output: text (one line per event) or json (one JSON object per line:"
              + " timestamp, level, logger, thread, message, mdc, exception).");

  public static final List<Setting> ALL =
      List.of(
          DATA_DIR,
          HTTP_BIND,
          HTTP_PORT,
          HTTP_MAX_BODY_BYTES,
          DB_URL,
          DB_USER,
          DB_PASSWORD,
          DB_POOL_SIZE,
          BASE_DOMAIN,
          REGIONS,
          REGION_DOMAIN_FORMAT,
          AUTH_ISSUER,
          AUTH_AUDIENCE,
          AUTH_JWKS_URL,
          RATE_LIMIT_PER_MINUTE,
          REPEATABILITY_WINDOW,
          DNS_ENABLED,
          DNS_BIND,
          DNS_PORT,
          REGION1_SIP_ADDRESSES,
          REGION2_SIP_ADDRESSES,
          DNS_NAME_SERVERS,
          DNS_SOA_CONTACT,
          DNS_TTL,
          DNS_SOA_REFRESH,
          DNS_SOA_RETRY,
          DNS_SOA_EXPIRE,
          DNS_NEGATIVE_TTL,
          DNS_STATIC_RECORDS,
          DNS_TRANSFER_ALLOW,
          DNS_TSIG_KEY,
          DNS_NOTIFY,
          DNS_MAX_UDP_SIZE,
          DNS_TCP_IDLE_TIMEOUT,
          DNS_TCP_MAX_CONNECTIONS,
          PORTAL_SESSION_LIFETIME,
          PORTAL_OIDC_ISSUER,
          PORTAL_OIDC_CLIENT_ID,
          PORTAL_OIDC_CLIENT_SECRET,
          PORTAL_OIDC_REDIRECT_URI,
          PORTAL_OIDC_ROLE_CLAIM,
          SIP_ENABLED,
          SIP_BIND,
          SIP_OPERATOR_PORT,
          SIP_TEAMS_PORT,
          SIP_TLS_CERT,
          SIP_TLS_KEY,
          SIP_TLS_TRUST,
          TEAMS_PROXIES,
          OPERATOR_PEERS,
          SIP_OPTIONS_INTERVAL,
          NODE_REGION,
          SIP_CUSTOM_HEADER,
          SIP_OPERATOR_TLS_PORT,
          SIP_NO_ANSWER_TIMEOUT,
          SIP_MAX_CALL_RATE,
          SIP_TENANT_HEADER,
          NODE_NAME,
          NODE_HEARTBEAT_INTERVAL,
          NODE_STALE_AFTER,
          READY_MAX_LAG,
          SHUTDOWN_DRAIN_TIMEOUT,
          LOG_FORMAT);

  private Settings() {}

  static Optional<Setting> byYamlKey(String yamlKey) {
    return ALL.stream().filter(s -> s.yamlKey().equals(yamlKey)).findFirst();
  }

  static Optional<Setting> byEnv(String env) {
    return ALL.stream().filter(s -> s.env().equals(env)).findFirst();
  }

  /** The YAML keys below a section such as {@code http}; empty if it is no section. */
  static List<String> keysIn(String section) {
    return ALL.stream().map(Setting::yamlKey).filter(key -> key.startsWith(section + ".")).toList();
  }

  /** Every YAML key and every section name, the candidates for a "did you mean". */
  static List<String> yamlNames() {
    return ALL.stream()
        .map(Setting::yamlKey)
        .flatMap(Settings::sectionsAndKey)
        .distinct()
        .toList();
  }

  /** "portal.oidc.issuer" gives "portal", "portal.oidc", "portal.oidc.issuer". */
  private static Stream<String> sectionsAndKey(String key) {
    Stream.Builder<String> names = Stream.builder();
    for (int dot = key.indexOf('.'); dot > 0; dot = key.indexOf('.', dot + 1)) {
      names.add(key.substring(0, dot));
    }
    return names.add(key).build();
  }
}

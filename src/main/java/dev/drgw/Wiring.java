package dev.drgw;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.account.AccountService;
import dev.drgw.account.DeploymentNames;
import dev.drgw.api.ApiRoutes;
import dev.drgw.auth.JwtVerifier;
import dev.drgw.auth.LocalSigningKey;
import dev.drgw.auth.OidcClient;
import dev.drgw.auth.PasswordHasher;
import dev.drgw.auth.TokenVerifier;
import dev.drgw.changes.SyncStatus;
import dev.drgw.config.Config;
import dev.drgw.config.ConfigException;
import dev.drgw.dns.DnsService;
import dev.drgw.sip.CallRouting;
import dev.drgw.sip.Calls;
import dev.drgw.sip.OperatorSide;
import dev.drgw.sip.OptionsPolling;
import dev.drgw.sip.PeerHealth;
import dev.drgw.sip.SipMeters;
import dev.drgw.sip.SipPeer;
import dev.drgw.sip.TeamsSide;
import dev.drgw.sip.TlsMaterial;
import dev.drgw.snapshot.NodeHeartbeat;
import dev.drgw.snapshot.SnapshotFollower;
import dev.drgw.snapshot.SnapshotStatus;
import dev.drgw.metrics.HealthRoutes;
import dev.drgw.metrics.HttpMetrics;
import dev.drgw.metrics.Metrics;
import dev.drgw.number.NumberService;
import dev.drgw.portal.InitialAdmin;
import dev.drgw.portal.OidcLogin;
import dev.drgw.portal.PortalRoutes;
import dev.drgw.store.Database;
import dev.drgw.store.Stores;
import dev.drgw.users.UserStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds drgw's object graph from its configuration, by hand, and starts it. */
public final class Wiring implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Wiring.class);
  /** How often the snapshot reads the change log when no local commit woke it. */
  private static final Duration SNAPSHOT_POLL = Duration.ofSeconds(1);

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final WebServer web;
  private final SnapshotFollower follower;
  private final NodeHeartbeat heartbeat;
  /** SIP peers by side ("teams", "operator"), empty while SIP is off. */
  private final Map<String, PeerHealth> sipPeers = new LinkedHashMap<>();
  private final DnsService dns;
  private final UserStore users;
  private final Drain drain;
  /** Set once the HTTP server has started: only a node that served drains when it stops. */
  private volatile boolean serving;

  private Wiring(Config config, Clock clock) throws ConfigException {
    try {
      try {
        Files.createDirectories(config.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the data directory " + config.dataDir(), e);
      }
      Metrics metrics = own(new Metrics());
      var db = config.database();
      Database database = own(Database.open(db.url(), db.user(), db.password(), db.poolSize()));
      Stores stores = own(new Stores(database, new ObjectMapper(), clock));
      var deployment = config.deployment();
      DeploymentNames names =
          new DeploymentNames(deployment.baseDomain(), deployment.regions(), deployment.regionDomainFormat());
      AccountService accounts = new AccountService(stores.accounts(), names);
      NumberService numbers = new NumberService(stores.numbers(), stores.accounts());
      follower =
          own(new SnapshotFollower(stores.snapshotSource(), stores.changeLog(), SNAPSHOT_POLL));
      stores.onCommit(follower::wake);
      follower.start();
      own(dev.drgw.store.PgChangeListener.start(database, follower::wake));
      snapshotMeters(metrics, follower);
      if (config.dns().enabled()) {
        // DNS answers from memory and stops last: kindest to resolvers while the rest shuts down
        dns = ownLast(new DnsService(config.dns(), names, follower, metrics.registry()));
        try {
          dns.start();
        } catch (IOException e) {
          throw new UncheckedIOException(
              "cannot serve DNS on " + config.dns().bind() + ":" + config.dns().port() + " (DRGW_DNS_BIND,"
                  + " DRGW_DNS_PORT)",
              e);
        }
      } else {
        dns = null;
      }
      Calls calls = null;
      if (config.sip().enabled()) {
        var sip = config.sip();
        CallRouting routing = new CallRouting(names, sip.nodeRegion(),
            new CallRouting.Headers(sip.customHeaderName(), sip.tenantHeaderName()));
        TlsMaterial tls;
        try {
          tls = TlsMaterial.load(sip.tlsCertificate().orElseThrow(), sip.tlsKey().orElseThrow(), sip.tlsTrust());
        } catch (TlsMaterial.BadTlsFile e) {
          throw new IllegalStateException("SIP TLS (DRGW_SIP_TLS_CERT, DRGW_SIP_TLS_KEY, DRGW_SIP_TLS_TRUST): "
              + e.getMessage(), e);
        }
        PeerHealth proxies = new PeerHealth(peers(sip.teamsProxies()));
        PeerHealth operatorPeers = new PeerHealth(peers(sip.operatorPeers()));
        sipPeers.put("teams", proxies);
        sipPeers.put("operator", operatorPeers);
        sipPeers.forEach((side, health) -> peerGauges(metrics, side, health));
        calls = own(new Calls(sip.noAnswerTimeout(), sip.customHeaderName(),
            new dev.drgw.sip.CallAdmission(sip.maxCallRate(), System::nanoTime)));
        activeCallGauges(metrics, sip.nodeRegion(), calls);
        String bindHost = sip.bind().equals("0.0.0.0") || sip.bind().equals("::") ? names.regionDomain(sip.nodeRegion())
            : sip.bind();
        try {
          own(OperatorSide.start(sip.bind(), sip.operatorPort(), sip.operatorTlsPort(), tls, routing, follower::current,
              new OptionsPolling(operatorPeers, sip.optionsInterval(), bindHost),
            new SipMeters(metrics.registry(), "operator", sip.nodeRegion()), calls));
        } catch (IllegalStateException e) {
          throw new IllegalStateException(e.getMessage() + " (DRGW_SIP_BIND, DRGW_SIP_OPERATOR_PORT, DRGW_SIP_OPERATOR_TLS_PORT)", e);
        }
        try {
          own(TeamsSide.start(sip.bind(), sip.teamsPort(), tls, routing, follower::current, App.Version.current(),
              new OptionsPolling(proxies, sip.optionsInterval(), names.regionDomain(sip.nodeRegion())),
            new SipMeters(metrics.registry(), "teams", sip.nodeRegion()), calls));
        } catch (IllegalStateException e) {
          throw new IllegalStateException(e.getMessage() + " (DRGW_SIP_BIND, DRGW_SIP_TEAMS_PORT)", e);
        }
      }
      heartbeat = own(new NodeHeartbeat(stores.nodes(), nodeName(config), config.sip().nodeRegion(),
          App.Version.current(), () -> follower.current().appliedSeq(), () -> dns != null && dns.isServing(),
          config.node().heartbeatInterval(), config.node().staleAfter()));
      heartbeat.start();
      follower.addListener(s -> heartbeat.wake());
      nodeMeters(metrics, heartbeat, deployment.regions());
      SyncStatus status = new SnapshotStatus(follower::current, heartbeat::view);
      ApiRoutes api =
          new ApiRoutes(
              accounts,
              numbers,
              stores.auditTrail(),
              status,
              verifier(config, clock),
              stores.requestLedger(),
              config.api().repeatabilityWindow(),
              config.api().rateLimitPerMinute(),
              config.http().maxBodyBytes(),
              clock,
              Database::isUnavailable,
              heartbeat::nodes,
              config.node().staleAfter());
      Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
      Duration maxLag = config.node().readyMaxLag();
      checks.put("snapshot", () -> follower.lag().compareTo(maxLag) <= 0);
      if (dns != null) {
        checks.put("dns", dns::isServing);
      }
      // Shown, never failing readiness: while the database is down DNS and SIP serve on from the
      // snapshot, and every node shares the one database, so taking nodes out helps nobody.
      Map<String, BooleanSupplier> details = new LinkedHashMap<>();
      // The heartbeat's last report, not a new connection: a check must answer at once even while
      // the pool waits out its connect timeout.
      details.put("database", heartbeat::reachable);
      drain = new Drain(config.operations().drainTimeout(), calls);
      heartbeat.drainingFrom(drain::draining);
      HealthRoutes health = new HealthRoutes(checks, details, this::sipPeerDetail, metrics, drain::draining);
      ScheduledExecutorService housekeeping =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "drgw-housekeeping");
                t.setDaemon(true);
                return t;
              });
      own(housekeeping::shutdownNow);
      housekeeping.scheduleWithFixedDelay(api::retryDeferredOutcomes, 1, 1, TimeUnit.SECONDS);
      housekeeping.scheduleWithFixedDelay(
          () -> {
            try {
              stores.requestLedger().purgeExpired(clock.instant());
            } catch (RuntimeException e) {
              log.warn("could not purge expired repeatable requests", e);
            }
          },
          1,
          1,
          TimeUnit.MINUTES);
      users = stores.users();
      PasswordHasher hasher = new PasswordHasher();
      try {
        InitialAdmin.ensure(stores.users(), hasher, config.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the initial portal password to " + config.dataDir(), e);
      }
      PortalRoutes portal =
          new PortalRoutes(
              accounts,
              numbers,
              stores.auditTrail(),
              status,
              names,
              stores.users(),
              hasher,
              clock,
              config.portal().sessionLifetime(),
              config.portal().oidc().map(o -> new OidcLogin(
                  new OidcClient(o.issuer(), o.clientId(), o.clientSecret(), o.redirectUri(), o.roleClaim()),
                  o.redirectUri(), clock)),
              Database::isUnavailable);
      var http = config.http();
      web = own(new WebServer(http.bind(), http.port(), http.maxBodyBytes(), api, portal, health,
          new HttpMetrics(metrics.registry()), drain::draining));
    } catch (RuntimeException | ConfigException e) {
      close(); // what started before the failure (database, DNS, SIP listeners) stops again
      throw e;
    }
  }

  /** Starts drgw; on failure everything already started is stopped again. */
  public static Wiring start(Config config, Clock clock) throws ConfigException {
    Wiring wiring = null;
    try {
      wiring = new Wiring(config, clock);
      wiring.web.start();
      wiring.serving = true;
      log.info("drgw serving HTTP on {}:{}", config.http().bind(), wiring.web.port());
      return wiring;
    } catch (RuntimeException e) {
      if (wiring != null) {
        wiring.close();
      }
      throw e;
    }
  }

  private static TokenVerifier verifier(Config config, Clock clock) {
    var auth = config.auth();
    if (auth.jwksUrl().isPresent()) {
      try {
        return JwtVerifier.remote(auth.jwksUrl().get().toURL(), auth.issuer(), auth.audience(), clock);
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("DRGW_AUTH_JWKS_URL is not a URL", e);
      }
    }
    try {
      LocalSigningKey key = LocalSigningKey.loadOrCreate(config.dataDir());
      return JwtVerifier.local(key, auth.issuer(), auth.audience(), clock);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private <T extends AutoCloseable> T own(T resource) {
    if (resource != null) {
      started.push(resource);
    }
    return resource;
  }

  /** As {@link #own}, but stopped after everything else. */
  private <T extends AutoCloseable> T ownLast(T resource) {
    started.addLast(resource);
    return resource;
  }

  public int httpPort() {
    return web.port();
  }

  /** The DNS port, or -1 when the DNS server is off. */
  public int dnsPort() {
    return dns == null ? -1 : dns.port();
  }

  /** The local portal users. */
  public UserStore portalUsers() {
    return users;
  }

  /** The state of each SIP peer, by side: shown in /health/ready, never failing it. */
  private Map<String, Map<String, String>> sipPeerDetail() {
    Map<String, Map<String, String>> detail = new LinkedHashMap<>();
    sipPeers.forEach((side, peers) -> detail.put(side, peers.summary()));
    return detail;
  }

  /** The configured node name, or {@code <host name>-<HTTP port>}. */
  private static String nodeName(Config config) {
    if (config.node().name().isPresent()) {
      return config.node().name().get();
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "drgw";
    }
    int port = config.http().port();
    return host + "-" + (port == 0 ? "pid" + ProcessHandle.current().pid() : Integer.toString(port));
  }

  /** How fast changes reach this node's snapshot, and where it stands. */
  private static void snapshotMeters(Metrics metrics, SnapshotFollower follower) {
    io.micrometer.core.instrument.Timer propagation =
        io.micrometer.core.instrument.Timer.builder(Metrics.PREFIX + "snapshot.propagation")
            .description("Time from a change's commit (on any node) to this node's snapshot applying it")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(1))
            .register(metrics.registry());
    follower.onPropagation(propagation::record);
    io.micrometer.core.instrument.Gauge.builder(Metrics.PREFIX + "snapshot.applied.seq", follower,
            f -> f.current().appliedSeq())
        .description("Change-log sequence the routing snapshot has applied").register(metrics.registry());
    io.micrometer.core.instrument.Gauge.builder(Metrics.PREFIX + "snapshot.lag.seconds", follower,
            f -> f.lag().toNanos() / 1e9)
        .description("How long the oldest known unapplied change has waited; 0 when up to date")
        .register(metrics.registry());
  }

  /** Live nodes per region as this node sees them. */
  private static void nodeMeters(Metrics metrics, NodeHeartbeat heartbeat, int regions) {
    for (int region = 1; region <= regions; region++) {
      int r = region;
      io.micrometer.core.instrument.Gauge.builder(Metrics.PREFIX + "nodes.live", heartbeat,
              h -> h.view().regions().stream().filter(v -> v.region() == r).mapToInt(v -> v.liveNodes()).sum())
          .tag("region", Integer.toString(region))
          .description("Nodes of the region that reported within DRGW_NODE_STALE_AFTER")
          .register(metrics.registry());
    }
    io.micrometer.core.instrument.Gauge.builder(Metrics.PREFIX + "node.registry.reachable", heartbeat,
            h -> h.reachable() ? 1 : 0)
        .description("1 when this node's last heartbeat reached the database").register(metrics.registry());
  }

  /** Calls in progress by direction, the ACG "active calls". */
  private static void activeCallGauges(Metrics metrics, int region, Calls calls) {
    io.micrometer.core.instrument.Gauge.builder(Metrics.PREFIX + "sip.active.calls", calls, Calls::activeToTeams)
        .tag("direction", "to_teams").tag("region", Integer.toString(region))
        .description("Calls in progress from the operator network to Teams").register(metrics.registry());
    io.micrometer.core.instrument.Gauge.builder(Metrics.PREFIX + "sip.active.calls", calls, Calls::activeFromTeams)
        .tag("direction", "from_teams").tag("region", Integer.toString(region))
        .description("Calls in progress from Teams to the operator network").register(metrics.registry());
  }

  /** drgw_sip_peer_up{side,peer}: 1 up, 0 down, -1 not polled yet. */
  private static void peerGauges(Metrics metrics, String side, PeerHealth health) {
    for (SipPeer peer : health.peers()) {
      io.micrometer.core.instrument.Gauge.builder(Metrics.PREFIX + "sip.peer.up", health,
              h -> switch (h.state(peer)) {
                case UP -> 1;
                case DOWN -> 0;
                case UNKNOWN -> -1;
              })
          .tag("side", side)
          .tag("peer", peer.name())
          .description("SIP peer health from OPTIONS: 1 up, 0 down, -1 not polled yet")
          .register(metrics.registry());
    }
  }

  private static List<SipPeer> peers(List<dev.drgw.config.SipSettings.Peer> configured) {
    return configured.stream().map(p -> new SipPeer(p.host(), p.port(), p.transport())).toList();
  }

  /** SIP peer health by side ("teams", "operator"); empty while SIP is off. */
  public Map<String, PeerHealth> sipPeers() {
    return Map.copyOf(sipPeers);
  }

  /** This node's heartbeat and view of the other nodes. */
  public NodeHeartbeat heartbeat() {
    return heartbeat;
  }

  /** This node's routing snapshot. */
  public SnapshotFollower snapshot() {
    return follower;
  }

  /**
   * Stops gracefully when the node was serving (drains calls and requests first, see {@link
   * Drain}), then everything in reverse order of start, DNS last.
   */
  @Override
  public void close() {
    if (serving) {
      serving = false;
      drain.run();
    }
    while (!started.isEmpty()) {
      AutoCloseable resource = started.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("error while stopping {}", resource, e);
      }
    }
    log.info("drgw stopped");
  }
}

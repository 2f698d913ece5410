package dev.drgw.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.drgw.auth.LocalSigningKey;
import dev.drgw.auth.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Several drgw nodes, each {@code java -jar drgw.jar serve} in its own process with its own data
 * directory and ports, in two regions, all on one PostgreSQL, all accepting the same tokens (one
 * signing key copied into every data directory before the first start, as operators without an
 * identity provider are told to do).
 */
public final class Cluster implements AutoCloseable {

  public static final String BASE_DOMAIN = "gw.example.net";

  /**
   * JVM options of every node: a small heap, and C1 only, because four nodes, PostgreSQL, SIPp
   * and the test share two cores in CI and C2 compiling at start-up would take most of them.
   */
  public static final List<String> JVM_OPTIONS =
      List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  /** A node to start: its unique name and the region (1 or 2) it serves. */
  public record NodeSpec(String name, int region) {}

  private final StoppablePostgres postgres;
  private final List<Node> nodes;

  private Cluster(StoppablePostgres postgres, List<Node> nodes) {
    this.postgres = postgres;
    this.nodes = List.copyOf(nodes);
  }

  /**
   * Starts the nodes and waits until every one is ready. The first node starts alone (it migrates
   * the schema), the others together. {@code microsoft}, when given, turns SIP on in every node
   * toward that proxy; {@code settings} are further DRGW_* settings of every node.
   */
  public static Cluster start(StoppablePostgres postgres, Optional<MicrosoftSide> microsoft,
      Map<String, String> settings, List<NodeSpec> specs) {
    Path key = sharedSigningKey();
    List<Node> nodes = new ArrayList<>();
    for (NodeSpec spec : specs) {
      nodes.add(new Node(spec, postgres, microsoft, settings, key));
    }
    Cluster cluster = new Cluster(postgres, nodes);
    try {
      nodes.get(0).start();
      cluster.startAll(nodes.subList(1, nodes.size()));
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** The node settings every cluster test uses unless it says otherwise. */
  public static Map<String, String> defaultSettings() {
    Map<String, String> s = new HashMap<>();
    s.put("DRGW_NODE_HEARTBEAT_INTERVAL", "500ms");
    s.put("DRGW_NODE_STALE_AFTER", "3s");
    s.put("DRGW_DB_POOL_SIZE", "8");
    return s;
  }

  private static Path sharedSigningKey() {
    try {
      Path dir = TestServer.newDataDir();
      LocalSigningKey.loadOrCreate(dir);
      return dir.resolve("auth").resolve("signing-key.jwk");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the given (stopped) nodes at once and waits until all are ready. */
  public void startAll(List<Node> which) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, which.size()));
    try {
      List<Future<?>> started = new ArrayList<>();
      for (Node n : which) {
        started.add(pool.submit(n::start));
      }
      for (Future<?> f : started) {
        f.get();
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }

  public List<Node> nodes() {
    return nodes;
  }

  public Node node(String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + name));
  }

  public List<Node> region(int region) {
    return nodes.stream().filter(n -> n.region() == region).toList();
  }

  public StoppablePostgres postgres() {
    return postgres;
  }

  /** The DNS servers of the given nodes, as targets of a {@link DnsProber}. */
  public static List<DnsProber.Target> dnsTargets(List<Node> nodes) {
    return nodes.stream().map(n -> new DnsProber.Target(n.name(), n.dnsPort())).toList();
  }

  /** The change log's head ({@code change_head.seq}), read from PostgreSQL directly. */
  public long headSeq() {
    try (Connection c = postgres.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT seq FROM change_head WHERE id = 1")) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The last {@code lines} lines of every node's log, with the logs' paths. */
  public String logTails(int lines) {
    StringBuilder out = new StringBuilder();
    for (Node n : nodes) {
      out.append("\n===== ").append(n.name()).append(" (region ").append(n.region()).append(") ")
          .append(n.log()).append(" — last ").append(lines).append(" lines\n").append(n.logTail(lines)).append('\n');
    }
    return out.toString();
  }

  /** Stops every node still running (SIGTERM, then SIGKILL after 20 s). */
  @Override
  public void close() {
    for (Node n : nodes) {
      n.close();
    }
  }

  /** One drgw node: its process, ports and the API client of its HTTP port. */
  public static final class Node implements AutoCloseable {

    private static final java.net.http.HttpClient READY_CLIENT =
        java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final NodeSpec spec;
    private final Path dataDir;
    private final Map<String, String> env = new HashMap<>();
    private final int operatorSipPort;
    private final int teamsSipPort;
    private ServerProcess server;

    private Node(NodeSpec spec, StoppablePostgres postgres, Optional<MicrosoftSide> microsoft,
        Map<String, String> settings, Path signingKey) {
      this.spec = spec;
      try {
        this.dataDir = TestServer.newDataDir();
        Path auth = Files.createDirectory(dataDir.resolve("auth"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.copy(signingKey, auth.resolve("signing-key.jwk"), StandardCopyOption.COPY_ATTRIBUTES);
        this.operatorSipPort = Ports.free();
        this.teamsSipPort = Ports.free();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      env.put("DRGW_DB_URL", postgres.jdbcUrl());
      env.put("DRGW_DB_USER", StoppablePostgres.USER);
      env.put("DRGW_REGIONS", "2");
      env.put("DRGW_BASE_DOMAIN", BASE_DOMAIN);
      env.put("DRGW_NODE_REGION", Integer.toString(spec.region()));
      env.put("DRGW_NODE_NAME", spec.name());
      microsoft.ifPresent(m -> env.putAll(m.nodeSettings(operatorSipPort, teamsSipPort)));
      env.putAll(settings);
    }

    public String name() {
      return spec.name();
    }

    public int region() {
      return spec.region();
    }

    /**
     * Starts the process (the first time on new ports, later on the same ones) and waits until
     * {@code /health/ready} answers 200.
     */
    public synchronized void start() {
      if (server == null) {
        server = ServerProcess.start(dataDir, JVM_OPTIONS, env);
      } else if (server.alive()) {
        throw new IllegalStateException(name() + " is running");
      } else {
        server.restart();
      }
    }

    /** SIGKILL. */
    public void kill() {
      server.kill();
    }

    /** SIGTERM, and waits up to a minute for the node to finish (draining calls); returns the exit code. */
    public int stop() {
      return server.stop(Duration.ofSeconds(60));
    }

    public boolean alive() {
      return server != null && server.alive();
    }

    public int dnsPort() {
      return server.dnsPort();
    }

    public int httpPort() {
      return server.port();
    }

    public String baseUrl() {
      return server.baseUrl();
    }

    /** The operator-side SIP port (UDP and TCP). */
    public int operatorSipPort() {
      return operatorSipPort;
    }

    public int teamsSipPort() {
      return teamsSipPort;
    }

    /** An API client of this node with a token (signed with the shared key) carrying {@code roles}. */
    public ApiClient api(Role... roles) {
      return server.client(roles.length == 0 ? new Role[] {Role.ADMIN} : roles);
    }

    /** The status of {@code GET /health/ready}, or -1 if nothing answered. */
    public int ready() {
      try {
        return READY_CLIENT.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl() + "/health/ready"))
            .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (IOException e) {
        return -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }

    /** {@code GET /nodes} through this node: the value array. */
    public JsonNode nodesView() {
      ApiClient.Response r = api(Role.READ).get("/nodes");
      if (r.status() != 200) {
        throw new AssertionError("GET /nodes on " + name() + ": " + r);
      }
      return r.json().path("value");
    }

    public Path log() {
      return dataDir.resolve("server.log");
    }

    public String logTail(int lines) {
      return server == null ? "(never started)" : server.logTail(lines);
    }

    @Override
    public String toString() {
      return name() + "(region " + region() + ")";
    }

    @Override
    public void close() {
      if (alive()) {
        try {
          server.stop(Duration.ofSeconds(20));
        } catch (AssertionError killedInstead) {
          // stop() has SIGKILLed it
        }
      }
    }
  }
}

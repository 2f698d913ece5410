package dev.drgw.testing;

import dev.drgw.Wiring;
import dev.drgw.auth.LocalSigningKey;
import dev.drgw.auth.Role;
import dev.drgw.auth.TokenIssuer;
import dev.drgw.config.Config;
import dev.drgw.config.ConfigException;
import dev.drgw.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The whole drgw server, started in this JVM on a free loopback port with its own data directory,
 * configured exactly as in production (environment settings through the real config loader).
 */
public final class TestServer implements AutoCloseable {

  private final Map<String, String> env;
  private final Config config;
  private Wiring wiring;

  private TestServer(Map<String, String> env) {
    this.env = Map.copyOf(env);
    try {
      this.config = ConfigLoader.load(this.env, Optional.empty());
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    this.wiring = startWiring(config);
  }

  private static Wiring startWiring(Config config) {
    try {
      return Wiring.start(config, Clock.systemUTC());
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Starts a server on embedded H2; {@code overrides} are extra DRGW_* settings. */
  public static TestServer start(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("DRGW_DATA_DIR", newDataDir().toString());
    env.put("DRGW_HTTP_PORT", "0");
    env.put("DRGW_HTTP_BIND", "127.0.0.1");
    env.put("DRGW_DNS_PORT", "0");
    env.putAll(overrides);
    return new TestServer(env);
  }

  public static TestServer start() {
    return start(Map.of());
  }

  /** Starts a server on a fresh database of the shared test PostgreSQL. */
  public static TestServer startOnPostgres(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(overrides);
    env.put("DRGW_DB_URL", TestPostgres.newDatabase());
    env.put("DRGW_DB_USER", TestPostgres.user());
    return start(env);
  }

  public static Path newDataDir() {
    Path root = Path.of(System.getProperty("drgw.test.dataRoot", "target/test-data"));
    try {
      Files.createDirectories(root);
      return Files.createTempDirectory(root.toAbsolutePath(), "drgw-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Config config() {
    return config;
  }

  public Map<String, String> env() {
    return env;
  }

  public int port() {
    return wiring.httpPort();
  }

  public int dnsPort() {
    return wiring.dnsPort();
  }

  public Wiring wiring() {
    return wiring;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** Adds a local portal user (bcrypt-hashed like {@code drgw user add} does). */
  public TestServer withPortalUser(String username, dev.drgw.users.UserRole role, String password) {
    wiring.portalUsers().add(new dev.drgw.users.PortalUser(username, role,
        new dev.drgw.auth.PasswordHasher().hash(password.toCharArray())));
    return this;
  }

  /** The password of the {@code admin} user drgw creates on a fresh installation. */
  public String initialAdminPassword() {
    try {
      return Files.readString(config.dataDir().resolve(dev.drgw.portal.InitialAdmin.FILE)).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A token signed with this server's local key, carrying the given roles. */
  public String token(Role... roles) {
    return token(Duration.ofHours(1), roles);
  }

  public String token(Duration ttl, Role... roles) {
    try {
      LocalSigningKey key = LocalSigningKey.loadOrCreate(config.dataDir());
      EnumSet<Role> set = EnumSet.noneOf(Role.class);
      set.addAll(java.util.List.of(roles));
      return new TokenIssuer(key, config.auth().issuer(), config.auth().audience(), Clock.systemUTC())
          .issue("test-client", set, ttl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An API client whose requests carry a token with the given roles. */
  public ApiClient client(Role... roles) {
    return new ApiClient(baseUrl(), token(roles));
  }

  /** An API client that sends no token. */
  public ApiClient anonymous() {
    return new ApiClient(baseUrl(), null);
  }

  /** Stops and starts the server again on the same data (and port 0: a new port). */
  public void restart() {
    wiring.close();
    wiring = startWiring(config);
  }

  @Override
  public void close() {
    wiring.close();
  }
}

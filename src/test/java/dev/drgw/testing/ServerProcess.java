package dev.drgw.testing;

import dev.drgw.auth.LocalSigningKey;
import dev.drgw.auth.Role;
import dev.drgw.auth.TokenIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * drgw as operators run it: {@code java -jar target/drgw.jar serve} in its own process, so that
 * it can be killed with SIGKILL and started again on the same data.
 */
public final class ServerProcess implements AutoCloseable {

  private final List<String> command;
  private final Path workingDir;
  private final Path dataDir;
  private final int port;
  private final int dnsPort;
  private final Map<String, String> env;
  private Process process;

  private ServerProcess(
      List<String> command, Path workingDir, Path dataDir, int port, Map<String, String> env) {
    this.command = command;
    this.workingDir = workingDir;
    this.dataDir = dataDir;
    this.port = port;
    this.dnsPort = freePort();
    this.env = env;
  }

  /** The fat jar built by {@code package}; failsafe passes its path. */
  public static Path jar() {
    String jar = System.getProperty("drgw.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(
          "target/drgw.jar is missing: run this test with ./mvnw verify (failsafe, after package)");
    }
    return Path.of(jar);
  }

  public static ServerProcess start(Map<String, String> overrides) {
    Path dataDir = TestServer.newDataDir();
    Map<String, String> env = new HashMap<>();
    env.put("DRGW_DATA_DIR", dataDir.toString());
    env.put("DRGW_HTTP_BIND", "127.0.0.1");
    env.putAll(overrides);
    List<String> command = List.of(javaBinary(), "-jar", jar().toString(), "serve");
    ServerProcess server = new ServerProcess(command, dataDir, dataDir, freePort(), env);
    server.launch();
    return server;
  }

  /**
   * Runs {@code command} (e.g. the README's {@code ./drgw serve}) in {@code workingDir} with only
   * the port set, so that every other setting takes its default; data goes to
   * {@code workingDir/data}.
   */
  public static ServerProcess startCommand(List<String> command, Path workingDir) {
    ServerProcess server =
        new ServerProcess(command, workingDir, workingDir.resolve("data"), freePort(), Map.of());
    server.launch();
    return server;
  }

  public int port() {
    return port;
  }

  public int dnsPort() {
    return dnsPort;
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile());
    builder.environment().putAll(env);
    builder.environment().put("DRGW_HTTP_PORT", Integer.toString(port));
    builder.environment().put("DRGW_DNS_PORT", Integer.toString(dnsPort));
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(workingDir.resolve("server.log").toFile()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    awaitReady(Duration.ofSeconds(60));
  }

  private void awaitReady(Duration timeout) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("drgw exited while starting; see " + workingDir.resolve("server.log"));
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("drgw did not become ready; see " + workingDir.resolve("server.log"));
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** A token from the local key in the data dir, as {@code drgw token} would print. */
  public ApiClient client(Role... roles) {
    try {
      LocalSigningKey key = LocalSigningKey.loadOrCreate(dataDir);
      EnumSet<Role> set = EnumSet.noneOf(Role.class);
      set.addAll(List.of(roles));
      String token =
          new TokenIssuer(key, "drgw", "drgw", Clock.systemUTC()).issue("crash-test", set, Duration.ofHours(1));
      return new ApiClient(baseUrl(), token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: no shutdown hook, no flush, no goodbye. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM, as systemd stops a service: the shutdown hook drains and stops drgw. Does not wait. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to end; its exit code. */
  public int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      throw new AssertionError("drgw still running after " + limit + "; see " + workingDir.resolve("server.log"));
    }
    return process.exitValue();
  }

  /** What the process wrote to standard output and error so far. */
  public String log() {
    try {
      return Files.readString(workingDir.resolve("server.log"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server again on the same data directory and port. */
  public void restart() {
    launch();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

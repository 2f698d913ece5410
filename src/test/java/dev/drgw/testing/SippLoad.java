package dev.drgw.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A SIPp process that keeps making calls (or answering them) until told to stop, as opposed to
 * {@link Sipp}'s single calls: the operator network's steady call load, a set of long established
 * calls, or Microsoft's proxy answering all of them. Its counts come from SIPp's own statistics
 * file ({@code -trace_stat}), whose last line SIPp writes as it exits.
 */
public final class SippLoad implements AutoCloseable {

  /** SIPp's cumulative counts and, once it has exited, its exit code (0: every call succeeded). */
  public record Stats(String name, long created, long successful, long failed, long current, Integer exitCode,
      String errors) {

    @Override
    public String toString() {
      return name + ": " + created + " calls, " + successful + " ok, " + failed + " failed, " + current
          + " in progress" + (exitCode == null ? "" : ", exit code " + exitCode)
          + (errors.isBlank() ? "" : "\n" + errors);
    }
  }

  private final String name;
  private final Process process;
  private final Path dir;

  private SippLoad(String name, Process process, Path dir) {
    this.name = name;
    this.process = process;
    this.dir = dir;
  }

  /**
   * The operator network calling {@code number} through drgw's operator port {@code port} (UDP)
   * at {@code callsPerSecond}, each call held for {@code hold} before the caller hangs up; at
   * most {@code maxCalls} calls (0: until {@link #stop}).
   */
  public static SippLoad operatorCalls(String name, int port, String number, double callsPerSecond, Duration hold,
      int maxCalls) {
    List<String> args = new ArrayList<>(List.of("127.0.0.1:" + port, "-sf", scenario("operator-call-held.xml"),
        "-t", "u1", "-s", number, "-d", Long.toString(hold.toMillis()),
        "-r", Double.toString(callsPerSecond), "-rp", "1000",
        "-l", "10000", "-recv_timeout", "10000", "-max_recv_loops", "10000"));
    if (maxCalls > 0) {
      args.addAll(List.of("-m", Integer.toString(maxCalls)));
    }
    return start(name, args);
  }

  /**
   * Microsoft's proxy: SIPp answering every call (and OPTIONS) on {@code sippPort} over TCP, behind
   * the TLS listener {@code proxyPort} that its Record-Route names.
   */
  public static SippLoad teamsProxy(int sippPort, int proxyPort) {
    return start("teams-proxy", List.of("-sf", scenario("teams-proxy-load.xml"), "-t", "t1",
        "-key", "proxy_port", Integer.toString(proxyPort), "-l", "10000"), sippPort);
  }

  private static SippLoad start(String name, List<String> scenarioArgs) {
    return start(name, scenarioArgs, Ports.free());
  }

  private static SippLoad start(String name, List<String> scenarioArgs, int localPort) {
    String sipp = Tools.mustHave("sipp", "sip-tester");
    try {
      Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "sipp-" + name + "-");
      List<String> command = new ArrayList<>(List.of(sipp));
      command.addAll(scenarioArgs);
      command.addAll(List.of("-i", "127.0.0.1", "-p", Integer.toString(localPort), "-nostdin",
          "-trace_stat", "-stf", dir.resolve("stats.csv").toString(), "-fd", "1",
          "-trace_err", "-error_file", dir.resolve("errors.log").toString()));
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("output.log").toFile()).start();
      return new SippLoad(name, p, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String scenario(String file) {
    return Sipp.SCENARIOS.resolve(file).toAbsolutePath().toString();
  }

  /** The counts as of SIPp's last statistics line (written every second). */
  public Stats current() {
    return read(process.isAlive() ? null : process.exitValue());
  }

  /**
   * Stops making new calls (SIGUSR1: SIPp's soft quit), lets the calls in progress finish, and
   * returns the final counts; fails if SIPp does not exit within {@code timeout}.
   */
  public Stats stop(Duration timeout) {
    if (process.isAlive()) {
      signal("-USR1");
    }
    return finish(timeout);
  }

  /** Waits for SIPp to end on its own (after {@code -m} calls) and returns the final counts. */
  public Stats finish(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
        throw new AssertionError("SIPp " + name + " did not finish within " + timeout + ": " + current());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return current();
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Stats read(Integer exitCode) {
    Path file = dir.resolve("stats.csv");
    String errors = tail(dir.resolve("errors.log"), 20);
    try {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
      if (lines.size() < 2) {
        return new Stats(name, 0, 0, 0, 0, exitCode, errors);
      }
      List<String> header = Arrays.asList(lines.get(0).split(";"));
      String[] values = lines.get(lines.size() - 1).split(";");
      Map<String, Long> v = Map.of(
          "created", value(header, values, "TotalCallCreated"),
          "ok", value(header, values, "SuccessfulCall(C)"),
          "failed", value(header, values, "FailedCall(C)"),
          "current", value(header, values, "CurrentCall"));
      return new Stats(name, v.get("created"), v.get("ok"), v.get("failed"), v.get("current"), exitCode, errors);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long value(List<String> header, String[] values, String column) {
    int i = header.indexOf(column);
    return i < 0 || i >= values.length ? -1 : Long.parseLong(values[i].strip());
  }

  private static String tail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream()
          .filter(l -> !l.isBlank()).toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "";
    }
  }

  public Path dir() {
    return dir;
  }

  public String name() {
    return name;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** Ends SIPp at once (SIGKILL), for clean-up. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

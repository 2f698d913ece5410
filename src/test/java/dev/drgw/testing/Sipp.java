package dev.drgw.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * SIPp (Debian package sip-tester) running one scenario of {@code src/test/resources/sipp} against
 * a drgw SIP port on loopback, with its message trace kept for assertions.
 */
public final class Sipp {

  public static final Path SCENARIOS = Path.of("src/test/resources/sipp");

  /** Exit code 0 means every call of the scenario succeeded; {@code messages} is the trace. */
  public record Run(int exitCode, String output, String messages) {}

  private Sipp() {}

  /** One call of {@code scenario} over {@code transport} (u1 or t1); {@code service} is sipp's -s. */
  public static Run call(int port, String scenario, String transport, Optional<String> service) throws Exception {
    String sipp = Tools.require("sipp", "sip-tester");
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "sipp-");
    Path messages = dir.resolve("messages.log");
    Path errors = dir.resolve("errors.log");
    List<String> command = new ArrayList<>(List.of(sipp, "127.0.0.1:" + port,
        "-sf", SCENARIOS.resolve(scenario).toAbsolutePath().toString(),
        "-t", transport, "-i", "127.0.0.1", "-p", Integer.toString(freePort()),
        "-m", "1", "-timeout", "15s", "-timeout_error", "-nostdin",
        "-trace_msg", "-message_file", messages.toString(),
        "-trace_err", "-error_file", errors.toString()));
    service.ifPresent(s -> command.addAll(List.of("-s", s)));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("sipp did not finish: " + out);
    }
    String trace = Files.exists(messages) ? Files.readString(messages) : "";
    String err = Files.exists(errors) ? Files.readString(errors) : "";
    return new Run(p.exitValue(), String.join("\n", out.lines().filter(l -> !l.isBlank()).toList()) + "\n" + err, trace);
  }

  /**
   * One call of {@code scenario} from local port {@code localPort}, with SIPp keywords
   * ({@code -key name value}: {@code [name]} in the scenario).
   */
  public static Run call(int port, String scenario, String transport, Optional<String> service, int localPort,
      java.util.Map<String, String> keys) throws Exception {
    return start(Optional.of(port), scenario, transport, service, localPort, keys, 15).finish();
  }

  /** As {@link #call(int, String, String, Optional, int, java.util.Map)}, in the background. */
  public static Background callInBackground(int port, String scenario, String transport, Optional<String> service,
      int localPort, java.util.Map<String, String> keys) throws Exception {
    return start(Optional.of(port), scenario, transport, service, localPort, keys, 20);
  }

  /** SIPp answering one call of {@code scenario} on {@code localPort} (a UAS scenario), in the background. */
  public static Background serve(String scenario, String transport, int localPort, java.util.Map<String, String> keys)
      throws Exception {
    return start(Optional.empty(), scenario, transport, Optional.empty(), localPort, keys, 20);
  }

  /** A SIPp process; {@link #finish} waits for it and returns its outcome. */
  public static final class Background {
    private final Process process;
    private final Path messages;
    private final Path errors;
    private final Path output;

    private Background(Process process, Path dir) {
      this.process = process;
      this.messages = dir.resolve("messages.log");
      this.errors = dir.resolve("errors.log");
      this.output = dir.resolve("output.log");
    }

    public Run finish() throws Exception {
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("sipp did not finish: " + read(output));
      }
      String out = String.join("\n", read(output).lines().filter(l -> !l.isBlank()).toList());
      return new Run(process.exitValue(), out + "\n" + read(errors), read(messages));
    }

    private static String read(Path file) throws IOException {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }
  }

  private static Background start(Optional<Integer> remotePort, String scenario, String transport,
      Optional<String> service, int localPort, java.util.Map<String, String> keys, int timeoutSeconds)
      throws Exception {
    String sipp = Tools.require("sipp", "sip-tester");
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "sipp-");
    List<String> command = new ArrayList<>(List.of(sipp));
    remotePort.ifPresent(p -> command.add("127.0.0.1:" + p));
    command.addAll(List.of("-sf", SCENARIOS.resolve(scenario).toAbsolutePath().toString(),
        "-t", transport, "-i", "127.0.0.1", "-p", Integer.toString(localPort),
        "-m", "1", "-timeout", timeoutSeconds + "s", "-timeout_error", "-nostdin",
        "-trace_msg", "-message_file", dir.resolve("messages.log").toString(),
        "-trace_err", "-error_file", dir.resolve("errors.log").toString()));
    service.ifPresent(s -> command.addAll(List.of("-s", s)));
    keys.forEach((k, v) -> command.addAll(List.of("-key", k, v)));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("output.log").toFile()).start();
    return new Background(p, dir);
  }

  /** A port free for both UDP and TCP on loopback. */
  public static int freePort() throws IOException {
    for (int i = 0; i < 50; i++) {
      try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
          DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
        return udp.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port for both UDP and TCP");
  }
}

package dev.drgw.sip;

import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.testing.Sipp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The RFC 4475 torture messages (src/test/resources/sip/rfc4475, reconstructed byte by byte from
 * the RFC's printed messages; see manifest.tsv) sent over TCP to the operator side, each on its own
 * connection so that the answer comes back on it: valid requests are answered (not with 400),
 * invalid ones get 400, 501, 505, 513 or no answer (unless the RFC allows a liberal element to
 * accept them), responses are never answered, and after every message the side still answers a
 * well-formed request.
 */
class SipTortureTest {

  static final Path CORPUS = Path.of("src/test/resources/sip/rfc4475");

  /**
   * Invalid messages JAIN-SIP RI accepts and drgw cannot yet tell apart: the RI's parser turns the
   * request line's SIP/7.0 into SIP/2.0, so badvers is answered as an OPTIONS instead of 505
   * (docs/sip.md lists it). Every other message is held to the RFC.
   */
  static final java.util.Set<String> KNOWN_GAPS = java.util.Set.of("badvers");
  static OperatorSide side;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    port = Sipp.freePort();
    side = OperatorSide.start("127.0.0.1", port, new CallRouting(CallRoutingTest.NAMES, 1, CallRoutingTest.HEADERS),
        () -> CallRoutingTest.SNAPSHOT,
        new OptionsPolling(new PeerHealth(List.of()), Duration.ofMinutes(1), "127.0.0.1"), CallRoutingTest.METERS_OPERATOR, CallRoutingTest.calls());
  }

  @AfterAll
  static void stop() {
    if (side != null) {
      side.close();
    }
  }

  static Stream<Arguments> messages() throws IOException {
    return Files.readAllLines(CORPUS.resolve("manifest.tsv")).stream().skip(1).map(l -> l.split("\t"))
        .map(c -> Arguments.of(c[0], c[1], c[2], c[3].equals("yes"), c[6]));
  }

  @ParameterizedTest(name = "{1} {0} ({2})")
  @MethodSource("messages")
  void tortureMessage(String name, String section, String expectation, boolean request, String note) throws Exception {
    byte[] message = Files.readAllBytes(CORPUS.resolve(name + ".dat"));

    String answer = send(request ? withOurViaOnTop(message) : message);

    String status = answer.isEmpty() ? "none" : answer.substring(8, Math.min(11, answer.length()));
    if (!request) {
      assertThat(answer).as("a response is never answered").isEmpty();
    } else if (expectation.equals("valid")) {
      assertThat(status).as("%s: %s; answer: %s", name, note, answer).isNotIn("none", "400");
    } else if (expectation.equals("invalid") && !liberalHandlingAllowed(note) && !KNOWN_GAPS.contains(name)) {
      assertThat(status).as("%s: %s; answer: %s", name, note, answer).isIn("none", "400", "505", "501", "513");
    }
    assertThat(send(OptionsMessage.bytes(port))).as("still answering after %s", name).startsWith("SIP/2.0 200");
  }

  /**
   * Where the RFC lets "a liberal element" accept the message (ignoring the extra spaces, the
   * escaped headers, the time zone, inferring the brackets), any answer is correct.
   */
  static boolean liberalHandlingAllowed(String note) {
    return note.contains("liberal") || note.contains("otherwise ignore it");
  }

  /**
   * The message with a Via of ours added above its own (right after the first line), so that the
   * answer comes back on our TCP connection; the RFC's bytes are otherwise unchanged.
   */
  static byte[] withOurViaOnTop(byte[] message) {
    int firstLineEnd = -1;
    for (int i = 0; i + 1 < message.length; i++) {
      if (message[i] == '\r' && message[i + 1] == '\n') {
        firstLineEnd = i + 2;
        break;
      }
    }
    if (firstLineEnd < 0) {
      return message;
    }
    byte[] via = ("Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK" + java.util.UUID.randomUUID() + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[message.length + via.length];
    System.arraycopy(message, 0, out, 0, firstLineEnd);
    System.arraycopy(via, 0, out, firstLineEnd, via.length);
    System.arraycopy(message, firstLineEnd, out, firstLineEnd + via.length, message.length - firstLineEnd);
    return out;
  }

  /** Sends on a new TCP connection; the first final answer, or "" when none comes within 2 s. */
  static String send(byte[] message) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(2000);
      s.getOutputStream().write(message);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      try {
        while (true) {
          int n = in.read(buffer);
          if (n < 0) {
            break;
          }
          got.write(buffer, 0, n);
          String text = got.toString(StandardCharsets.ISO_8859_1);
          int end = text.indexOf("\r\n\r\n");
          if (end > 0 && !text.startsWith("SIP/2.0 1")) {
            return text.substring(0, end);
          }
          if (end > 0) {
            got.reset();
            got.write(text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1));
          }
        }
      } catch (SocketTimeoutException | java.net.SocketException quiet) {
        // no answer, or the connection was reset
      }
      return "";
    }
  }

  /** A well-formed OPTIONS over TCP. */
  static final class OptionsMessage {
    static byte[] bytes(int port) {
      return ("OPTIONS sip:127.0.0.1:" + port + ";transport=tcp SIP/2.0\r\n"
          + "Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK" + java.util.UUID.randomUUID() + "\r\n"
          + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=1\r\nTo: <sip:drgw@127.0.0.1>\r\n"
          + "Call-ID: " + java.util.UUID.randomUUID() + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
    }
  }
}

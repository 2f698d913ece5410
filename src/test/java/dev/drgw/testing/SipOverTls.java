package dev.drgw.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A minimal SIP-over-TLS client for tests that play Microsoft's proxy: one request, one answer. */
public final class SipOverTls {

  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^(?:content-length|l):\\s*(\\d+)");

  private SipOverTls() {}

  /** A request with fresh Via branch and Call-ID; {@code extra} are more header lines (may be empty). */
  public static String request(String line, String from, String to, String cseq, String extra, String body) {
    return line + "\r\n"
        + "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK" + UUID.randomUUID() + "\r\n"
        + "Max-Forwards: 70\r\n" + from + "\r\n" + to + "\r\n"
        + "Call-ID: " + UUID.randomUUID() + "\r\n" + cseq + "\r\n"
        + (extra.isEmpty() ? "" : extra + "\r\n")
        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
  }

  /** Sends one request over a new TLS connection and reads the first final answer (skipping 1xx). */
  public static String exchange(SSLContext client, int port, String request) throws IOException {
    try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      while (true) {
        String answer = readMessage(in);
        if (!answer.startsWith("SIP/2.0 1")) {
          return answer;
        }
      }
    }
  }

  private static String readMessage(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after: " + head.toString(StandardCharsets.UTF_8));
      }
      head.write(b);
      matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String headers = head.toString(StandardCharsets.UTF_8);
    Matcher length = CONTENT_LENGTH.matcher(headers);
    int n = length.find() ? Integer.parseInt(length.group(1)) : 0;
    return headers + new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }
}

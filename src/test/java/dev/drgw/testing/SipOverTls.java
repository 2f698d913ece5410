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

  /** Reads one SIP message (headers and a Content-Length body) from {@code in}. */
  public static String readMessage(InputStream in) throws IOException {
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

  /** An answer to {@code request} with {@code status}: its Via, From, To (tagged), Call-ID and CSeq. */
  public static String answer(String request, int status, String reason) {
    StringBuilder out = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
    for (String line : request.split("\r\n")) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("via:") || lower.startsWith("from:") || lower.startsWith("call-id:")
          || lower.startsWith("cseq:")) {
        out.append(line).append("\r\n");
      } else if (lower.startsWith("to:")) {
        out.append(line).append(line.contains(";tag=") ? "" : ";tag=test").append("\r\n");
      }
    }
    return out.append("Content-Length: 0\r\n\r\n").toString();
  }

  /** The value of the first header {@code name} in {@code message}, or null. */
  public static String header(String message, String name) {
    for (String line : message.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).strip();
      }
    }
    return null;
  }
}

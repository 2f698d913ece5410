package dev.drgw.config;

import java.util.Objects;

/**
 * The HTTP server: {@code bind} is an IP literal (IPv6 without brackets) or host name; port 0 means
 * any free port.
 */
public record HttpSettings(String bind, int port, long maxBodyBytes) {

  public HttpSettings {
    Objects.requireNonNull(bind, "bind");
  }
}

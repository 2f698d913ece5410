package dev.drgw.config;

import java.util.Objects;

/** The JDBC store (H2 or PostgreSQL). {@link #toString()} never shows the password. */
public record DatabaseSettings(String url, String user, String password, int poolSize) {

  public DatabaseSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
  }

  public boolean isPostgres() {
    return JdbcUrls.isPostgres(url);
  }

  @Override
  public String toString() {
    return "DatabaseSettings[url="
        + JdbcUrls.redact(url)
        + ", user="
        + user
        + ", password="
        + (password.isEmpty() ? "(empty)" : "(hidden)")
        + ", poolSize="
        + poolSize
        + "]";
  }
}

package dev.drgw.config;

import java.util.regex.Pattern;

/** The two supported JDBC URL kinds, and hiding credentials written into a URL. */
final class JdbcUrls {

  static final String H2 = "jdbc:h2:";
  static final String POSTGRES = "jdbc:postgresql:";

  private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^;&]*");
  private static final Pattern USER_INFO = Pattern.compile("(//[^/@:]*:)[^/@]*@");

  private JdbcUrls() {}

  static Parsed<String> parse(String raw) {
    if (raw.startsWith(H2) || raw.startsWith(POSTGRES)) {
      return Parsed.ok(raw);
    }
    return Parsed.expected(
        "must start with \""
            + H2
            + "\" or \""
            + POSTGRES
            + "\", the two supported databases (H2 and PostgreSQL)",
        redact(raw));
  }

  static boolean isPostgres(String url) {
    return url.startsWith(POSTGRES);
  }

  /** The URL with passwords in {@code password=} parameters or {@code user:password@} hidden. */
  static String redact(String url) {
    String hidden = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
    return USER_INFO.matcher(hidden).replaceAll("$1***@");
  }
}

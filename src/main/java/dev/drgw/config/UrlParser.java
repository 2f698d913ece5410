package dev.drgw.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/** Absolute http and https URLs. */
final class UrlParser {

  private static final Set<String> SCHEMES = Set.of("http", "https");

  private UrlParser() {}

  static Parsed<URI> parseHttpUrl(String raw) {
    try {
      URI uri = new URI(raw);
      if (uri.getScheme() != null
          && SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))
          && uri.getHost() != null) {
        return Parsed.ok(uri);
      }
    } catch (URISyntaxException e) {
      // reported below, like every other malformed URL
    }
    return Parsed.expected("must be an absolute http or https URL", raw);
  }
}

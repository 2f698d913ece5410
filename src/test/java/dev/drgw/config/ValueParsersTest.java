package dev.drgw.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValueParsersTest {

  @ParameterizedTest(name = "{0} in {1}..{2}: {3}")
  @CsvSource({
    "0,      0, 65535, 0",
    "65535,  0, 65535, 65535",
    "080,    0, 65535, 80",
    "-0,     0, 65535, 0",
    "65536,  0, 65535, ",
    "-1,     0, 65535, ",
    "+1,     0, 65535, ",
    "1e3,    0, 65535, ",
    "0x10,   0, 65535, ",
    "99999999999999999999, 0, 65535, ",
    "'',     0, 65535, ",
  })
  void integers(String raw, int min, int max, Integer expected) {
    assertThat(value(IntParser.parse(raw, min, max))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "1024,        1024",
    "104857600,   104857600",
    "1k,          1024",
    "1K,          1024",
    "2m,          2097152",
    "100M,        104857600",
    "101m,        ",
    "1023,        ",
    "0k,          ",
    "1.5m,        ",
    "2 m,         ",
    "2mb,         ",
    "2g,          ",
    "999999999999m, ",
    "1000000000000, ",
  })
  void sizes(String raw, Long expected) {
    assertThat(value(SizeParser.parse(raw, 1024, 104_857_600))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "1m,        PT1M",
    "60s,       PT1M",
    "300s,      PT5M",
    "5M,        PT5M",
    "1h,        PT1H",
    "2d,        PT48H",
    "7d,        PT168H",
    "PT5M,      PT5M",
    "pt90m,     PT1H30M",
    "P7D,       PT168H",
    "P1DT1H,    PT25H",
    "60000ms,   PT1M",
    "90000MS,   PT1M30S",
    "59999ms,   ",
    "5 ms,      ",
    "5msec,     ",
    "59s,       ",
    "PT59.9S,   ",
    "7d1s,      ",
    "P7DT1S,    ",
    "8d,        ",
    "1w,        ",
    "-5m,       ",
    "5,         ",
    "'',        ",
  })
  void durations(String raw, Duration expected) {
    assertThat(value(DurationParser.parse(raw, Duration.ofMinutes(1), Duration.ofDays(7))))
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({"PT1M, 1m", "PT168H, 7d", "PT90M, 90m", "PT45S, 45s", "PT2H, 2h", "PT0.5S, 500ms", "PT1.5S, PT1.5S"})
  void durationsAreShownInTheirSimplestForm(Duration duration, String text) {
    assertThat(DurationParser.format(duration)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "gw.example.net,   gw.example.net",
    "GW.Example.NET.,  gw.example.net",
    "localhost,        localhost",
    "a-1.b2.c,         a-1.b2.c",
    "xn--bcher-kva.de, xn--bcher-kva.de",
    "'',               ",
    ".,                ",
    "gw..example.net,  ",
    ".gw.example.net,  ",
    "gw.example.net..,  ",
    "-gw.example.net,  ",
    "gw-.example.net,  ",
    "gw_1.example.net, ",
    "gw example.net,   ",
    "bücher.de,        ",
  })
  void dnsNames(String raw, String expected) {
    assertThat(value(DnsNames.parse(raw))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "label of {0} characters valid: {1}")
  @CsvSource({"63, true", "64, false"})
  void dnsLabelsHaveAtMost63Characters(int length, boolean valid) {
    assertThat(DnsNames.parse("a".repeat(length) + ".net"))
        .isInstanceOf(valid ? Parsed.Ok.class : Parsed.Bad.class);
  }

  @ParameterizedTest(name = "name of {0} characters valid: {1}")
  @CsvSource({"253, true", "254, false"})
  void dnsNamesHaveAtMost253Characters(int length, boolean valid) {
    String label = "a".repeat(63);
    String name = (label + "." + label + "." + label + "." + label).substring(0, length);
    assertThat(name).hasSize(length).doesNotEndWith(".");
    assertThat(DnsNames.parse(name)).isInstanceOf(valid ? Parsed.Ok.class : Parsed.Bad.class);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "0.0.0.0,              0.0.0.0",
    "192.168.1.20,         192.168.1.20",
    "::,                   ::",
    "[::],                 ::",
    "::1,                  ::1",
    "fe80::1%eth0,         fe80::1%eth0",
    "2001:db8::8:800:200c:417a, 2001:db8::8:800:200c:417a",
    "1:2:3:4:5:6:7:8,      1:2:3:4:5:6:7:8",
    "::ffff:192.0.2.1,     ::ffff:192.0.2.1",
    "localhost,            localhost",
    "gw-1.example.net,     gw-1.example.net",
    "'',                   ",
    "256.0.0.1,            ",
    "1.2.3,                ",
    "1.2.3.4.5,            ",
    "[127.0.0.1],          ",
    "[::1,                 ",
    "1:2:3:4:5:6:7,        ",
    "1:2:3:4:5:6:7:8:9,    ",
    "1::2::3,              ",
    ":::,                  ",
    "1:2:3:4:5:6:7::8,     ",
    "12345::,              ",
    "fe80::zz,             ",
    "::1.2.3.4:5,          ",
    "fe80::1%,             ",
    "my host,              ",
    "a_b.example,          ",
  })
  void bindAddresses(String raw, String expected) {
    assertThat(value(HostParser.parse(raw))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "https://keys.example/jwks,          true",
    "http://127.0.0.1:8080/.well-known/jwks.json, true",
    "HTTPS://KEYS.EXAMPLE/JWKS,          true",
    "ftp://keys.example/jwks,            false",
    "/jwks,                              false",
    "keys.example/jwks,                  false",
    "https://,                           false",
    "https:///jwks,                      false",
    "https://bad_host/jwks,              false",
    "mailto:ops@example.net,             false",
    "not a url,                          false",
  })
  void jwksUrls(String raw, boolean valid) {
    assertThat(value(UrlParser.parseHttpUrl(raw))).isEqualTo(valid ? URI.create(raw) : null);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "jdbc:postgresql://db/drgw?user=a&password=secret&ssl=true,"
        + " jdbc:postgresql://db/drgw?user=a&password=***&ssl=true",
    "jdbc:h2:file:/data/drgw;USER=a;PASSWORD=secret;MODE=x,     "
        + " jdbc:h2:file:/data/drgw;USER=a;PASSWORD=***;MODE=x",
    "jdbc:postgresql://app:secret@db:5432/drgw,                 "
        + " jdbc:postgresql://app:***@db:5432/drgw",
    "jdbc:postgresql://db:5432/drgw,                             jdbc:postgresql://db:5432/drgw",
  })
  void jdbcUrlsAreShownWithoutPasswords(String url, String shown) {
    assertThat(JdbcUrls.redact(url)).isEqualTo(shown);
  }

  @ParameterizedTest(name = "{0} with {1} regions: {2}")
  @CsvSource({
    "1r%d,           2, 1r%d",
    "R%d,            2, r%d",
    "region-%d-eu,   2, region-%d-eu",
    "%d,             2, %d",
    "%d%d,           2, ",
    "r%s,            2, ",
    "no-placeholder, 2, ",
    "1r%d.x,         2, ",
    "1r%d.x,         1, ",
    "r%%d,           2, ",
    "r%5d,           2, ",
    "-%d,            1, ",
    "%d-,            1, ",
    "r_%d,           1, ",
  })
  void regionFormats(String raw, int regions, String expected) {
    assertThat(value(RegionFormat.parse(raw, regions))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '~',
      textBlock =
          """
          plain          | "plain"
          say "hi"       | "say \\"hi\\""
          back\\slash    | "back\\\\slash"
          """)
  void quotingEscapesQuotesAndBackslashes(String text, String quoted) {
    assertThat(Parsed.quote(text)).isEqualTo(quoted);
  }

  @Test
  void quotingEscapesControlCharacters() {
    assertThat(Parsed.quote("line\nbreak\r")).isEqualTo("\"line\\nbreak\\r\"");
    assertThat(Parsed.quote("tab\tx")).isEqualTo("\"tab\\tx\"");
    assertThat(Parsed.quote("nul\u0000")).isEqualTo("\"nul\\u0000\"");
  }

  private static Object value(Parsed<?> parsed) {
    return parsed instanceof Parsed.Ok<?> ok ? ok.value() : null;
  }
}

package dev.drgw.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Parsers of the DNS settings' values (address lists, name servers, TSIG keys, ...). Pure. */
final class DnsSettingsParser {

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Set<String> TSIG_ALGORITHMS =
      Set.of("hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512");

  private DnsSettingsParser() {}

  /** Items of a list setting: separated by commas, semicolons or whitespace. */
  static List<String> items(String raw) {
    List<String> out = new ArrayList<>();
    for (String item : raw.split("[,;\\s]+")) {
      if (!item.isBlank()) {
        out.add(item.strip());
      }
    }
    return out;
  }

  /** An IP address literal (never a host name: no lookups at start). */
  static Parsed<InetAddress> ip(String raw) {
    if (!IP_LITERAL.matcher(raw).matches() || (!raw.contains(".") && !raw.contains(":"))) {
      return Parsed.expected("must be IP addresses such as 192.0.2.10 or 2001:db8::10", raw);
    }
    try {
      return Parsed.ok(InetAddress.getByName(raw));
    } catch (UnknownHostException e) {
      return Parsed.expected("must be IP addresses such as 192.0.2.10 or 2001:db8::10", raw);
    }
  }

  /** A non-empty list of IP addresses. */
  static Parsed<List<InetAddress>> ips(String raw) {
    List<InetAddress> out = new ArrayList<>();
    for (String item : items(raw)) {
      Parsed<InetAddress> ip = ip(item);
      if (ip instanceof Parsed.Bad<InetAddress> bad) {
        return Parsed.bad(bad.reason());
      }
      out.add(((Parsed.Ok<InetAddress>) ip).value());
    }
    if (out.isEmpty()) {
      return Parsed.expected("must list at least one IP address", raw);
    }
    return Parsed.ok(out);
  }

  /** A DNS name; relative names (no dot) are placed under {@code base}. */
  static Parsed<String> name(String raw, String base) {
    String name = raw.endsWith(".") ? raw.substring(0, raw.length() - 1) : raw;
    if (!name.contains(".")) {
      name = name + "." + base;
    }
    return DnsNames.parse(name.toLowerCase(Locale.ROOT));
  }

  /**
   * Name servers, e.g. {@code ns1=192.0.2.53+2001:db8::53, ns2.other.example}: a name, and after
   * {@code =} its glue addresses joined by {@code +}.
   */
  static Parsed<List<DnsSettings.NameServer>> nameServers(String raw, String base) {
    List<DnsSettings.NameServer> out = new ArrayList<>();
    for (String item : items(raw)) {
      String[] parts = item.split("=", 2);
      Parsed<String> name = name(parts[0], base);
      if (name instanceof Parsed.Bad<String> bad) {
        return Parsed.bad("name server " + bad.reason());
      }
      List<InetAddress> glue = new ArrayList<>();
      if (parts.length == 2) {
        for (String address : parts[1].split("\\+")) {
          Parsed<InetAddress> ip = ip(address);
          if (ip instanceof Parsed.Bad<InetAddress> bad) {
            return Parsed.bad("glue of " + parts[0] + ": " + bad.reason());
          }
          glue.add(((Parsed.Ok<InetAddress>) ip).value());
        }
      }
      String absolute = ((Parsed.Ok<String>) name).value();
      if (glue.isEmpty() && (absolute.equals(base) || absolute.endsWith("." + base))) {
        return Parsed.bad(
            "name server " + absolute + " is inside the zone and needs glue addresses, e.g. "
                + parts[0] + "=192.0.2.53");
      }
      out.add(new DnsSettings.NameServer(absolute, glue));
    }
    if (out.isEmpty()) {
      return Parsed.expected("must list at least one name server", raw);
    }
    return Parsed.ok(out);
  }

  /** Addresses or CIDR blocks, e.g. {@code 192.0.2.0/24, 2001:db8::/32, 127.0.0.1}. */
  static Parsed<List<String>> cidrs(String raw) {
    List<String> out = new ArrayList<>();
    for (String item : items(raw)) {
      String[] parts = item.split("/", 2);
      Parsed<InetAddress> ip = ip(parts[0]);
      if (ip instanceof Parsed.Bad<InetAddress> bad) {
        return Parsed.bad(bad.reason());
      }
      int max = ((Parsed.Ok<InetAddress>) ip).value().getAddress().length * 8;
      if (parts.length == 2) {
        Parsed<Integer> bits = IntParser.parse(parts[1], 0, max, "prefix length must be 0 to " + max);
        if (bits instanceof Parsed.Bad<Integer> bad) {
          return Parsed.bad(item + ": " + bad.reason());
        }
      }
      out.add(item);
    }
    return Parsed.ok(out);
  }

  /** {@code name:algorithm:base64-secret}, or empty for none. */
  static Parsed<java.util.Optional<DnsSettings.TsigKey>> tsigKey(String raw, String base) {
    if (raw.isEmpty()) {
      return Parsed.ok(java.util.Optional.empty());
    }
    String[] parts = raw.split(":", 3);
    String expectation = "must be name:algorithm:base64-secret, e.g. xfr-key:hmac-sha256:c2VjcmV0...";
    if (parts.length != 3) {
      return Parsed.bad(expectation);
    }
    String algorithm = parts[1].toLowerCase(Locale.ROOT);
    if (!TSIG_ALGORITHMS.contains(algorithm)) {
      return Parsed.bad("TSIG algorithm must be one of " + String.join(", ", TSIG_ALGORITHMS.stream().sorted().toList())
          + ", got " + Parsed.quote(parts[1]));
    }
    byte[] secret;
    try {
      secret = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      return Parsed.bad("TSIG secret must be base64 (" + e.getMessage() + ")");
    }
    if (secret.length < 16) {
      return Parsed.bad("TSIG secret must be at least 16 bytes, got " + secret.length);
    }
    String name = parts[0].endsWith(".") ? parts[0].substring(0, parts[0].length() - 1) : parts[0];
    Parsed<String> checked = DnsNames.parse(name.toLowerCase(Locale.ROOT));
    if (checked instanceof Parsed.Bad<String> bad) {
      return Parsed.bad("TSIG key name " + bad.reason());
    }
    return Parsed.ok(java.util.Optional.of(new DnsSettings.TsigKey(((Parsed.Ok<String>) checked).value(), algorithm, parts[2])));
  }

  /** {@code address[:port]} targets ({@code [v6]:port} for IPv6); port 53 when absent. */
  static Parsed<List<InetSocketAddress>> targets(String raw) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String item : items(raw)) {
      String host = item;
      int port = 53;
      if (item.startsWith("[")) {
        int close = item.indexOf(']');
        if (close < 0) {
          return Parsed.expected("must be address[:port] targets, IPv6 as [2001:db8::1]:53", item);
        }
        host = item.substring(1, close);
        if (item.length() > close + 1) {
          if (item.charAt(close + 1) != ':') {
            return Parsed.expected("must be address[:port] targets, IPv6 as [2001:db8::1]:53", item);
          }
          Parsed<Integer> p = IntParser.parse(item.substring(close + 2), 1, 65_535);
          if (p instanceof Parsed.Bad<Integer> bad) {
            return Parsed.bad(item + ": port " + bad.reason());
          }
          port = ((Parsed.Ok<Integer>) p).value();
        }
      } else if (item.chars().filter(c -> c == ':').count() == 1) {
        host = item.substring(0, item.indexOf(':'));
        Parsed<Integer> p = IntParser.parse(item.substring(item.indexOf(':') + 1), 1, 65_535);
        if (p instanceof Parsed.Bad<Integer> bad) {
          return Parsed.bad(item + ": port " + bad.reason());
        }
        port = ((Parsed.Ok<Integer>) p).value();
      }
      Parsed<InetAddress> ip = ip(host);
      if (ip instanceof Parsed.Bad<InetAddress> bad) {
        return Parsed.bad(bad.reason());
      }
      out.add(new InetSocketAddress(((Parsed.Ok<InetAddress>) ip).value(), port));
    }
    return Parsed.ok(out);
  }

  /** Static records: zone-file lines separated by newlines or {@code ;;}. */
  static Parsed<List<String>> lines(String raw) {
    List<String> out = new ArrayList<>();
    for (String line : raw.split("\\R|;;")) {
      if (!line.isBlank()) {
        out.add(line.strip());
      }
    }
    return Parsed.ok(out);
  }
}

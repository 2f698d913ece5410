package dev.drgw.config;

import java.util.regex.Pattern;

/** Listen addresses: an IPv4 or IPv6 literal (brackets optional) or a host name. */
final class HostParser {

  private static final String EXPECTATION =
      "must be an IP address literal or host name without spaces";
  private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
  private static final Pattern IPV4 = Pattern.compile("([0-9]{1,3})(\\.[0-9]{1,3}){3}");
  private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-fA-F]{1,4}");
  private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9._-]+");

  private HostParser() {}

  /** The address as given, except that IPv6 brackets are removed. */
  static Parsed<String> parse(String raw) {
    String host =
        raw.startsWith("[") && raw.endsWith("]") ? raw.substring(1, raw.length() - 1) : raw;
    boolean valid;
    if (host.contains(":")) {
      valid = isIpv6(host);
    } else if (host.equals(raw) && DIGITS_AND_DOTS.matcher(host).matches()) {
      valid = isIpv4(host);
    } else {
      valid = host.equals(raw) && DnsNames.problem(stripDot(host)).isEmpty();
    }
    return valid ? Parsed.ok(host) : Parsed.expected(EXPECTATION, raw);
  }

  static boolean isIpv4(String text) {
    if (!IPV4.matcher(text).matches()) {
      return false;
    }
    for (String octet : text.split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        return false;
      }
    }
    return true;
  }

  /** RFC 4291 text form, with an optional embedded IPv4 tail and an optional zone. */
  static boolean isIpv6(String text) {
    String address = text;
    int percent = address.indexOf('%');
    if (percent >= 0) {
      if (!ZONE.matcher(address.substring(percent + 1)).matches()) {
        return false;
      }
      address = address.substring(0, percent);
    }
    int gap = address.indexOf("::");
    if (gap < 0) {
      return groups(address, true) == 8;
    }
    if (address.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    String head = address.substring(0, gap);
    String tail = address.substring(gap + 2);
    int headGroups = head.isEmpty() ? 0 : groups(head, false);
    int tailGroups = tail.isEmpty() ? 0 : groups(tail, true);
    return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups <= 7;
  }

  /** How many 16-bit groups {@code part} holds (an IPv4 tail counts two), or -1 if invalid. */
  private static int groups(String part, boolean ipv4TailAllowed) {
    String[] groups = part.split(":", -1);
    int count = 0;
    for (int i = 0; i < groups.length; i++) {
      boolean last = i == groups.length - 1;
      if (HEX_GROUP.matcher(groups[i]).matches()) {
        count++;
      } else if (last && ipv4TailAllowed && isIpv4(groups[i])) {
        count += 2;
      } else {
        return -1;
      }
    }
    return count;
  }

  private static String stripDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }
}

package dev.drgw.sip;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How drgw, a back-to-back user agent, builds the leg it opens from the leg that reached it:
 * the addresses of the new INVITE, which headers cross from one leg to the other, and when a
 * failed attempt moves on to the next peer. Pure: strings in, strings out, no SIP stack types.
 */
public final class LegRules {

  private LegRules() {}

  /** Microsoft's proxies listen on 5061; the Request-URI names their port only when it differs. */
  static final int TEAMS_PORT = 5061;

  /**
   * What a new INVITE says: Request-URI, From, To and Contact (as header values) and the extra
   * headers in order. The edge parses these with its stack's factories.
   */
  record LegPlan(String requestUri, String from, String to, String contact, List<Map.Entry<String, String>> headers) {}

  /** The side a leg goes to. */
  enum Toward { TEAMS, OPERATOR }

  /**
   * Whether a final answer to an INVITE moves the call on to the next peer, before any
   * provisional answer (other than 100) was passed back: toward Microsoft on 408 and on 503 with
   * Retry-After (Microsoft's rule; 603 and everything else stop), toward the operator on 408, 503
   * and 504. No answer at all counts as 408.
   */
  static boolean failsOver(Toward toward, int status, boolean retryAfter, boolean provisionalRelayed) {
    if (provisionalRelayed) {
      return false;
    }
    return switch (toward) {
      case TEAMS -> status == 408 || (status == 503 && retryAfter);
      case OPERATOR -> status == 408 || status == 503 || status == 504;
    };
  }

  /**
   * The user part drgw puts in From and Contact for the caller: the E.164 number when the
   * caller's URI holds one, else its user part as it is (e.g. {@code anonymous}), else
   * {@code anonymous}.
   */
  static String callerUser(String callerUri) {
    Optional<String> number = CallerNumber.fromUri(callerUri);
    if (number.isPresent()) {
      return number.get();
    }
    String user = userPart(callerUri);
    return user == null || user.isEmpty() || !SAFE_USER.matcher(user).matches() ? "anonymous" : user;
  }

  private static final java.util.regex.Pattern SAFE_USER = java.util.regex.Pattern.compile("[A-Za-z0-9_.!~*'()&=+$,;?/%-]+");

  /** The user part of a sip/sips/tel URI, without URI parameters, or null. */
  static String userPart(String uri) {
    if (uri == null) {
      return null;
    }
    String u = uri.strip();
    String lower = u.toLowerCase(Locale.ROOT);
    if (lower.startsWith("tel:")) {
      int semi = u.indexOf(';');
      return semi < 0 ? u.substring(4) : u.substring(4, semi);
    }
    int colon = u.indexOf(':');
    int at = u.indexOf('@');
    if (colon < 0 || at < colon) {
      return null;
    }
    String user = u.substring(colon + 1, at);
    int semi = user.indexOf(';');
    return semi < 0 ? user : user.substring(0, semi);
  }

  /**
   * A call from the operator network to Teams (Microsoft's rules): {@code INVITE
   * sip:+<E164>@<proxy>;user=phone}, From and To with E.164 numbers, Contact with the customer
   * subdomain of this region on drgw's Teams port. Record-Route is not used: drgw ends both
   * dialogs itself, so Contact alone names the tenant.
   */
  static LegPlan towardTeams(CallDecision.ToTeams call, String callerUri, String callerDisplay, SipPeer proxy,
      int teamsPort) {
    String proxyHost = proxy.port() == TEAMS_PORT ? proxy.host() : proxy.name();
    String caller = callerUser(callerUri);
    String subdomain = call.customerSubdomain();
    return new LegPlan(
        "sip:" + call.calledNumber() + "@" + proxyHost + ";user=phone",
        display(callerDisplay) + "<sip:" + caller + "@" + subdomain + ";user=phone>",
        "<sip:" + call.calledNumber() + "@" + proxy.host() + ";user=phone>",
        "<sip:" + caller + "@" + subdomain + ":" + teamsPort + ";transport=tls>",
        List.of());
  }

  /**
   * A call from Teams to the operator network: the called number at the peer, the caller as
   * Teams sent it at drgw's operator-side address, and the
   * decision's headers (custom header, tenant ID).
   */
  static LegPlan towardOperator(CallDecision.ToOperator call, String calledUri, String callerUri,
      String callerDisplay, SipPeer peer, String contactHost, int contactPort) {
    String called = CallerNumber.fromUri(calledUri).orElseGet(() -> {
      String user = userPart(calledUri);
      return user == null || !SAFE_USER.matcher(user).matches() ? "unknown" : user;
    });
    // From as Teams sent it (an anonymous caller stays anonymous); the screened identity is in P-Asserted-Identity.
    String caller = callerUser(callerUri);
    String transport = "udp".equals(peer.transport()) ? "" : ";transport=" + peer.transport();
    List<Map.Entry<String, String>> add = new ArrayList<>();
    call.addHeaders().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> add.add(Map.entry(e.getKey(), e.getValue())));
    return new LegPlan(
        "sip:" + called + "@" + hostPort(peer.host(), peer.port()) + ";user=phone" + transport,
        display(callerDisplay) + "<sip:" + caller + "@" + hostPort(contactHost, -1) + ";user=phone>",
        "<sip:" + called + "@" + hostPort(peer.host(), -1) + ";user=phone>",
        "<sip:" + caller + "@" + hostPort(contactHost, contactPort) + transport + ">",
        List.copyOf(add));
  }

  private static String hostPort(String host, int port) {
    String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return port > 0 ? h + ":" + port : h;
  }

  private static String display(String name) {
    if (name == null || name.isBlank()) {
      return "";
    }
    String safe = name.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("[\\r\\n]", " ");
    return "\"" + safe + "\" ";
  }

  /**
   * Headers that cross from the caller's INVITE to the new one; everything else (Via, Route,
   * Record-Route, Contact, Call-ID, tags, CSeq, vendor headers, the other side's X-MS-SBC) stays
   * on its own leg.
   */
  static final Set<String> INVITE_HEADERS = Set.of(
      "p-asserted-identity", "p-preferred-identity", "privacy", "diversion", "history-info",
      "session-expires", "min-se", "supported", "require", "allow", "accept", "user-to-user",
      "p-early-media", "reason");

  /** Headers that cross with an answer (to an INVITE or to a request within the dialog). */
  static final Set<String> RESPONSE_HEADERS = Set.of(
      "p-asserted-identity", "privacy", "session-expires", "min-se", "supported", "require", "allow",
      "accept", "retry-after", "warning", "reason", "unsupported", "p-early-media", "user-to-user",
      "allow-events", "recv-info");

  /** Headers that cross with a request within the dialog. */
  static final Set<String> IN_DIALOG_HEADERS = Set.of(
      "p-asserted-identity", "privacy", "session-expires", "min-se", "supported", "require", "allow",
      "accept", "event", "subscription-state", "info-package", "recv-info", "reason", "user-to-user",
      "p-early-media");

  /**
   * A Require header's option tags as they cross with an answer: without {@code 100rel}, since
   * reliable provisional answers are acknowledged per leg (drgw PRACKs what it receives and
   * sends its own reliably when the caller asked for it). Empty when nothing is left.
   */
  static String requireOnAnswer(String value) {
    StringBuilder out = new StringBuilder();
    for (String tag : value.split(",")) {
      String t = tag.strip();
      if (!t.isEmpty() && !t.equalsIgnoreCase("100rel")) {
        out.append(out.isEmpty() ? "" : ",").append(t);
      }
    }
    return out.toString();
  }

  /** Whether a header named {@code name} crosses with a request or answer of this kind. */
  static boolean crosses(Set<String> allowed, String name) {
    return allowed.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Option tags a caller requires that drgw cannot honour end to end (answer 420 with them). */
  static List<String> unsupported(List<String> required) {
    List<String> out = new ArrayList<>();
    for (String r : required) {
      for (String tag : r.split(",")) {
        String t = tag.strip().toLowerCase(Locale.ROOT);
        if (!t.isEmpty() && !SUPPORTED.contains(t)) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /** Extensions that work through drgw: session timers (refreshes are relayed), and 100rel per leg. */
  static final Set<String> SUPPORTED = Set.of("timer", "100rel", "replaces", "norefersub", "histinfo");
}

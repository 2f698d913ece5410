package dev.drgw.sip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SIP metrics of one side, in the spirit of ACG's: requests received by method (OPTIONS vs
 * INVITE ...), responses sent and received by class (2xx ... 6xx), call attempts, and refused
 * calls by reason; every series tagged with the side and this node's region.
 */
public final class SipMeters {

  private final MeterRegistry registry;
  private final String side;
  private final String region;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public SipMeters(MeterRegistry registry, String side, int region) {
    this.registry = registry;
    this.side = side;
    this.region = Integer.toString(region);
  }

  void requestReceived(String method) {
    counter("drgw.sip.requests.received", "method", known(method)).increment();
  }

  void responseSent(int status) {
    counter("drgw.sip.responses.sent", "class", statusClass(status)).increment();
  }

  void responseReceived(int status) {
    counter("drgw.sip.responses.received", "class", statusClass(status)).increment();
  }

  void callAttempt() {
    counter("drgw.sip.call.attempts", null, null).increment();
  }

  /** A call this side received was answered (2xx) by the other side. */
  void callAnswered() {
    counter("drgw.sip.calls.answered", null, null).increment();
  }

  /** A call this side received and sent on failed: no peer took it (status: what the caller got). */
  void callFailed(int status) {
    counter("drgw.sip.call.failures", "class", statusClass(status)).increment();
  }

  /** A call refused because new calls came faster than DRGW_SIP_MAX_CALL_RATE. */
  void callShed() {
    counter("drgw.sip.calls.shed", null, null).increment();
  }

  void callRefused(CallDecision.Cause cause) {
    counter("drgw.sip.call.refused", "reason", cause.name().toLowerCase(Locale.ROOT)).increment();
  }

  /** "2xx" for 200 to 299, and so on; "other" outside 100 to 699. */
  static String statusClass(int status) {
    return status >= 100 && status <= 699 ? (status / 100) + "xx" : "other";
  }

  /** The method, or "other" for methods nobody should be able to mint new series with. */
  static String known(String method) {
    return switch (method) {
      case "INVITE", "ACK", "OPTIONS", "CANCEL", "BYE", "UPDATE", "PRACK", "INFO", "NOTIFY", "REFER", "MESSAGE",
          "SUBSCRIBE", "REGISTER", "PUBLISH" -> method;
      default -> "other";
    };
  }

  private Counter counter(String name, String key, String value) {
    return counters.computeIfAbsent(name + '|' + value, k -> {
      Counter.Builder b = Counter.builder(name).tag("side", side).tag("region", region);
      return (key == null ? b : b.tag(key, value)).register(registry);
    });
  }
}

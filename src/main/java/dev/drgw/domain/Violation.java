package dev.drgw.domain;

/**
 * One broken rule: which field ({@code target}, a JSON-style path such as
 * {@code serviceDetails.teamsDirectRouting.configuration.subdomain}), a stable code and a
 * plain-words message.
 */
public record Violation(String target, String code, String message) {

  /** The same violation for a field nested under {@code prefix} (e.g. {@code numbers[3].}). */
  public Violation withTargetPrefix(String prefix) {
    String nested = message.startsWith(target) ? prefix + message : message;
    return new Violation(prefix + target, code, nested);
  }
}

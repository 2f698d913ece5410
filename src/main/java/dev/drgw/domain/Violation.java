package dev.drgw.domain;

/**
 * One broken rule: which field ({@code target}, a JSON-style path such as
 * {@code serviceDetails.teamsDirectRouting.configuration.subdomain}), a stable code and a
 * plain-words message.
 */
public record Violation(String target, String code, String message) {

  public Violation withTargetPrefix(String prefix) {
    return new Violation(prefix + target, code, message);
  }
}

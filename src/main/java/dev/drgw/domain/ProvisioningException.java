package dev.drgw.domain;

import java.util.List;

/**
 * A request that the domain refuses, with enough context for every edge (API, portal) to explain
 * it. Mapped to the wire in one place per edge.
 */
public abstract sealed class ProvisioningException extends RuntimeException {

  private final String code;

  protected ProvisioningException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  /** Stable machine-readable code, e.g. {@code AccountNotFound}. */
  public String code() {
    return code;
  }

  /** A resource that does not exist. */
  public static final class NotFound extends ProvisioningException {
    private final List<Violation> details;

    public NotFound(String code, String message, List<Violation> details) {
      super(code, message);
      this.details = List.copyOf(details);
    }

    public NotFound(String code, String message) {
      this(code, message, List.of());
    }

    public List<Violation> details() {
      return details;
    }
  }

  /** The request conflicts with the current state (owned elsewhere, duplicate, still in use). */
  public static final class Conflict extends ProvisioningException {
    private final String target;
    private final List<Violation> details;

    public Conflict(String code, String message, String target, List<Violation> details) {
      super(code, message);
      this.target = target;
      this.details = List.copyOf(details);
    }

    public Conflict(String code, String message, String target) {
      this(code, message, target, List.of());
    }

    public String target() {
      return target;
    }

    public List<Violation> details() {
      return details;
    }
  }

  /** The input breaks one or more rules; nothing was changed. */
  public static final class Invalid extends ProvisioningException {
    private final List<Violation> violations;

    public Invalid(List<Violation> violations) {
      super(
          violations.size() == 1 ? violations.get(0).code() : "InvalidInput",
          violations.size() == 1
              ? violations.get(0).message()
              : violations.size() + " fields are invalid; see details");
      if (violations.isEmpty()) {
        throw new IllegalArgumentException("an Invalid needs at least one violation");
      }
      this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
      return violations;
    }
  }

  /** A conditional request ({@code If-Match} / {@code If-None-Match}) whose condition is false. */
  public static final class PreconditionFailed extends ProvisioningException {
    public PreconditionFailed(String message) {
      super("PreconditionFailed", message);
    }
  }
}

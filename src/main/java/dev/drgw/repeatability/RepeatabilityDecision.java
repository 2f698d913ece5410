package dev.drgw.repeatability;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of repeatable requests (OASIS Repeatable Requests 1.0, as Azure uses them), as a pure
 * function of the headers, the clock and what the ledger holds.
 */
public final class RepeatabilityDecision {

  /** How a request with repeatability headers is to be handled. */
  public sealed interface Outcome {}

  /** No repeatability headers: run normally. */
  public record NotRepeatable() implements Outcome {}

  /** Headers are malformed or the first-sent time is outside the window: refuse. */
  public record Rejected(int status, String code, String message) implements Outcome {}

  /** Headers are good: consult the ledger under this ID. */
  public record Track(String requestId, Instant firstSent) implements Outcome {}

  private static final Pattern REQUEST_ID = Pattern.compile("[\\x21-\\x7e]{1,128}");
  private static final Duration FUTURE_SKEW = Duration.ofMinutes(5);

  private final Duration window;

  public RepeatabilityDecision(Duration window) {
    this.window = window;
  }

  public Duration window() {
    return window;
  }

  public Outcome headers(Optional<String> requestId, Optional<String> firstSent, Instant now) {
    if (requestId.isEmpty()) {
      if (firstSent.isPresent()) {
        return new Rejected(
            400,
            "InvalidRepeatabilityHeaders",
            "Repeatability-First-Sent was sent without Repeatability-Request-ID");
      }
      return new NotRepeatable();
    }
    String id = requestId.get();
    if (!REQUEST_ID.matcher(id).matches()) {
      return new Rejected(
          400,
          "InvalidRepeatabilityHeaders",
          "Repeatability-Request-ID must be 1 to 128 visible ASCII characters, such as a GUID");
    }
    if (firstSent.isEmpty()) {
      return new Rejected(
          400,
          "InvalidRepeatabilityHeaders",
          "Repeatability-First-Sent is required with Repeatability-Request-ID"
              + " (an HTTP date such as Tue, 15 Nov 1994 08:12:31 GMT)");
    }
    Instant sent;
    try {
      sent = ZonedDateTime.parse(firstSent.get().trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return new Rejected(
          400,
          "InvalidRepeatabilityHeaders",
          "Repeatability-First-Sent must be an HTTP date such as Tue, 15 Nov 1994 08:12:31 GMT");
    }
    if (sent.isBefore(now.minus(window))) {
      return new Rejected(
          412,
          "RepeatabilityWindowExpired",
          "Repeatability-First-Sent is older than the "
              + window.toMinutes()
              + " minutes for which request IDs are kept; the request may have run already and"
              + " is not repeated");
    }
    if (sent.isAfter(now.plus(FUTURE_SKEW))) {
      return new Rejected(
          400,
          "InvalidRepeatabilityHeaders",
          "Repeatability-First-Sent is in the future; check the client's clock");
    }
    return new Track(id, sent);
  }

  /** What to do given the ledger's entry for a tracked request. */
  public sealed interface Replay {}

  public record Run() implements Replay {}

  public record Repeat(RecordedResponse response) implements Replay {}

  public record Refuse(int status, String code, String message) implements Replay {}

  /** An in-progress entry older than this is taken to belong to a request that died. */
  public static final Duration ABANDONED_AFTER = Duration.ofMinutes(2);

  public Replay existing(LedgerEntry entry, String fingerprint, Instant now) {
    if (!entry.fingerprint().equals(fingerprint)) {
      return new Refuse(
          400,
          "RepeatabilityRequestMismatch",
          "this Repeatability-Request-ID was used for a different request; use a new ID for a"
              + " new request");
    }
    if (entry instanceof LedgerEntry.Done done) {
      return new Repeat(done.response());
    }
    LedgerEntry.InProgress running = (LedgerEntry.InProgress) entry;
    if (running.startedAt().isBefore(now.minus(ABANDONED_AFTER))) {
      return new Run();
    }
    return new Refuse(
        409,
        "RequestInProgress",
        "a request with this Repeatability-Request-ID is still being processed; retry shortly");
  }
}

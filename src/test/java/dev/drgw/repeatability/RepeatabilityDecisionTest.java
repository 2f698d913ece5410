package dev.drgw.repeatability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RepeatabilityDecisionTest {

  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private final RepeatabilityDecision decision = new RepeatabilityDecision(Duration.ofMinutes(60));

  private static String httpDate(Instant t) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  @Test
  void noHeadersMeansNotRepeatable() {
    assertThat(decision.headers(Optional.empty(), Optional.empty(), NOW))
        .isInstanceOf(RepeatabilityDecision.NotRepeatable.class);
  }

  @Test
  void goodHeadersAreTracked() {
    var outcome = decision.headers(Optional.of("id-1"), Optional.of(httpDate(NOW.minusSeconds(30))), NOW);
    assertThat(outcome).isEqualTo(new RepeatabilityDecision.Track("id-1", NOW.minusSeconds(30)));
  }

  @ParameterizedTest(name = "id={0} firstSent={1} -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL     | Fri, 27 Nov 2026 11:59:00 GMT | 400",
        "id 1     | Fri, 27 Nov 2026 11:59:00 GMT | 400",
        "id-1     | NULL                          | 400",
        "id-1     | yesterday                     | 400",
        "id-1     | 2026-11-27T11:59:00Z          | 400",
        "id-1     | Fri, 27 Nov 2026 10:59:59 GMT | 412",
        "id-1     | Fri, 27 Nov 2026 12:06:00 GMT | 400",
      })
  void badHeadersAreRejected(String id, String firstSent, int status) {
    var outcome = decision.headers(Optional.ofNullable(id), Optional.ofNullable(firstSent), NOW);
    assertThat(outcome)
        .isInstanceOfSatisfying(
            RepeatabilityDecision.Rejected.class, r -> assertThat(r.status()).isEqualTo(status));
  }

  @Test
  void anOverlongIdIsRejected() {
    var outcome =
        decision.headers(Optional.of("x".repeat(129)), Optional.of(httpDate(NOW)), NOW);
    assertThat(outcome).isInstanceOf(RepeatabilityDecision.Rejected.class);
  }

  @Test
  void aFinishedRequestIsRepeated() {
    RecordedResponse first = new RecordedResponse(201, Map.of("ETag", "\"1\""), new byte[] {1});
    var replay = decision.existing(new LedgerEntry.Done("fp", first), "fp", NOW);
    assertThat(replay).isEqualTo(new RepeatabilityDecision.Repeat(first));
  }

  @Test
  void aDifferentRequestUnderTheSameIdIsRefused() {
    var replay =
        decision.existing(new LedgerEntry.Done("fp", new RecordedResponse(200, Map.of(), new byte[0])), "other", NOW);
    assertThat(replay)
        .isInstanceOfSatisfying(RepeatabilityDecision.Refuse.class, r -> assertThat(r.status()).isEqualTo(400));
  }

  @Test
  void aRunningRequestIsConflictUntilAbandoned() {
    var running = decision.existing(new LedgerEntry.InProgress("fp", NOW.minusSeconds(5)), "fp", NOW);
    assertThat(running)
        .isInstanceOfSatisfying(RepeatabilityDecision.Refuse.class, r -> assertThat(r.status()).isEqualTo(409));
    var abandoned =
        decision.existing(
            new LedgerEntry.InProgress("fp", NOW.minus(RepeatabilityDecision.ABANDONED_AFTER).minusSeconds(1)),
            "fp",
            NOW);
    assertThat(abandoned).isInstanceOf(RepeatabilityDecision.Run.class);
  }
}

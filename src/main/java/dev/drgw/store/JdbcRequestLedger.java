package dev.drgw.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.drgw.repeatability.LedgerEntry;
import dev.drgw.repeatability.RecordedResponse;
import dev.drgw.repeatability.RequestLedger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.JdbiException;

/** {@link RequestLedger} in the repeatable_requests table, shared by every node. */
public final class JdbcRequestLedger implements RequestLedger {

  private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

  private final Database database;
  private final ObjectMapper json;

  JdbcRequestLedger(Database database, ObjectMapper json) {
    this.database = database;
    this.json = json;
  }

  @Override
  public Optional<LedgerEntry> claim(
      String clientId, String requestId, String fingerprint, Instant now, Instant expiresAt) {
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        database
            .jdbi()
            .useHandle(
                h ->
                    h.createUpdate(
                            "INSERT INTO repeatable_requests (client_id, request_id, fingerprint,"
                                + " started_at, expires_at) VALUES (:client, :id, :fp, :now, :exp)")
                        .bind("client", clientId)
                        .bind("id", requestId)
                        .bind("fp", fingerprint)
                        .bind("now", utc(now))
                        .bind("exp", utc(expiresAt))
                        .execute());
        return Optional.empty();
      } catch (JdbiException e) {
        if (!Dialect.isRetryable(e)) {
          throw e;
        }
      }
      Optional<LedgerEntry> existing = find(clientId, requestId);
      if (existing.isPresent()) {
        return existing;
      }
      // Released between our insert and our read: try to claim it again.
    }
    throw new IllegalStateException("could not claim repeatable request " + requestId);
  }

  private Optional<LedgerEntry> find(String clientId, String requestId) {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT fingerprint, started_at, status_code, response_headers,"
                            + " response_body FROM repeatable_requests"
                            + " WHERE client_id = :client AND request_id = :id")
                    .bind("client", clientId)
                    .bind("id", requestId)
                    .map(
                        (rs, ctx) -> {
                          String fingerprint = rs.getString("fingerprint");
                          int status = rs.getInt("status_code");
                          if (rs.wasNull()) {
                            return (LedgerEntry)
                                new LedgerEntry.InProgress(
                                    fingerprint,
                                    rs.getObject("started_at", OffsetDateTime.class).toInstant());
                          }
                          String body = rs.getString("response_body");
                          return new LedgerEntry.Done(
                              fingerprint,
                              new RecordedResponse(
                                  status,
                                  decodeHeaders(rs.getString("response_headers")),
                                  body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8)));
                        })
                    .findOne());
  }

  @Override
  public boolean takeOver(String clientId, String requestId, Instant startedBefore, Instant now) {
    return database
            .jdbi()
            .withHandle(
                h ->
                    h.createUpdate(
                            "UPDATE repeatable_requests SET started_at = :now"
                                + " WHERE client_id = :client AND request_id = :id"
                                + " AND status_code IS NULL AND started_at < :before")
                        .bind("now", utc(now))
                        .bind("client", clientId)
                        .bind("id", requestId)
                        .bind("before", utc(startedBefore))
                        .execute())
        == 1;
  }

  @Override
  public void complete(String clientId, String requestId, RecordedResponse response) {
    database
        .jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE repeatable_requests SET status_code = :status,"
                            + " response_headers = :headers, response_body = :body"
                            + " WHERE client_id = :client AND request_id = :id")
                    .bind("status", response.status())
                    .bind("headers", encodeHeaders(response.headers()))
                    .bind("body", new String(response.body(), StandardCharsets.UTF_8))
                    .bind("client", clientId)
                    .bind("id", requestId)
                    .execute());
  }

  @Override
  public void release(String clientId, String requestId) {
    database
        .jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "DELETE FROM repeatable_requests WHERE client_id = :client AND request_id = :id")
                    .bind("client", clientId)
                    .bind("id", requestId)
                    .execute());
  }

  @Override
  public int purgeExpired(Instant now) {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createUpdate("DELETE FROM repeatable_requests WHERE expires_at < :now")
                    .bind("now", utc(now))
                    .execute());
  }

  private String encodeHeaders(Map<String, String> headers) {
    try {
      return json.writeValueAsString(headers);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, String> decodeHeaders(String text) {
    if (text == null) {
      return Map.of();
    }
    try {
      return json.readValue(text, HEADERS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt stored response headers", e);
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}

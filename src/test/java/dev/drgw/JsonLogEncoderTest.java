package dev.drgw;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonLogEncoderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();

  private JsonNode encode(LoggingEvent event) throws Exception {
    JsonLogEncoder encoder = new JsonLogEncoder();
    encoder.setContext(context);
    encoder.start();
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line).endsWith("\n").doesNotContain("\n\n");
    assertThat(line.strip()).doesNotContain("\n");
    return JSON.readTree(line);
  }

  @Test
  void anEventIsOneObjectWithTheFormattedMessageAndAnIsoTimestamp() throws Exception {
    LoggingEvent event = new LoggingEvent("x", context.getLogger("dev.drgw.sip.Calls"), Level.INFO,
        "call {}: \"{}\"\tended", null, new Object[] {"a1", "bye"});
    event.setTimeStamp(1_767_225_600_123L);
    event.setThreadName("drgw-shutdown");

    JsonNode json = encode(event);

    assertThat(json.properties()).extracting(Map.Entry::getKey)
        .containsExactly("timestamp", "level", "logger", "thread", "message");
    assertThat(json.get("timestamp").asText()).isEqualTo("2026-01-01T00:00:00.123Z");
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("logger").asText()).isEqualTo("dev.drgw.sip.Calls");
    assertThat(json.get("thread").asText()).isEqualTo("drgw-shutdown");
    assertThat(json.get("message").asText()).isEqualTo("call a1: \"bye\"\tended");
  }

  @Test
  void theMdcAndAnExceptionWithItsCauseAreIncluded() throws Exception {
    Exception failure = new IllegalStateException("outer", new java.io.IOException("inner\nsecond line"));
    LoggingEvent event = new LoggingEvent("x", context.getLogger("dev.drgw.api.ApiPipeline"), Level.ERROR,
        "request failed", failure, null);
    event.setMDCPropertyMap(Map.of("requestId", "r-1"));

    JsonNode json = encode(event);

    assertThat(json.at("/mdc/requestId").asText()).isEqualTo("r-1");
    assertThat(json.get("exception").asText())
        .startsWith("java.lang.IllegalStateException: outer")
        .contains("\tat dev.drgw.JsonLogEncoderTest.theMdcAndAnExceptionWithItsCauseAreIncluded")
        .contains("Caused by: java.io.IOException: inner\nsecond line");
  }
}

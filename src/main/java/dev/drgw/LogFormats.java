package dev.drgw;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.drgw.config.OperationsSettings.LogFormat;
import org.slf4j.LoggerFactory;

/** Switches the console log (src/main/resources/logback.xml, appender STDOUT) to the configured format. */
final class LogFormats {

  private LogFormats() {}

  /** {@code TEXT} leaves logback.xml's pattern; {@code JSON} replaces the console appender by one writing JSON lines. */
  static void use(LogFormat format) {
    if (format != LogFormat.JSON
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root.getAppender("STDOUT") instanceof ConsoleAppender<ILoggingEvent> text) {
      JsonLogEncoder encoder = new JsonLogEncoder();
      encoder.setContext(context);
      encoder.start();
      ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
      json.setName("STDOUT");
      json.setContext(context);
      json.setEncoder(encoder);
      json.start();
      root.addAppender(json);
      root.detachAppender(text);
      text.stop();
    }
  }
}

package dev.drgw.sip;

import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP RI's stack logger, written to SLF4J (logger {@code gov.nist}) so that the stack needs
 * no log4j 1.x. Named in the stack property {@code gov.nist.javax.sip.STACK_LOGGER}, and installed
 * as the RI's {@code CommonLogger} before any stack class logs.
 */
public final class Slf4jStackLogger implements StackLogger {

  private final Logger log;

  public Slf4jStackLogger() {
    this(LoggerFactory.getLogger("gov.nist"));
  }

  Slf4jStackLogger(Logger log) {
    this.log = log;
  }

  /**
   * Makes every logger of the RI write through SLF4J; call before creating a stack. Also sends
   * uncaught exceptions to the log when nothing else handles them: the RI's TCP/TLS parser thread
   * of a connection ends with an exception when a peer announces a body over the size limit
   * (that connection is abandoned, others go on), which would otherwise print a stack trace to
   * stderr for every such message.
   */
  public static synchronized void install() {
    gov.nist.core.CommonLogger.useLegacyLogger = true;
    if (!(gov.nist.core.CommonLogger.legacyLogger instanceof Slf4jStackLogger)) {
      gov.nist.core.CommonLogger.legacyLogger = new Slf4jStackLogger();
    }
    if (Thread.getDefaultUncaughtExceptionHandler() == null) {
      Thread.setDefaultUncaughtExceptionHandler(Slf4jStackLogger::uncaught);
    }
  }

  static void uncaught(Thread thread, Throwable e) {
    if (e instanceof RuntimeException && String.valueOf(e.getMessage()).startsWith("Max content size Exceeded")) {
      LoggerFactory.getLogger("gov.nist").debug("SIP connection dropped ({}): {}", thread.getName(), e.getMessage());
    } else {
      LoggerFactory.getLogger(Slf4jStackLogger.class).error("uncaught exception in thread {}", thread.getName(), e);
    }
  }

  @Override
  public void logStackTrace() {
    if (log.isTraceEnabled()) {
      log.trace("stack trace", new Throwable());
    }
  }

  @Override
  public void logStackTrace(int traceLevel) {
    logStackTrace();
  }

  @Override
  public int getLineCount() {
    return 0;
  }

  @Override
  public void logException(Throwable ex) {
    log.debug("SIP stack exception", ex);
  }

  @Override
  public void logDebug(String message) {
    log.debug(message);
  }

  @Override
  public void logDebug(String message, Exception ex) {
    log.debug(message, ex);
  }

  @Override
  public void logTrace(String message) {
    log.trace(message);
  }

  @Override
  public void logFatalError(String message) {
    log.error(message);
  }

  @Override
  public void logError(String message) {
    logError(message, null);
  }

  /** The RI reports every unparsable packet as an error, with all its bytes: that would let anyone flood the log. */
  static boolean isAboutBadInput(String message) {
    return message != null && (message.startsWith("Error while processing incoming")
        || message.startsWith("Dropping") || message.contains("Missing a required header"));
  }

  static String shortened(String message) {
    return message == null || message.length() <= 500 ? message : message.substring(0, 500) + "... (" + message.length()
        + " characters)";
  }

  @Override
  public boolean isLoggingEnabled() {
    return log.isInfoEnabled();
  }

  @Override
  public boolean isLoggingEnabled(int level) {
    if (level <= TRACE_NONE) {
      return false;
    }
    if (level <= TRACE_ERROR) {
      return log.isErrorEnabled();
    }
    if (level <= TRACE_WARN) {
      return log.isWarnEnabled();
    }
    if (level <= TRACE_INFO) {
      return log.isInfoEnabled();
    }
    if (level <= TRACE_DEBUG) {
      return log.isDebugEnabled();
    }
    return log.isTraceEnabled();
  }

  @Override
  public void logError(String message, Exception ex) {
    if (isAboutBadInput(message)) {
      log.debug(shortened(message), ex); // malformed packets from the network: expected, not an error line each
    } else {
      log.error(shortened(message), ex);
    }
  }

  @Override
  public void logWarning(String message) {
    log.warn(message);
  }

  @Override
  public void logInfo(String message) {
    log.info(message);
  }

  @Override
  public void disableLogging() {
    // levels come from the logging configuration
  }

  @Override
  public void enableLogging() {
    // levels come from the logging configuration
  }

  @Override
  public void setBuildTimeStamp(String buildTimeStamp) {
    log.debug("JAIN-SIP RI build {}", buildTimeStamp);
  }

  @Override
  public void setStackProperties(Properties stackProperties) {
    // nothing to configure
  }

  @Override
  public String getLoggerName() {
    return log.getName();
  }
}

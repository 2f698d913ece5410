package dev.drgw.sip;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import java.util.Properties;
import javax.sip.SipStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP RI's message log, written to SLF4J logger {@code dev.drgw.sip.messages} at debug
 * level (every SIP message in and out, in full). Named in {@code gov.nist.javax.sip.SERVER_LOGGER}.
 */
public final class Slf4jServerLogger implements ServerLogger {

  private static final Logger log = LoggerFactory.getLogger("dev.drgw.sip.messages");

  @Override
  public void closeLogFile() {
    // nothing to close
  }

  @Override
  public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
    if (log.isDebugEnabled()) {
      log.debug("{} {} -> {}\n{}", sender ? "sent" : "received", from, to, message);
    }
  }

  @Override
  public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
    logMessage(message, from, to, sender, time);
  }

  @Override
  public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
    logMessage(message, from, to, sender, 0);
  }

  @Override
  public void logException(Exception ex) {
    log.debug("SIP stack exception", ex);
  }

  @Override
  public void setStackProperties(Properties stackProperties) {
    // nothing to configure
  }

  @Override
  public void setSipStack(SipStack sipStack) {
    // not needed
  }
}

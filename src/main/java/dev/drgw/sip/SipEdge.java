package dev.drgw.sip;

import java.text.ParseException;
import java.util.List;
import java.util.Properties;
import java.util.TooManyListenersException;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side of drgw's SIP signalling on its own JAIN-SIP RI stack: the stack's set-up (SLF4J
 * logging, message size limit, listening points) and the answering of requests through server
 * transactions. A side says what to answer ({@link #answer}); this class does the rest.
 */
abstract class SipEdge implements SipListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SipEdge.class);

  /** ACG's limit; larger messages are refused by the stack. */
  static final int MAX_MESSAGE_BYTES = 10 * 1024;

  /** Methods answered today; also the Allow header. */
  static final List<String> ALLOWED = List.of("INVITE", "ACK", "OPTIONS", "CANCEL", "BYE");

  private SipStack stack;
  private SipProvider provider;
  protected MessageFactory messages;
  protected HeaderFactory headers;

  /** The stack's properties every side shares; a side may add its own. */
  static Properties baseProperties(String stackName) {
    Properties p = new Properties();
    p.setProperty("javax.sip.STACK_NAME", stackName);
    p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
    p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
    p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
    p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(MAX_MESSAGE_BYTES));
    p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
    p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", "1024");
    p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "5000");
    return p;
  }

  /** Creates the stack and listens on {@code bind}:{@code port} with each transport. */
  final void listen(Properties properties, String bind, int port, List<String> transports) {
    Slf4jStackLogger.install();
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    try {
      stack = factory.createSipStack(properties);
      provider = null;
      for (String transport : transports) {
        ListeningPoint point = stack.createListeningPoint(bind, port, transport);
        if (provider == null) {
          provider = stack.createSipProvider(point);
        } else {
          provider.addListeningPoint(point);
        }
      }
      messages = factory.createMessageFactory();
      headers = factory.createHeaderFactory();
      provider.addSipListener(this);
      stack.start();
    } catch (SipException | InvalidArgumentException | TooManyListenersException e) {
      if (stack != null) {
        stack.stop();
      }
      throw new IllegalStateException("cannot listen on " + bind + ":" + port + " " + transports + ": " + e.getMessage(), e);
    }
  }

  /** The answer to a request other than ACK. */
  abstract Response answer(Request request) throws ParseException;

  @Override
  public final void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    String method = request.getMethod();
    if (Request.ACK.equals(method)) {
      return; // ACKs of our non-2xx answers are absorbed by their transactions
    }
    try {
      ServerTransaction transaction = event.getServerTransaction();
      if (transaction == null) {
        transaction = provider.getNewServerTransaction(request);
      }
      transaction.sendResponse(answer(request));
    } catch (TransactionAlreadyExistsException retransmission) {
      log.debug("retransmission of {} absorbed", method);
    } catch (SipException | InvalidArgumentException | ParseException e) {
      log.warn("cannot answer {}: {}", method, e.toString());
    }
  }

  /** A response with an Allow header listing {@link #ALLOWED}. */
  final Response withAllow(int status, Request request) throws ParseException {
    Response response = messages.createResponse(status, request);
    for (String method : ALLOWED) {
      response.addHeader(headers.createAllowHeader(method));
    }
    return response;
  }

  /** A response with a reason phrase of ours. */
  final Response withReason(int status, String reason, Request request) throws ParseException {
    Response response = messages.createResponse(status, request);
    response.setReasonPhrase(reason);
    return response;
  }

  @Override
  public void processResponse(ResponseEvent event) {
    // no requests are sent yet
  }

  @Override
  public void processTimeout(TimeoutEvent event) {
    // nothing is waiting for an answer yet
  }

  @Override
  public void processIOException(IOExceptionEvent event) {
    log.debug("SIP I/O error with {}:{} ({})", event.getHost(), event.getPort(), event.getTransport());
  }

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent event) {
    // no per-transaction state
  }

  @Override
  public void processDialogTerminated(DialogTerminatedEvent event) {
    // no dialogs yet
  }

  @Override
  public void close() {
    if (stack != null) {
      stack.stop();
    }
  }
}

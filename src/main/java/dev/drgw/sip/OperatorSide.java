package dev.drgw.sip;

import dev.drgw.snapshot.RoutingSnapshot;
import java.util.List;
import java.util.Properties;
import java.util.TooManyListenersException;
import java.util.function.Supplier;
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
 * The operator side's SIP listener (UDP and TCP) on JAIN-SIP RI: answers the operator's OPTIONS
 * and decides new calls from the operator network with {@link CallRouting}. This is the first
 * slice of issue 5: calls that pass the decision are answered 503 until the Teams side carries
 * them; refused calls get the decision's status and reason phrase.
 */
public final class OperatorSide implements SipListener, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OperatorSide.class);

  /** Methods answered here; also the Allow header. */
  static final List<String> ALLOWED = List.of("INVITE", "ACK", "OPTIONS", "CANCEL", "BYE");

  /** ACG's limit; larger messages are refused by the stack. */
  static final int MAX_MESSAGE_BYTES = 10 * 1024;

  private final CallRouting routing;
  private final Supplier<RoutingSnapshot> snapshot;
  private final SipStack stack;
  private final SipProvider provider;
  private final MessageFactory messages;
  private final HeaderFactory headers;

  private OperatorSide(CallRouting routing, Supplier<RoutingSnapshot> snapshot, SipStack stack,
      SipProvider provider, MessageFactory messages, HeaderFactory headers) {
    this.routing = routing;
    this.snapshot = snapshot;
    this.stack = stack;
    this.provider = provider;
    this.messages = messages;
    this.headers = headers;
  }

  /** Listens on {@code bind}:{@code port} over UDP and TCP; fails with a message naming the address. */
  public static OperatorSide start(String bind, int port, CallRouting routing, Supplier<RoutingSnapshot> snapshot) {
    Slf4jStackLogger.install();
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    Properties p = new Properties();
    p.setProperty("javax.sip.STACK_NAME", "drgw-operator-" + port);
    p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
    p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
    p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
    p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(MAX_MESSAGE_BYTES));
    p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
    p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", "1024");
    p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "5000");
    try {
      SipStack stack = factory.createSipStack(p);
      ListeningPoint udp = stack.createListeningPoint(bind, port, ListeningPoint.UDP);
      ListeningPoint tcp = stack.createListeningPoint(bind, port, ListeningPoint.TCP);
      SipProvider provider = stack.createSipProvider(udp);
      provider.addListeningPoint(tcp);
      OperatorSide side = new OperatorSide(routing, snapshot, stack, provider, factory.createMessageFactory(),
          factory.createHeaderFactory());
      provider.addSipListener(side);
      stack.start();
      log.info("SIP operator side listening on {}:{} (UDP and TCP)", bind, port);
      return side;
    } catch (SipException | InvalidArgumentException | TooManyListenersException e) {
      throw new IllegalStateException(
          "cannot start the SIP operator side on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void processRequest(RequestEvent event) {
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
    } catch (SipException | InvalidArgumentException | java.text.ParseException e) {
      log.warn("cannot answer {} from the operator side: {}", method, e.toString());
    }
  }

  /** The answer to a request, by method. */
  private Response answer(Request request) throws java.text.ParseException {
    switch (request.getMethod()) {
      case Request.OPTIONS -> {
        Response ok = messages.createResponse(Response.OK, request);
        allow(ok);
        return ok;
      }
      case Request.INVITE -> {
        CallDecision decision = routing.fromOperator(snapshot.get(), request.getRequestURI().toString());
        if (decision instanceof CallDecision.Reject reject) {
          Response refused = messages.createResponse(reject.status(), request);
          refused.setReasonPhrase(reject.reason());
          log.info("call to {} refused: {} {}", request.getRequestURI(), reject.status(), reject.reason());
          return refused;
        }
        Response unavailable = messages.createResponse(Response.SERVICE_UNAVAILABLE, request);
        unavailable.setReasonPhrase("Calls to Teams are not carried yet");
        return unavailable;
      }
      case Request.BYE, Request.CANCEL -> {
        return messages.createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request);
      }
      default -> {
        Response notAllowed = messages.createResponse(Response.METHOD_NOT_ALLOWED, request);
        allow(notAllowed);
        return notAllowed;
      }
    }
  }

  private void allow(Response response) throws java.text.ParseException {
    for (String method : ALLOWED) {
      response.addHeader(headers.createAllowHeader(method));
    }
  }

  @Override
  public void processResponse(ResponseEvent event) {
    // no requests are sent from this side yet
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
    stack.stop();
  }
}

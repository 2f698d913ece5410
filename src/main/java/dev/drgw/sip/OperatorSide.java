package dev.drgw.sip;

import dev.drgw.snapshot.RoutingSnapshot;
import java.text.ParseException;
import java.util.List;
import java.util.function.Supplier;
import javax.sip.ListeningPoint;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator side (UDP and TCP): polls the operator's peers with OPTIONS, answers theirs, and
 * decides new calls from the
 * operator network with {@link CallRouting}. Calls that pass the decision are answered 503 until
 * the Teams side carries them; refused calls get the decision's status and reason phrase.
 */
public final class OperatorSide extends SipEdge {

  private static final Logger log = LoggerFactory.getLogger(OperatorSide.class);

  private final CallRouting routing;
  private final Supplier<RoutingSnapshot> snapshot;

  private OperatorSide(CallRouting routing, Supplier<RoutingSnapshot> snapshot) {
    this.routing = routing;
    this.snapshot = snapshot;
  }

  /** Listens on {@code bind}:{@code port} over UDP and TCP; fails with a message naming the address. */
  public static OperatorSide start(String bind, int port, CallRouting routing, Supplier<RoutingSnapshot> snapshot,
      OptionsPolling peers, SipMeters meters) {
    OperatorSide side = new OperatorSide(routing, snapshot);
    side.meters = meters;
    side.listen(baseProperties("drgw-operator-" + port), bind, port, List.of(ListeningPoint.UDP, ListeningPoint.TCP));
    log.info("SIP operator side listening on {}:{} (UDP and TCP)", bind, port);
    side.poll(peers, port);
    return side;
  }

  @Override
  Response answer(Request request) throws ParseException {
    switch (request.getMethod()) {
      case Request.OPTIONS -> {
        return withAllow(Response.OK, request);
      }
      case Request.INVITE -> {
        meters.callAttempt();
        CallDecision decision = routing.fromOperator(snapshot.get(), request.getRequestURI().toString());
        if (decision instanceof CallDecision.Reject reject) {
          meters.callRefused(reject.cause());
          log.info("call to {} refused: {} {}", request.getRequestURI(), reject.status(), reject.reason());
          return withReason(reject.status(), reject.reason(), request);
        }
        return withReason(Response.SERVICE_UNAVAILABLE, "Calls to Teams are not carried yet", request);
      }
      case Request.BYE, Request.CANCEL -> {
        return messages.createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request);
      }
      default -> {
        return withAllow(Response.METHOD_NOT_ALLOWED, request);
      }
    }
  }
}

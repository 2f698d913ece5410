package dev.drgw.sip;

import dev.drgw.snapshot.RoutingSnapshot;
import java.util.List;
import java.util.function.Supplier;
import javax.sip.ListeningPoint;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator side (UDP and TCP): polls the operator's peers with OPTIONS, answers theirs, and
 * decides new calls from the operator network with {@link CallRouting}. Calls that pass the decision are answered 503 until
 * the Teams side carries them; refused calls get the decision's status and reason phrase.
 */
public final class OperatorSide extends SipEdge {

  private static final Logger log = LoggerFactory.getLogger(OperatorSide.class);

  private OperatorSide(CallRouting routing, Supplier<RoutingSnapshot> snapshot, SipMeters meters, Calls calls) {
    super(routing, snapshot, meters, calls);
  }

  /** Listens on {@code bind}:{@code port} over UDP and TCP; fails with a message naming the address. */
  public static OperatorSide start(String bind, int port, CallRouting routing, Supplier<RoutingSnapshot> snapshot,
      OptionsPolling peers, SipMeters meters, Calls calls) {
    OperatorSide side = new OperatorSide(routing, snapshot, meters, calls);
    side.port = port;
    side.contactHost = peers.contactHost();
    side.listen(baseProperties("drgw-operator-" + port), bind, port, List.of(ListeningPoint.UDP, ListeningPoint.TCP));
    log.info("SIP operator side listening on {}:{} (UDP and TCP)", bind, port);
    calls.attach(side);
    side.poll(peers, port);
    return side;
  }

  @Override
  CallDecision decide(Request invite) {
    return routing.fromOperator(snapshot.get(), invite.getRequestURI().toString());
  }

}

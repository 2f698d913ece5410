package dev.drgw.sip;

import dev.drgw.snapshot.RoutingSnapshot;
import java.util.List;
import java.util.function.Supplier;
import javax.sip.ListeningPoint;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator side (UDP, TCP and TLS): polls the operator's peers with OPTIONS, answers theirs,
 * decides new calls from the operator network with {@link CallRouting} and carries those that
 * pass ({@link Calls}); refused calls get the decision's status and reason phrase.
 */
public final class OperatorSide extends SipEdge {

  private static final Logger log = LoggerFactory.getLogger(OperatorSide.class);

  private OperatorSide(CallRouting routing, Supplier<RoutingSnapshot> snapshot, SipMeters meters, Calls calls) {
    super(routing, snapshot, meters, calls);
  }

  private String stackName;

  /** Listens on {@code bind}:{@code port} over UDP and TCP; fails with a message naming the address. */
  public static OperatorSide start(String bind, int port, CallRouting routing, Supplier<RoutingSnapshot> snapshot,
      OptionsPolling peers, SipMeters meters, Calls calls) {
    return start(bind, port, 0, null, routing, snapshot, peers, meters, calls);
  }

  /**
   * Listens on {@code bind}:{@code port} over UDP and TCP, and over TLS on {@code tlsPort} with
   * {@code tls}'s certificate (client certificates required) unless {@code tlsPort} is 0; fails
   * with a message naming the address.
   */
  public static OperatorSide start(String bind, int port, int tlsPort, TlsMaterial tls, CallRouting routing,
      Supplier<RoutingSnapshot> snapshot, OptionsPolling peers, SipMeters meters, Calls calls) {
    OperatorSide side = new OperatorSide(routing, snapshot, meters, calls);
    side.port = port;
    side.tlsPort = tlsPort;
    side.contactHost = peers.contactHost();
    side.stackName = "drgw-operator-" + port;
    java.util.Properties p = baseProperties(side.stackName);
    if (tlsPort > 0) {
      withTls(p, tls);
    }
    try {
      side.listen(p, bind, port, List.of(ListeningPoint.UDP, ListeningPoint.TCP), tlsPort);
    } catch (IllegalStateException e) {
      TlsNetworkLayer.unregister(side.stackName);
      throw e;
    }
    log.info("SIP operator side listening on {}:{} (UDP and TCP){}", bind, port,
        tlsPort > 0 ? " and " + bind + ":" + tlsPort + " (TLS, client certificates required)" : "");
    calls.attach(side);
    side.poll(peers, port);
    return side;
  }

  @Override
  public void close() {
    super.close();
    TlsNetworkLayer.unregister(stackName);
  }

  @Override
  CallDecision decide(Request invite) {
    return routing.fromOperator(snapshot.get(), invite.getRequestURI().toString());
  }

}

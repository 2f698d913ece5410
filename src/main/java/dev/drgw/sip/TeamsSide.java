package dev.drgw.sip;

import dev.drgw.snapshot.RoutingSnapshot;
import java.text.ParseException;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import javax.sip.ListeningPoint;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderAddress;
import javax.sip.message.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Teams side: SIP over mutual TLS (1.2+) toward Microsoft's Direct Routing proxies. Answers
 * their OPTIONS and decides new calls from Teams with {@link CallRouting} (tenant from the
 * customer subdomain, call screening) and carries those that pass ({@link Calls}). Sends OPTIONS to Microsoft's proxies with the region domain in Contact. Every
 * request and answer carries {@code X-MS-SBC}.
 */
public final class TeamsSide extends SipEdge {

  private static final Logger log = LoggerFactory.getLogger(TeamsSide.class);
  static final String SBC_HEADER = "X-MS-SBC";
  private final String sbc;
  private final String stackName;

  private TeamsSide(CallRouting routing, Supplier<RoutingSnapshot> snapshot, SipMeters meters, Calls calls,
      String version, int port) {
    super(routing, snapshot, meters, calls);
    this.sbc = "drgw/teams/" + version;
    this.stackName = "drgw-teams-" + port;
  }

  /**
   * Listens for TLS on {@code bind}:{@code port}, presenting {@code tls}'s certificate and requiring
   * a client certificate the trusted CAs vouch for.
   */
  public static TeamsSide start(String bind, int port, TlsMaterial tls, CallRouting routing,
      Supplier<RoutingSnapshot> snapshot, String version, OptionsPolling proxies, SipMeters meters, Calls calls) {
    TeamsSide side = new TeamsSide(routing, snapshot, meters, calls, version, port);
    side.port = port;
    side.contactHost = proxies.contactHost();
    Properties p = withTls(baseProperties(side.stackName), tls);
    p.setProperty("javax.sip.ROUTER_PATH", TeamsRouter.class.getName());
    try {
      side.listen(p, bind, port, List.of(ListeningPoint.TLS), 0);
    } catch (IllegalStateException e) {
      TlsNetworkLayer.unregister(side.stackName);
      throw e;
    }
    log.info("SIP Teams side listening on {}:{} (TLS, client certificates required)", bind, port);
    calls.attach(side);
    side.poll(proxies, port);
    return side;
  }

  @Override
  void decorate(javax.sip.message.Message message) throws ParseException {
    message.addHeader(headers.createHeader(SBC_HEADER, sbc));
  }

  @Override
  CallDecision decide(Request invite) {
    String host = invite.getRequestURI() instanceof SipURI uri ? uri.getHost() : null;
    return routing.fromTeams(snapshot.get(), host, uriOf(invite.getHeader("P-Asserted-Identity")),
        uriOf(invite.getHeader(FromHeader.NAME)));
  }


  private static String uriOf(Header header) {
    return header instanceof HeaderAddress address && address.getAddress() != null
        ? address.getAddress().getURI().toString() : null;
  }

  @Override
  public void close() {
    super.close();
    TlsNetworkLayer.unregister(stackName);
  }
}

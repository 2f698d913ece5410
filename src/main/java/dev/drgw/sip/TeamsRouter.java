package dev.drgw.sip;

import gov.nist.javax.sip.stack.HopImpl;
import java.util.List;
import java.util.ListIterator;
import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.address.Router;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;

/**
 * Where the Teams side sends a request: to the top Route if there is one, else to the
 * Request-URI's host, always over TLS and on port 5061 unless the URI names another. Microsoft
 * wants {@code INVITE sip:+<E164>@sip.pstnhub.microsoft.com;user=phone}, without port or
 * transport, which the stack's default router would send over UDP to 5060. The stack creates
 * this class by name ({@code javax.sip.ROUTER_PATH}).
 */
public final class TeamsRouter implements Router {

  public TeamsRouter(SipStack stack, String outboundProxy) {
    // no outbound proxy toward Microsoft
  }

  /** The host and port a request with this top Route (or, without one, this Request-URI) goes to. */
  static Hop hop(URI target) throws SipException {
    if (!(target instanceof SipURI sip)) {
      throw new SipException("cannot send to " + target + ": not a SIP URI");
    }
    String host = sip.getMAddrParam() != null ? sip.getMAddrParam() : sip.getHost();
    return new HopImpl(host, sip.getPort() > 0 ? sip.getPort() : LegRules.TEAMS_PORT, "TLS");
  }

  @Override
  public Hop getNextHop(Request request) throws SipException {
    RouteHeader route = (RouteHeader) request.getHeader(RouteHeader.NAME);
    return hop(route != null ? route.getAddress().getURI() : request.getRequestURI());
  }

  @Override
  public Hop getOutboundProxy() {
    return null;
  }

  @Override
  @Deprecated
  public ListIterator<Hop> getNextHops(Request request) {
    try {
      return List.of(getNextHop(request)).listIterator();
    } catch (SipException e) {
      return List.<Hop>of().listIterator();
    }
  }
}

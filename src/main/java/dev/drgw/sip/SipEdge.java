package dev.drgw.sip;

import dev.drgw.snapshot.RoutingSnapshot;
import java.text.ParseException;
import java.util.function.Supplier;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
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
abstract class SipEdge implements gov.nist.javax.sip.SipListenerExt, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SipEdge.class);

  /** ACG's limit; larger messages are refused by the stack. */
  static final int MAX_MESSAGE_BYTES = 10 * 1024;

  /** Methods drgw takes (within a call, every other method is passed to the other leg); also the Allow header. */
  static final List<String> ALLOWED = List.of("INVITE", "ACK", "OPTIONS", "CANCEL", "BYE", "UPDATE", "PRACK", "INFO",
      "NOTIFY");

  private SipStack stack;
  private SipProvider provider;
  protected MessageFactory messages;
  protected HeaderFactory headers;
  protected AddressFactory addresses;

  /** OPTIONS sent and not yet answered, by client transaction. */
  private final Map<ClientTransaction, SipPeer> polls = new ConcurrentHashMap<>();
  private PeerHealth health;
  final CallRouting routing;
  final Supplier<RoutingSnapshot> snapshot;
  final SipMeters meters;
  final Calls calls;
  /** drgw's port and host name on this side, as Via and Contact give them. */
  int port;
  String contactHost;

  SipEdge(CallRouting routing, Supplier<RoutingSnapshot> snapshot, SipMeters meters, Calls calls) {
    this.routing = routing;
    this.snapshot = snapshot;
    this.meters = meters;
    this.calls = calls;
  }
  private ScheduledExecutorService poller;

  /** The stack's properties every side shares; a side may add its own. */
  static Properties baseProperties(String stackName) {
    Properties p = new Properties();
    p.setProperty("javax.sip.STACK_NAME", stackName);
    p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
    p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
    p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
    p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(MAX_MESSAGE_BYTES));
    // Few workers for datagrams: under overload, surplus requests should wait (and be dropped)
    // in the socket buffer, not take the CPU from the threads that read the answers of calls
    // already taken (each TLS connection has its own reader thread).
    p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE",
        Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
    p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", "1024");
    p.setProperty("gov.nist.javax.sip.READ_TIMEOUT", "5000");
    // Bursts of UDP must not be lost in the kernel before the stack reads them (the same 4 MiB
    // the benchmark gives SIPp and Kamailio; the kernel caps it at net.core.rmem_max).
    p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(4 << 20));
    p.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", Integer.toString(4 << 20));
    return p;
  }

  /** Cipher suites of TLS 1.3 and the ECDHE suites of Microsoft's Direct Routing list (RSA and ECDSA keys). */
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");

  /**
   * {@code properties} with TLS as drgw speaks it: 1.2 and 1.3, modern suites (the RI's default
   * list is of old RSA-key-exchange and anonymous suites), client certificates required, and
   * {@code tls}'s certificate and trust through {@link TlsNetworkLayer}, registered under the
   * stack's name.
   */
  static Properties withTls(Properties properties, TlsMaterial tls) {
    try {
      TlsNetworkLayer.register(properties.getProperty("javax.sip.STACK_NAME"), tls.sslContext());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the TLS certificate and key: " + e.getMessage(), e);
    }
    properties.setProperty("gov.nist.javax.sip.NETWORK_LAYER", TlsNetworkLayer.class.getName());
    properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Enabled");
    properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2,TLSv1.3");
    properties.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(" ", CIPHER_SUITES));
    properties.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", "5000");
    return properties;
  }

  /** The port drgw listens on for {@code transport} on this side. */
  int portFor(String transport) {
    return "tls".equalsIgnoreCase(transport) && tlsPort > 0 ? tlsPort : port;
  }

  /** The TLS port when a side has one besides {@link #port}; 0 otherwise. */
  int tlsPort;

  /**
   * Creates the stack and listens on {@code bind}:{@code port} with each transport, and with TLS
   * on {@code tlsPort} unless it is 0.
   */
  final void listen(Properties properties, String bind, int port, List<String> transports, int tlsPort) {
    Slf4jStackLogger.install();
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    try {
      stack = factory.createSipStack(properties);
      provider = null;
      List<Map.Entry<String, Integer>> points = new java.util.ArrayList<>();
      transports.forEach(t -> points.add(Map.entry(t, port)));
      if (tlsPort > 0) {
        points.add(Map.entry(ListeningPoint.TLS, tlsPort));
      }
      for (Map.Entry<String, Integer> entry : points) {
        ListeningPoint point = stack.createListeningPoint(bind, entry.getValue(), entry.getKey());
        if (provider == null) {
          provider = stack.createSipProvider(point);
        } else {
          provider.addListeningPoint(point);
        }
      }
      messages = factory.createMessageFactory();
      headers = factory.createHeaderFactory();
      addresses = factory.createAddressFactory();
      provider.addSipListener(this);
      stack.start();
    } catch (SipException | InvalidArgumentException | TooManyListenersException e) {
      if (stack != null) {
        stack.stop();
      }
      throw new IllegalStateException("cannot listen on " + bind + ":" + port + " " + transports
          + (tlsPort > 0 ? " and " + bind + ":" + tlsPort + " [TLS]" : "") + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether the message reached the stack's size limit. Over TCP and TLS the stack refuses longer
   * messages itself; a longer UDP datagram is cut at the limit and what was left parsed, with the
   * size recorded as the limit, so such a request must be refused here and not acted on.
   */
  static boolean tooLarge(Request request) {
    return request instanceof gov.nist.javax.sip.message.SIPMessage m && m.getSize() >= MAX_MESSAGE_BYTES;
  }

  /**
   * Only SIP/2.0 is spoken here (RFC 3261 21.5.7: 505). Note: the RI's parser records SIP/2.0 for
   * some other versions (RFC 4475's badvers, SIP/7.0, reaches us as SIP/2.0), so this catches only
   * what the parser keeps.
   */
  static boolean isSip20(Request request) {
    return !(request instanceof gov.nist.javax.sip.message.SIPRequest r) || r.getRequestLine() == null
        || "SIP/2.0".equalsIgnoreCase(r.getRequestLine().getSipVersion());
  }

  /** The side's decision on a new call (an initial INVITE). */
  abstract CallDecision decide(Request invite);

  /**
   * The answer to a request outside any call, or null when the request started or cancelled a
   * call (answered by {@link Calls}).
   */
  private Response answer(ServerTransaction transaction, Request request)
      throws ParseException, SipException, InvalidArgumentException {
    switch (request.getMethod()) {
      case Request.OPTIONS -> {
        return calls.draining() ? draining(request) : withAllow(Response.OK, request);
      }
      case Request.INVITE -> {
        if (toTag(request) != null) {
          return messages.createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request);
        }
        if (calls.draining()) {
          return draining(request);
        }
        meters.callAttempt();
        CallDecision decision = decide(request);
        if (decision instanceof CallDecision.Reject reject) {
          meters.callRefused(reject.cause());
          log.info("call to {} refused: {} {}", request.getRequestURI(), reject.status(), reject.reason());
          return withReason(reject.status(), reject.reason(), request);
        }
        calls.start(this, transaction, request, decision);
        return null;
      }
      case Request.CANCEL -> {
        return calls.cancel(this, transaction, request) ? null
            : messages.createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request);
      }
      case Request.BYE, Request.UPDATE, Request.PRACK, Request.INFO, Request.NOTIFY -> {
        return messages.createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request);
      }
      default -> {
        return withAllow(Response.METHOD_NOT_ALLOWED, request);
      }
    }
  }

  /** 503 with Retry-After: this node is shutting down, the peer should use another one. */
  private Response draining(Request request) throws ParseException, InvalidArgumentException {
    Response response = withReason(Response.SERVICE_UNAVAILABLE, "Service Unavailable", request);
    response.addHeader(headers.createRetryAfterHeader(Calls.RETRY_AFTER_DRAINING));
    return response;
  }

  private static String toTag(Request request) {
    return request.getHeader(javax.sip.header.ToHeader.NAME) instanceof javax.sip.header.ToHeader to ? to.getTag() : null;
  }

  @Override
  public final void processRequest(RequestEvent event) {
    Request request = event.getRequest();
    String method = request.getMethod();
    meters.requestReceived(method);
    javax.sip.Dialog dialog = event.getDialog();
    Call call = dialog != null && dialog.getApplicationData() instanceof Call c ? c : null;
    if (Request.ACK.equals(method)) {
      if (call != null) {
        calls.ack(call, dialog, request, event.getServerTransaction()); // the ACK of a 2xx drgw passed on
      }
      return; // ACKs of our non-2xx answers are absorbed by their transactions
    }
    try {
      ServerTransaction transaction = event.getServerTransaction();
      if (transaction == null) {
        transaction = provider.getNewServerTransaction(request);
      }
      Response response;
      if (tooLarge(request)) {
        response = withReason(Response.MESSAGE_TOO_LARGE, "Message Too Large (at most " + MAX_MESSAGE_BYTES + " bytes)",
            request);
      } else if (!isSip20(request)) {
        response = messages.createResponse(Response.VERSION_NOT_SUPPORTED, request);
      } else if (call != null && !Request.CANCEL.equals(method)) {
        calls.inDialog(this, call, dialog, transaction, request);
        response = null;
      } else {
        response = answer(transaction, request);
      }
      if (response != null) {
        respond(transaction, response);
      }
    } catch (TransactionAlreadyExistsException retransmission) {
      log.debug("retransmission of {} absorbed", method);
    } catch (javax.sip.TransactionUnavailableException e) {
      refuseStatelessly(request, e);
    } catch (SipException | InvalidArgumentException | ParseException e) {
      log.warn("cannot answer {}: {}", method, e.toString());
    }
  }

  /**
   * A request the stack will not make a transaction for (e.g. an INVITE without Contact) is
   * answered 400 without one, saying what is wrong, rather than dropped.
   */
  private void refuseStatelessly(Request request, javax.sip.TransactionUnavailableException why) {
    try {
      String reason = why.getMessage() == null ? "Bad Request" : "Bad Request (" + why.getMessage().strip() + ")";
      Response response = withReason(Response.BAD_REQUEST, reason.length() > 100 ? "Bad Request" : reason, request);
      decorate(response);
      provider.sendResponse(response);
      meters.responseSent(Response.BAD_REQUEST);
    } catch (SipException | ParseException | RuntimeException e) {
      log.debug("cannot refuse {}: {}", request.getMethod(), e.toString());
    }
  }

  /** Sends {@code response} on {@code transaction} with this side's own headers, and counts it. */
  final void respond(ServerTransaction transaction, Response response)
      throws SipException, InvalidArgumentException, ParseException {
    decorate(response);
    transaction.sendResponse(response);
    meters.responseSent(response.getStatusCode());
  }

  final SipProvider provider() {
    return provider;
  }

  /**
   * Drops the stack's kept connection to {@code peer} (TCP or TLS), so that the next request
   * opens a new one. A connection the peer closed can stay in the stack's cache and fail every
   * send ("Socket is closed"); on some JDKs the stack does not forget it by itself.
   */
  final void forgetConnection(SipPeer peer) {
    if ("udp".equals(peer.transport()) || !(stack instanceof gov.nist.javax.sip.stack.SIPTransactionStack s)) {
      return;
    }
    try {
      ListeningPoint point = provider.getListeningPoint(peer.transport());
      for (java.net.InetAddress address : java.net.InetAddress.getAllByName(peer.host())) {
        s.closeReliableConnection(point.getIPAddress(), point.getPort(), peer.transport(), address.getHostAddress(),
            peer.port());
      }
    } catch (java.io.IOException | RuntimeException e) {
      log.debug("kept connection to {} not dropped: {}", peer.name(), e.toString());
    }
  }

  /** The peers calls from this side go to, with what OPTIONS knows of them. */
  final PeerHealth health() {
    return health;
  }

  /**
   * A new INVITE as {@code plan} says, with the headers of {@code original} that cross
   * ({@link LegRules#INVITE_HEADERS}), its body, Max-Forwards one lower, and this side's own
   * headers. The Via branch is the stack's.
   */
  final Request newInvite(LegRules.LegPlan plan, Request original)
      throws ParseException, InvalidArgumentException {
    javax.sip.header.FromHeader from = (javax.sip.header.FromHeader) headers.createHeader("From", plan.from());
    from.setTag(Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE));
    javax.sip.header.ToHeader to = (javax.sip.header.ToHeader) headers.createHeader("To", plan.to());
    javax.sip.address.URI target = addresses.createURI(plan.requestUri());
    String transport = target instanceof SipURI sip && sip.getTransportParam() != null ? sip.getTransportParam()
        : this instanceof TeamsSide ? "tls" : "udp";
    int hops = original.getHeader("Max-Forwards") instanceof javax.sip.header.MaxForwardsHeader mf
        ? Math.min(mf.getMaxForwards() - 1, 70) : 70;
    Request out = messages.createRequest(target, Request.INVITE, provider.getNewCallId(),
        headers.createCSeqHeader(1L, Request.INVITE), from, to,
        List.of(headers.createViaHeader(contactHost, portFor(transport), transport, null)),
        headers.createMaxForwardsHeader(hops));
    out.addHeader(headers.createHeader("Contact", plan.contact()));
    for (String name : headerNames(original)) {
      if (LegRules.crosses(LegRules.INVITE_HEADERS, name)) {
        for (javax.sip.header.Header h : headers(original, name)) {
          out.addHeader((javax.sip.header.Header) h.clone());
        }
      }
    }
    for (Map.Entry<String, String> h : plan.headers()) {
      out.addHeader(headers.createHeader(h.getKey(), h.getValue()));
    }
    crossBody(original, out);
    decorate(out);
    return out;
  }

  /** Puts {@code from}'s body, if it has one, with its Content-Type on {@code to}, unchanged. */
  static void crossBody(javax.sip.message.Message from, javax.sip.message.Message to) throws ParseException {
    byte[] content = from.getRawContent();
    if (content != null && content.length > 0
        && from.getHeader(javax.sip.header.ContentTypeHeader.NAME) instanceof javax.sip.header.ContentTypeHeader type) {
      to.setContent(content, (javax.sip.header.ContentTypeHeader) type.clone());
    }
  }

  /**
   * Sends a request drgw makes itself on this side (CANCEL, BYE, PRACK), with this side's own
   * headers; {@code data} marks its transaction, {@code dialog} (or null) is the one it is
   * sent within.
   */
  final void sendOwn(Request request, Object data, javax.sip.Dialog dialog) throws SipException, ParseException {
    decorate(request);
    ClientTransaction sent = provider.getNewClientTransaction(request);
    sent.setApplicationData(data);
    if (dialog == null) {
      sent.sendRequest();
    } else {
      dialog.sendRequest(sent);
    }
  }

  /** The names of {@code message}'s headers (the JAIN-SIP API predates generics). */
  @SuppressWarnings("unchecked")
  static List<String> headerNames(javax.sip.message.Message message) {
    List<String> out = new java.util.ArrayList<>();
    message.getHeaderNames().forEachRemaining(n -> out.add((String) n));
    return out;
  }

  /** Every header of {@code message} named {@code name}. */
  @SuppressWarnings("unchecked")
  static List<javax.sip.header.Header> headers(javax.sip.message.Message message, String name) {
    List<javax.sip.header.Header> out = new java.util.ArrayList<>();
    message.getHeaders(name).forEachRemaining(h -> out.add((javax.sip.header.Header) h));
    return out;
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

  /** Sends OPTIONS to every peer now and then every interval, recording the answers. */
  final void poll(OptionsPolling polling, int contactPort) {
    PeerHealth peers = polling.peers();
    Duration interval = polling.interval();
    String contactHost = polling.contactHost();
    this.contactHost = contactHost;
    this.port = contactPort;
    health = peers;
    poller = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "drgw-sip-options-" + contactPort);
      t.setDaemon(true);
      return t;
    });
    poller.scheduleWithFixedDelay(() -> {
      for (SipPeer peer : peers.peers()) {
        try {
          sendOptions(peer, contactHost, contactPort);
        } catch (RuntimeException | SipException | ParseException | InvalidArgumentException e) {
          log.info("OPTIONS to {} not sent: {}", peer.name(), e.toString());
          peers.record(peer, OptionalInt.empty(), Instant.now());
        }
      }
    }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sendOptions(SipPeer peer, String contactHost, int contactPort)
      throws SipException, ParseException, InvalidArgumentException {
    SipURI target = addresses.createSipURI(null, peer.host());
    target.setPort(peer.port());
    target.setTransportParam(peer.transport());
    SipURI us = addresses.createSipURI(null, contactHost);
    us.setPort(portFor(peer.transport()));
    us.setTransportParam(peer.transport());
    Request options = messages.createRequest(target, Request.OPTIONS, provider.getNewCallId(),
        headers.createCSeqHeader(1L, Request.OPTIONS),
        headers.createFromHeader(addresses.createAddress(addresses.createSipURI(null, contactHost)),
            Long.toHexString(ThreadLocalRandom.current().nextLong())),
        headers.createToHeader(addresses.createAddress(target), null),
        List.of(headers.createViaHeader(contactHost, portFor(peer.transport()), peer.transport(), null)),
        headers.createMaxForwardsHeader(70));
    options.addHeader(headers.createContactHeader(addresses.createAddress(us)));
    for (String method : ALLOWED) {
      options.addHeader(headers.createAllowHeader(method));
    }
    decorate(options);
    ClientTransaction transaction = provider.getNewClientTransaction(options);
    transaction.setRetransmitTimer(OPTIONS_T1_MS);
    polls.put(transaction, peer);
    transaction.sendRequest();
  }

  /** Timer T1 of our OPTIONS: unanswered after 64 × T1 = 8 s, the peer counts as down. */
  static final int OPTIONS_T1_MS = 125;

  /** Adds a side's own headers to every request and response it sends (e.g. X-MS-SBC toward Teams). */
  void decorate(javax.sip.message.Message message) throws ParseException {
    // nothing by default
  }

  @Override
  public void processResponse(ResponseEvent event) {
    ClientTransaction transaction = event.getClientTransaction();
    meters.responseReceived(event.getResponse().getStatusCode());
    if (calls.response(event)) {
      return;
    }
    if (transaction == null || event.getResponse().getStatusCode() < 200) {
      return;
    }
    SipPeer peer = polls.remove(transaction);
    if (peer != null) {
      health.record(peer, OptionalInt.of(event.getResponse().getStatusCode()), Instant.now());
    }
  }

  @Override
  public void processTimeout(TimeoutEvent event) {
    if (!event.isServerTransaction()) {
      if (calls.timeout(event.getClientTransaction())) {
        return;
      }
      SipPeer peer = polls.remove(event.getClientTransaction());
      if (peer != null) {
        log.info("no answer to OPTIONS from {}", peer.name());
        health.record(peer, OptionalInt.empty(), Instant.now());
      }
    }
  }

  @Override
  public void processIOException(IOExceptionEvent event) {
    log.debug("SIP I/O error with {}:{} ({})", event.getHost(), event.getPort(), event.getTransport());
    polls.entrySet().removeIf(e -> {
      SipPeer peer = e.getValue();
      boolean same = peer.port() == event.getPort() && peer.transport().equalsIgnoreCase(event.getTransport())
          && (peer.host().equalsIgnoreCase(event.getHost()) || resolvesTo(peer.host(), event.getHost()));
      if (same) {
        log.info("OPTIONS to {} failed: cannot connect", peer.name());
        health.record(peer, OptionalInt.empty(), Instant.now());
      }
      return same;
    });
  }

  private static boolean resolvesTo(String host, String address) {
    try {
      for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
        if (a.getHostAddress().equals(address)) {
          return true;
        }
      }
      return false;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent event) {
    // no per-transaction state
  }

  @Override
  public void processDialogTerminated(DialogTerminatedEvent event) {
    // calls end on BYE, CANCEL or failure; nothing is kept per dialog
  }

  @Override
  public void processDialogTimeout(gov.nist.javax.sip.DialogTimeoutEvent event) {
    calls.dialogTimeout(event.getDialog());
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
    if (stack != null) {
      stack.stop();
    }
  }
}

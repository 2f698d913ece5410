package dev.drgw.sip;

import gov.nist.javax.sip.ServerTransactionExt;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogState;
import javax.sip.InvalidArgumentException;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.TransactionState;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.RequireHeader;
import javax.sip.header.SupportedHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls drgw carries between its two sides, as a back-to-back user agent: a call allowed by
 * {@link CallRouting} gets a new INVITE on the other side's stack (peer by peer until one takes
 * it, {@link LegRules#failsOver}), and from then on every request and answer that reaches one
 * leg is re-created on the other: provisional and final answers, ACK, CANCEL, BYE, re-INVITE,
 * UPDATE, INFO, NOTIFY; reliable provisional answers are acknowledged (PRACK) per leg. Bodies
 * (SDP) cross unchanged. The sides only move messages; this class decides nothing about
 * routing.
 */
public final class Calls implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Calls.class);

  /** What a client transaction that is not an INVITE of a call was sent for. */
  private enum Sent { CANCEL, BYE, PRACK }

  /** A request relayed within a dialog: where it came from, to answer it when the other leg does. */
  private record Relay(Call call, ServerTransaction transaction, Call.Leg from, Call.Leg to) {}

  private final Duration noAnswer;
  private final CallAdmission admission;
  /** INVITEs sent on and not answered at all yet (not even 100): grows when drgw falls behind. */
  private final AtomicInteger awaitingFirstAnswer = new AtomicInteger();
  private final int maxAwaitingFirstAnswer;
  private final String customHeaderName;
  private final ScheduledExecutorService timers;
  private final Set<Call> live = ConcurrentHashMap.newKeySet();
  private final AtomicInteger toTeams = new AtomicInteger();
  private final AtomicInteger fromTeams = new AtomicInteger();
  private volatile OperatorSide operator;
  private volatile TeamsSide teams;
  /** Set once the node stops taking new calls (graceful shutdown); calls in progress go on. */
  private volatile boolean draining;
  /** BYEs drgw sent itself that have no final answer yet. */
  private final AtomicInteger byesUnanswered = new AtomicInteger();

  /**
   * {@code noAnswer}: how long an INVITE may go without any answer (not even 100) before the
   * next peer is tried; {@code customHeaderName}: the header that carries a number's value.
   */
  public Calls(Duration noAnswer, String customHeaderName) {
    this(noAnswer, customHeaderName, new CallAdmission(0, System::nanoTime));
  }

  /** As above, taking new calls only as fast as {@code admission} lets them in (503 beyond). */
  public Calls(Duration noAnswer, String customHeaderName, CallAdmission admission) {
    this.admission = admission;
    // No rate limit means no admission control at all; otherwise half a second's worth of calls.
    this.maxAwaitingFirstAnswer = admission.callsPerSecond() == 0 ? Integer.MAX_VALUE
        : Math.max(50, admission.callsPerSecond() / 2);
    this.noAnswer = noAnswer;
    this.customHeaderName = customHeaderName;
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "drgw-sip-calls");
      t.setDaemon(true);
      return t;
    });
  }

  void attach(SipEdge side) {
    if (side instanceof OperatorSide o) {
      operator = o;
    } else if (side instanceof TeamsSide t) {
      teams = t;
    }
  }

  /** Calls in progress toward Teams (from the operator network). */
  public int activeToTeams() {
    return toTeams.get();
  }

  /** Calls in progress from Teams (toward the operator network). */
  public int activeFromTeams() {
    return fromTeams.get();
  }

  /** Calls in progress, both directions. */
  public int active() {
    return toTeams.get() + fromTeams.get();
  }

  /**
   * From now on both sides refuse new calls and OPTIONS with 503 and Retry-After, so that peers
   * fail over to another node; requests within the calls in progress are still carried.
   */
  public void drain() {
    draining = true;
  }

  boolean draining() {
    return draining;
  }

  /**
   * Ends every call still in progress: an answered call gets BYE on both legs (with a Reason
   * saying why), one still being set up gets 503 toward the caller and CANCEL toward the callee.
   * Returns how many calls were ended.
   */
  public int endAll() {
    int ended = 0;
    for (Call call : List.copyOf(live)) {
      synchronized (call) {
        if (call.ended) {
          continue;
        }
        try {
          if (call.answered) {
            Header reason = call.caller.edge.headers.createReasonHeader("SIP", Response.SERVICE_UNAVAILABLE,
                "drgw node shutting down");
            bye(call.caller, reason);
            bye(call.callee, reason);
          } else {
            call.cancelled = true;
            if (call.inviteTransaction.getState() != TransactionState.TERMINATED) {
              Response r = call.caller.edge.withReason(Response.SERVICE_UNAVAILABLE, "Service Unavailable",
                  call.invite);
              r.addHeader(call.caller.edge.headers.createRetryAfterHeader(RETRY_AFTER_DRAINING));
              tagged(call, r);
              call.caller.edge.respond(call.inviteTransaction, r);
            }
            if (call.calleeResponded) {
              sendCancel(call);
            }
          }
        } catch (SipException | ParseException | InvalidArgumentException | RuntimeException e) {
          log.info("call {} not ended cleanly: {}", callId(call), e.toString());
        }
        end(call);
        ended++;
      }
    }
    return ended;
  }

  /** BYEs drgw sent itself that have had no final answer yet (a graceful stop waits a little for them). */
  public int byesUnanswered() {
    return byesUnanswered.get();
  }

  /** Retry-After (seconds) on the 503 to new calls and OPTIONS while the node drains. */
  static final int RETRY_AFTER_DRAINING = 30;

  // ---------------------------------------------------------------- a new call

  /** A new call the decision allows: answers 100 and sends the INVITE on to the first peer. */
  void start(SipEdge from, ServerTransaction transaction, Request invite, CallDecision decision)
      throws SipException, ParseException, InvalidArgumentException {
    if (awaitingFirstAnswer.get() >= maxAwaitingFirstAnswer || !admission.admit()) {
      Response busy = from.withReason(Response.SERVICE_UNAVAILABLE, "Over the call rate limit", invite);
      busy.addHeader(from.headers.createRetryAfterHeader(1));
      from.respond(transaction, busy);
      from.meters.callShed();
      return;
    }
    boolean fromOperator = from instanceof OperatorSide;
    SipEdge to = fromOperator ? teams : operator;
    if (to == null) {
      from.respond(transaction, from.withReason(Response.SERVICE_UNAVAILABLE,
          fromOperator ? "Teams side not running" : "Operator side not running", invite));
      return;
    }
    List<String> unsupported = LegRules.unsupported(values(invite, RequireHeader.NAME));
    if (!unsupported.isEmpty()) {
      Response r = from.messages.createResponse(Response.BAD_EXTENSION, invite);
      r.addHeader(from.headers.createUnsupportedHeader(String.join(",", unsupported)));
      from.respond(transaction, r);
      return;
    }
    if (invite.getHeader("Max-Forwards") instanceof javax.sip.header.MaxForwardsHeader mf && mf.getMaxForwards() <= 0) {
      from.respond(transaction, from.messages.createResponse(Response.TOO_MANY_HOPS, invite));
      return;
    }
    FromHeader caller = (FromHeader) invite.getHeader(FromHeader.NAME);
    String callerUri = caller.getAddress().getURI().toString();
    String display = caller.getAddress().getDisplayName();
    Call call;
    if (decision instanceof CallDecision.ToTeams t) {
      call = new Call(from, to, LegRules.Toward.TEAMS, invite, transaction, newTag(), teams.health().inOrderOfHealth(),
          peer -> LegRules.towardTeams(t, callerUri, display, peer, teams.port),
          t.customHeaderValue() == null ? null : customHeaderName, t.customHeaderValue(),
          has(invite, RequireHeader.NAME, "100rel"), has(invite, SupportedHeader.NAME, "100rel"));
      String transport = arrivedOver(transaction, invite);
      call.caller.contact = "<sip:" + hostPort(operator.contactHost) + ":" + operator.portFor(transport)
          + ";transport=" + transport + ">";
    } else if (decision instanceof CallDecision.ToOperator o) {
      String requestUri = invite.getRequestURI().toString();
      call = new Call(from, to, LegRules.Toward.OPERATOR, invite, transaction, newTag(),
          operator.health().inOrderOfHealth(),
          peer -> LegRules.towardOperator(o, requestUri, callerUri, display, peer, operator.contactHost,
              operator.portFor(peer.transport())),
          null, null, has(invite, RequireHeader.NAME, "100rel"), has(invite, SupportedHeader.NAME, "100rel"));
      SipURI target = (SipURI) invite.getRequestURI();
      String user = LegRules.callerUser(requestUri);
      call.caller.contact = "<sip:" + user + "@" + target.getHost() + ":" + teams.port + ";transport=tls>";
    } else {
      throw new IllegalArgumentException("not a call to carry: " + decision);
    }
    call.failReason = call.peers.isEmpty()
        ? (call.toward == LegRules.Toward.TEAMS ? "No Microsoft proxy configured" : "No operator peer configured")
        : (call.toward == LegRules.Toward.TEAMS ? "No Microsoft proxy could be reached" : "No operator peer could be reached");
    synchronized (call) {
      transaction.setApplicationData(call);
      Dialog dialog = from.provider().getNewDialog(transaction);
      dialog.setApplicationData(call);
      call.caller.dialog = dialog;
      from.respond(transaction, from.messages.createResponse(Response.TRYING, invite));
      live.add(call);
      active(call).incrementAndGet();
      tryNext(call);
    }
  }

  /** Sends the INVITE to the next peer; when none is left, answers the caller with the last failure. */
  private void tryNext(Call call) {
    SipEdge side = call.callee.edge;
    boolean again = false;
    while (again || ++call.attempt < call.peers.size()) {
      SipPeer peer = call.peer();
      LegRules.LegPlan plan = call.plan.apply(peer);
      try {
        Request out = side.newInvite(plan, call.invite);
        ClientTransaction transaction = side.provider().getNewClientTransaction(out);
        transaction.setApplicationData(call);
        Dialog dialog = side.provider().getNewDialog(transaction);
        dialog.setApplicationData(call);
        call.callee.dialog = dialog;
        call.callee.contact = plan.contact();
        call.calleeInvite = transaction;
        call.calleeResponded = false;
        transaction.sendRequest();
        call.awaitingFirstAnswer = true;
        awaitingFirstAnswer.incrementAndGet();
        call.noAnswer = timers.schedule(() -> noAnswer(call, transaction), noAnswer.toMillis(), TimeUnit.MILLISECONDS);
        log.debug("call {} sent to {}", callId(call), peer.name());
        return;
      } catch (SipException | ParseException | InvalidArgumentException | RuntimeException e) {
        log.info("INVITE to {} not sent: {}", peer.name(), e.getMessage());
        if (call.callee.dialog != null) {
          call.callee.dialog.delete();
          call.callee.dialog = null;
        }
        // A kept connection the peer had closed fails at once: drop it, and a second try opens
        // a new one. Only then is the peer given up.
        again = !again && e instanceof SipException;
        if (again) {
          side.forgetConnection(peer);
        }
      }
    }
    fail(call);
  }

  private void noAnswer(Call call, ClientTransaction transaction) {
    synchronized (call) {
      if (transaction != call.calleeInvite || call.calleeResponded || call.ended && !call.cancelled) {
        return;
      }
      drop(call, transaction, "no answer from " + call.peer().name());
    }
  }

  /**
   * The current attempt got no answer in time: try the next peer (or stop). The attempt's
   * transaction is left to the stack rather than terminated: an answer that comes late still
   * finds it (a provisional one gets a CANCEL, a 2xx an ACK and a BYE), where a terminated one
   * would make the stack search all its transactions for every late answer, which under
   * overload turned a backlog into a collapse.
   */
  private void drop(Call call, ClientTransaction transaction, String why) {
    log.info("call {}: {}", callId(call), why);
    call.calleeInvite = null;
    firstAnswer(call);
    if (call.cancelled) {
      end(call);
      return;
    }
    call.lastFailure = null;
    call.failStatus = Response.REQUEST_TIMEOUT;
    call.failReason = "No answer from " + (call.toward == LegRules.Toward.TEAMS ? "Microsoft" : "the operator network");
    if (LegRules.failsOver(call.toward, Response.REQUEST_TIMEOUT, false, call.provisionalRelayed)) {
      tryNext(call);
    } else {
      fail(call);
    }
  }

  /** Answers the caller with the last failure (or no peer reachable) and ends the call. */
  private void fail(Call call) {
    try {
      Response r = call.lastFailure != null
          ? relayed(call.caller, call.lastFailure.getStatusCode(), call.lastFailure, call.invite, null)
          : call.caller.edge.withReason(call.failStatus, call.failReason, call.invite);
      tagged(call, r);
      call.caller.edge.respond(call.inviteTransaction, r);
      call.caller.edge.meters.callFailed(r.getStatusCode());
    } catch (SipException | ParseException | InvalidArgumentException e) {
      log.info("cannot answer the caller: {}", e.toString());
    }
    end(call);
  }

  // ---------------------------------------------------------------- answers from the callee

  /** An answer on a transaction of a call; false when it is not one (OPTIONS polls). */
  boolean response(ResponseEvent event) {
    ClientTransaction transaction = event.getClientTransaction();
    Response response = event.getResponse();
    Object data = transaction != null ? transaction.getApplicationData()
        : event.getDialog() != null ? event.getDialog().getApplicationData() : null;
    if (data instanceof Call call) {
      synchronized (call) {
        if (transaction == null) {
          retransmitted(call, event.getDialog(), response);
        } else {
          inviteResponse(call, transaction, response);
        }
      }
      return true;
    }
    if (data instanceof Relay relay) {
      synchronized (relay.call()) {
        relayResponse(relay, transaction, response);
      }
      return true;
    }
    if (data == Sent.BYE && response.getStatusCode() >= 200) {
      byesUnanswered.decrementAndGet();
    }
    return data instanceof Sent;
  }

  private void inviteResponse(Call call, ClientTransaction transaction, Response response) {
    int status = response.getStatusCode();
    if (transaction != call.calleeInvite) { // an attempt given up (no answer in time)
      if (status >= 200 && status < 300) {
        byeLate(transaction.getDialog(), response, transaction.getRequest());
      } else if (status < 200 && call.cancelledAttempts.add(transaction)) {
        cancelAttempt(call.callee.edge, transaction);
      }
      return;
    }
    call.calleeResponded = true;
    firstAnswer(call);
    if (call.noAnswer != null) {
      call.noAnswer.cancel(false);
    }
    try {
      if (status < 200) {
        if (call.cancelled) {
          sendCancel(call);
          return;
        }
        if (status == Response.TRYING) {
          return;
        }
        if (reliable(response)) {
          prack(call.callee, response);
        }
        relayProvisional(call, response);
        return;
      }
      if (status < 300) {
        if (call.cancelled || call.ended) {
          byeLate(call.callee.dialog, response, transaction.getRequest());
          end(call);
          return;
        }
        call.answered = true;
        call.callee.pendingAck = cseq(transaction.getRequest());
        Response r = relayed(call.caller, status, response, call.invite, call.caller.contact);
        withAnswerHeader(call, r);
        tagged(call, r);
        call.caller.edge.respond(call.inviteTransaction, r);
        call.caller.edge.meters.callAnswered();
        return;
      }
      if (call.cancelled || call.ended) {
        end(call);
        return;
      }
      call.lastFailure = response;
      if (call.callee.dialog != null) {
        call.callee.dialog.delete();
      }
      if (LegRules.failsOver(call.toward, status, response.getHeader("Retry-After") != null, call.provisionalRelayed)) {
        log.info("call {}: {} {} from {}, trying the next peer", callId(call), status,
            response.getReasonPhrase(), call.peer().name());
        tryNext(call);
      } else {
        fail(call);
      }
    } catch (SipException | ParseException | InvalidArgumentException e) {
      log.info("call {}: cannot pass on {}: {}", callId(call), status, e.toString());
    }
  }

  private void relayProvisional(Call call, Response response)
      throws SipException, ParseException, InvalidArgumentException {
    int status = response.getStatusCode();
    boolean reliably = call.callerRequires100rel || (call.callerSupports100rel && reliable(response));
    Response r = null;
    if (reliably) {
      try {
        r = call.caller.dialog.createReliableProvisionalResponse(status);
        copy(response, r, LegRules.RESPONSE_HEADERS);
        r.setReasonPhrase(response.getReasonPhrase());
        body(response, r);
        r.setHeader(call.caller.edge.headers.createHeader("Contact", call.caller.contact));
        withAnswerHeader(call, r);
        call.caller.edge.decorate(r);
        call.caller.dialog.sendReliableProvisionalResponse(r);
        call.caller.edge.meters.responseSent(status);
        call.provisionalRelayed = true;
        return;
      } catch (SipException e) {
        if (call.callerRequires100rel) {
          log.debug("reliable {} not sent (one is still unacknowledged): {}", status, e.getMessage());
          return;
        }
        r = null; // the caller only supports 100rel: send it unreliably
      }
    }
    r = relayed(call.caller, status, response, call.invite, call.caller.contact);
    withAnswerHeader(call, r);
    tagged(call, r);
    call.caller.edge.respond(call.inviteTransaction, r);
    call.provisionalRelayed = true;
  }

  /** A 2xx to an INVITE sent again by the callee: send the ACK again if it went already. */
  private void retransmitted(Call call, Dialog dialog, Response response) {
    Call.Leg leg = call.leg(dialog);
    if (leg != null && leg.lastAck != null && response.getStatusCode() / 100 == 2) {
      try {
        leg.dialog.sendAck(leg.lastAck);
      } catch (SipException e) {
        log.debug("ACK not sent again: {}", e.toString());
      }
    }
  }

  private void relayResponse(Relay relay, ClientTransaction transaction, Response response) {
    int status = response.getStatusCode();
    if (status == Response.TRYING) {
      return;
    }
    String method = transaction.getRequest().getMethod();
    try {
      if (status < 200 && reliable(response)) {
        prack(relay.to(), response);
      }
      boolean refresh = status < 300 && (Request.INVITE.equals(method) || Request.UPDATE.equals(method));
      Response r = relayed(relay.from(), status, response, relay.transaction().getRequest(),
          refresh ? relay.from().contact : null);
      if (status >= 200 && status < 300 && Request.INVITE.equals(method)) {
        relay.to().pendingAck = cseq(transaction.getRequest());
      }
      if (relay.transaction().getState() != TransactionState.TERMINATED) {
        relay.from().edge.respond(relay.transaction(), r);
      }
    } catch (SipException | ParseException | InvalidArgumentException e) {
      log.info("cannot pass on {} to {}: {}", status, method, e.toString());
    }
  }

  /** A client transaction timed out; false when it is not one of a call. */
  boolean timeout(ClientTransaction transaction) {
    Object data = transaction.getApplicationData();
    if (data instanceof Call call) {
      synchronized (call) {
        if (transaction == call.calleeInvite && !call.answered) {
          drop(call, transaction, "INVITE to " + call.peer().name() + " timed out");
        }
        call.cancelledAttempts.remove(transaction);
      }
      return true;
    }
    if (data instanceof Relay relay) {
      synchronized (relay.call()) {
        try {
          if (relay.transaction().getState() != TransactionState.TERMINATED) {
            relay.from().edge.respond(relay.transaction(), relay.from().edge.withReason(Response.REQUEST_TIMEOUT,
                "No answer from the other side", relay.transaction().getRequest()));
          }
        } catch (SipException | ParseException | InvalidArgumentException e) {
          log.debug("408 not sent: {}", e.toString());
        }
      }
      return true;
    }
    if (data == Sent.BYE) {
      byesUnanswered.decrementAndGet();
    }
    return data instanceof Sent;
  }

  // ---------------------------------------------------------------- requests from either leg

  /** The ACK of a 2xx drgw passed on: the other leg gets its ACK now, with the same body. */
  void ack(Call call, Dialog dialog, Request ack, ServerTransaction ackTransaction) {
    synchronized (call) {
      Call.Leg from = call.leg(dialog);
      if (from == null) {
        return;
      }
      acknowledged(dialog, ackTransaction);
      Call.Leg to = call.other(from);
      if (to.pendingAck < 0 || to.dialog == null) {
        return;
      }
      try {
        Request out = to.dialog.createAck(to.pendingAck);
        body(ack, out);
        to.edge.decorate(out);
        to.dialog.sendAck(out);
        to.lastAck = out;
        to.pendingAck = -1;
        List<Runnable> waiting = List.copyOf(call.afterAck);
        call.afterAck.clear();
        waiting.forEach(Runnable::run);
      } catch (SipException | InvalidArgumentException | ParseException e) {
        log.info("ACK not passed on: {}", e.toString());
      }
    }
  }

  /**
   * A CANCEL: 200 for it, 487 for the INVITE, and a CANCEL to the callee once it has answered
   * anything. False when no call matches (the side answers 481).
   */
  boolean cancel(SipEdge side, ServerTransaction transaction, Request cancel)
      throws SipException, ParseException, InvalidArgumentException {
    ServerTransaction invite = transaction instanceof ServerTransactionExt ext ? ext.getCanceledInviteTransaction() : null;
    if (invite == null || !(invite.getApplicationData() instanceof Call call)) {
      return false;
    }
    side.respond(transaction, side.messages.createResponse(Response.OK, cancel));
    synchronized (call) {
      if (call.answered || call.ended || call.cancelled) {
        return true;
      }
      call.cancelled = true;
      call.cancelReason = cancel.getHeader("Reason");
      Response terminated = side.messages.createResponse(Response.REQUEST_TERMINATED, call.invite);
      tagged(call, terminated);
      side.respond(call.inviteTransaction, terminated);
      if (call.calleeResponded) {
        sendCancel(call);
      }
      end(call);
    }
    return true;
  }

  /** A request within the dialog of {@code call} that arrived on {@code dialog}'s leg. */
  void inDialog(SipEdge side, Call call, Dialog dialog, ServerTransaction transaction, Request request)
      throws SipException, ParseException, InvalidArgumentException {
    synchronized (call) {
      Call.Leg from = call.leg(dialog);
      if (from == null) {
        side.respond(transaction, side.messages.createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
        return;
      }
      Call.Leg to = call.other(from);
      switch (request.getMethod()) {
        case Request.BYE -> {
          side.respond(transaction, side.messages.createResponse(Response.OK, request));
          if (to == call.callee && !call.answered) {
            call.cancelled = true;
            if (call.calleeResponded) {
              sendCancel(call);
            }
          } else if (to.pendingAck >= 0) {
            Header reason = request.getHeader("Reason"); // after the ACK that leg is owed (see relay)
            call.afterAck.add(() -> bye(to, reason));
          } else {
            bye(to, request.getHeader("Reason"));
          }
          end(call);
        }
        case Request.PRACK -> side.respond(transaction, side.messages.createResponse(Response.OK, request));
        default -> relay(call, from, to, transaction, request);
      }
    }
  }

  private void relay(Call call, Call.Leg from, Call.Leg to, ServerTransaction transaction, Request request)
      throws SipException, ParseException, InvalidArgumentException {
    String method = request.getMethod();
    if (to.pendingAck >= 0) {
      // The ACK that leg is owed is on its way (a fast caller sends its ACK and its next request
      // back to back, and the stack hands them to different threads): the request waits for it,
      // since a dialog takes no new request before its ACK.
      call.afterAck.add(() -> {
        try {
          relay(call, from, to, transaction, request);
        } catch (SipException | ParseException | InvalidArgumentException e) {
          log.info("{} within call {} not passed on: {}", method, callId(call), e.getMessage());
        }
      });
      return;
    }
    if (to.dialog == null || to.dialog.getState() == DialogState.TERMINATED) {
      from.edge.respond(transaction, from.edge.messages.createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
      return;
    }
    try {
      Request out = to.dialog.createRequest(method);
      copy(request, out, LegRules.IN_DIALOG_HEADERS);
      body(request, out);
      if (Request.INVITE.equals(method) || Request.UPDATE.equals(method)) {
        out.setHeader(to.edge.headers.createHeader("Contact", to.contact));
      }
      to.edge.decorate(out);
      ClientTransaction sent = to.edge.provider().getNewClientTransaction(out);
      sent.setApplicationData(new Relay(call, transaction, from, to));
      to.dialog.sendRequest(sent);
    } catch (SipException e) {
      log.info("{} within call {} not passed on: {}", method, callId(call), e.getMessage());
      int status = Request.INVITE.equals(method) || Request.UPDATE.equals(method) ? Response.REQUEST_PENDING
          : Response.SERVER_INTERNAL_ERROR;
      Response r = from.edge.messages.createResponse(status, request);
      if (status == Response.REQUEST_PENDING) {
        r.addHeader(from.edge.headers.createRetryAfterHeader(1));
      }
      from.edge.respond(transaction, r);
    }
  }

  /** A dialog whose 2xx was never ACKed: both legs get BYE. */
  void dialogTimeout(Dialog dialog) {
    if (!(dialog.getApplicationData() instanceof Call call)) {
      return;
    }
    synchronized (call) {
      log.info("call {}: no ACK, ending it", callId(call));
      bye(call.caller, null);
      bye(call.callee, null);
      end(call);
    }
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Works around a race in the RI: it sends a 2xx and only then starts the timer that resends it
   * until the ACK comes, and starting the timer forgets an ACK already seen. A caller on a fast
   * network ACKs in between, and then gets the 2xx again half a second later. The ACK reaches
   * this listener only after the 2xx was sent (the call's monitor is held while sending it), so
   * telling the dialog about the ACK once more here stops the timer.
   */
  private static void acknowledged(Dialog dialog, ServerTransaction ackTransaction) {
    if (dialog instanceof gov.nist.javax.sip.stack.SIPDialog d && !d.isAckSeen()
        && ackTransaction instanceof gov.nist.javax.sip.stack.SIPServerTransaction t) {
      d.handleAck(t);
    }
  }

  private void sendCancel(Call call) {
    if (call.cancelSent || call.calleeInvite == null) {
      return;
    }
    try {
      Request cancel = call.calleeInvite.createCancel();
      if (call.cancelReason != null) {
        cancel.setHeader((Header) call.cancelReason.clone());
      }
      call.callee.edge.sendOwn(cancel, Sent.CANCEL, null);
      call.cancelSent = true;
    } catch (SipException | ParseException e) {
      log.info("CANCEL not sent: {}", e.toString());
    }
  }

  private void cancelAttempt(SipEdge side, ClientTransaction attempt) {
    try {
      Request cancel = attempt.createCancel();
      side.sendOwn(cancel, Sent.CANCEL, null);
    } catch (SipException | ParseException e) {
      log.debug("CANCEL of an abandoned attempt not sent: {}", e.toString());
    }
  }

  private void bye(Call.Leg leg, Header reason) {
    if (leg.dialog == null || leg.dialog.getState() != DialogState.CONFIRMED) {
      return;
    }
    try {
      Request bye = leg.dialog.createRequest(Request.BYE);
      if (reason != null) {
        bye.setHeader((Header) reason.clone());
      }
      leg.edge.sendOwn(bye, Sent.BYE, leg.dialog);
      byesUnanswered.incrementAndGet();
    } catch (SipException | ParseException e) {
      log.info("BYE not sent: {}", e.toString());
    }
  }

  /** A 2xx for a call nobody wants any more (cancelled, or an attempt given up): ACK and BYE. */
  private void byeLate(Dialog dialog, Response response, Request invite) {
    if (dialog == null) {
      return;
    }
    try {
      Request ack = dialog.createAck(cseq(invite));
      dialog.sendAck(ack);
      Request bye = dialog.createRequest(Request.BYE);
      SipEdge side = dialog.getApplicationData() instanceof Call call ? call.callee.edge : null;
      if (side != null) {
        side.decorate(ack);
        side.sendOwn(bye, Sent.BYE, dialog);
        byesUnanswered.incrementAndGet();
      }
    } catch (SipException | InvalidArgumentException | ParseException e) {
      log.info("late answer {} not ended: {}", response.getStatusCode(), e.toString());
    }
  }

  private void prack(Call.Leg leg, Response reliableProvisional) {
    try {
      Request prack = leg.dialog.createPrack(reliableProvisional);
      leg.edge.sendOwn(prack, Sent.PRACK, leg.dialog);
    } catch (SipException | ParseException e) {
      log.info("PRACK not sent: {}", e.toString());
    }
  }

  /** The current attempt got its first answer, or was given up. */
  private void firstAnswer(Call call) {
    if (call.awaitingFirstAnswer) {
      call.awaitingFirstAnswer = false;
      awaitingFirstAnswer.decrementAndGet();
    }
  }

  private void end(Call call) {
    firstAnswer(call);
    if (call.ended) {
      return;
    }
    call.ended = true;
    if (call.noAnswer != null) {
      call.noAnswer.cancel(false);
    }
    if (live.remove(call)) {
      active(call).decrementAndGet();
    }
  }

  private AtomicInteger active(Call call) {
    return call.toward == LegRules.Toward.TEAMS ? toTeams : fromTeams;
  }

  /** An answer of {@code status} to {@code request} on {@code leg}, built from the other leg's {@code from}. */
  private static Response relayed(Call.Leg leg, int status, Response from, Request request, String contact)
      throws ParseException {
    Response r = leg.edge.messages.createResponse(status, request);
    r.setReasonPhrase(from.getReasonPhrase());
    copy(from, r, LegRules.RESPONSE_HEADERS);
    body(from, r);
    if (contact != null) {
      r.setHeader(leg.edge.headers.createHeader("Contact", contact));
    }
    return r;
  }

  private void withAnswerHeader(Call call, Response r) throws ParseException {
    if (call.answerHeaderName != null) {
      r.setHeader(call.caller.edge.headers.createHeader(call.answerHeaderName, call.answerHeaderValue));
    }
  }

  /** drgw's To tag on every answer but 100 to the caller's INVITE. */
  private static void tagged(Call call, Response r) throws ParseException {
    javax.sip.header.ToHeader to = (javax.sip.header.ToHeader) r.getHeader("To");
    if (to.getTag() == null) {
      to.setTag(call.tag);
    }
  }

  /** Copies the headers {@code allowed} lets cross, in order; Require loses 100rel on answers. */
  private static void copy(Message from, Message to, Set<String> allowed) throws ParseException {
    for (String name : SipEdge.headerNames(from)) {
      if (!LegRules.crosses(allowed, name)) {
        continue;
      }
      to.removeHeader(name);
      for (Header h : SipEdge.headers(from, name)) {
        if (to instanceof Response && RequireHeader.NAME.equalsIgnoreCase(name)) {
          if (!LegRules.requireOnAnswer(((RequireHeader) h).getOptionTag()).isEmpty()) {
            to.addHeader((Header) h.clone());
          }
          continue;
        }
        to.addHeader((Header) h.clone());
      }
    }
  }

  private static void body(Message from, Message to) throws ParseException {
    SipEdge.crossBody(from, to);
  }

  private static boolean reliable(Response response) {
    return has(response, RequireHeader.NAME, "100rel") && response.getHeader("RSeq") != null;
  }

  private static boolean has(Message message, String name, String optionTag) {
    for (String value : values(message, name)) {
      for (String t : value.split(",")) {
        if (t.strip().equalsIgnoreCase(optionTag)) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> values(Message message, String name) {
    List<String> out = new ArrayList<>();
    for (Header h : SipEdge.headers(message, name)) {
      if (h instanceof RequireHeader r) {
        out.add(r.getOptionTag());
      } else if (h instanceof SupportedHeader s) {
        out.add(s.getOptionTag());
      } else {
        String text = h.toString();
        out.add(text.substring(text.indexOf(':') + 1).strip());
      }
    }
    return out;
  }

  private static String callId(Call call) {
    return call.invite.getHeader(javax.sip.header.CallIdHeader.NAME) instanceof javax.sip.header.CallIdHeader id
        ? id.getCallId() : "?";
  }

  private static long cseq(Request request) {
    return ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
  }

  /** The transport a request came over (what the stack saw, not what its Via claims). */
  private static String arrivedOver(ServerTransaction transaction, Request request) {
    String transport = transaction instanceof gov.nist.javax.sip.TransactionExt ext ? ext.getTransport() : null;
    return (transport != null ? transport : viaTransport(request)).toLowerCase(java.util.Locale.ROOT);
  }

  private static String viaTransport(Request request) {
    javax.sip.header.ViaHeader via = (javax.sip.header.ViaHeader) request.getHeader("Via");
    return via == null ? "udp" : via.getTransport().toLowerCase(java.util.Locale.ROOT);
  }

  private static String hostPort(String host) {
    return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String newTag() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
  }

  @Override
  public void close() {
    timers.shutdownNow();
  }
}

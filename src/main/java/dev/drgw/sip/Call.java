package dev.drgw.sip;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * One call drgw carries: the caller's leg (the INVITE that reached drgw) and the callee's leg
 * (the INVITE drgw sent, replaced on failover), each a dialog on its own side's stack. Mutable;
 * every access holds the call's monitor ({@link Calls} does the locking).
 */
final class Call {

  /** One side of the call: the stack it lives on, its dialog, and drgw's Contact on it. */
  static final class Leg {
    final SipEdge edge;
    Dialog dialog;
    String contact;
    /** CSeq of an INVITE this leg answered 2xx to and drgw has not yet ACKed; -1 for none. */
    long pendingAck = -1;
    /** The last ACK drgw sent on this leg, sent again if the 2xx comes again. */
    Request lastAck;

    Leg(SipEdge edge) {
      this.edge = edge;
    }
  }

  final Leg caller;
  final Leg callee;
  final LegRules.Toward toward;
  final Request invite;
  final ServerTransaction inviteTransaction;
  /** drgw's To tag on the caller's leg. */
  final String tag;
  /** The peers to try, in order, and how to build the INVITE for each. */
  final List<SipPeer> peers;
  final Function<SipPeer, LegRules.LegPlan> plan;
  /** A header added to answers toward the caller (the called number's custom header), or null. */
  final String answerHeaderName;
  final String answerHeaderValue;
  final boolean callerRequires100rel;
  final boolean callerSupports100rel;

  int attempt = -1;
  ClientTransaction calleeInvite;
  ScheduledFuture<?> noAnswer;
  boolean calleeResponded;
  /** The current attempt's INVITE is counted among those not answered at all yet. */
  boolean awaitingFirstAnswer;
  boolean provisionalRelayed;
  /** The callee's last final failure, passed back when no peer is left; else failStatus/failReason. */
  Response lastFailure;
  int failStatus = Response.SERVICE_UNAVAILABLE;
  String failReason = "No peer could be reached";
  javax.sip.header.Header cancelReason;
  boolean answered;
  boolean cancelled;
  boolean cancelSent;
  boolean ended;
  /** Requests within the dialog waiting for the ACK drgw owes the leg they go to. */
  final java.util.List<Runnable> afterAck = new java.util.ArrayList<>(1);
  /** Attempts given up for no answer that later answered provisionally and were cancelled. */
  final java.util.Set<ClientTransaction> cancelledAttempts = new java.util.HashSet<>(2);

  Call(SipEdge callerEdge, SipEdge calleeEdge, LegRules.Toward toward, Request invite,
      ServerTransaction inviteTransaction, String tag, List<SipPeer> peers, Function<SipPeer, LegRules.LegPlan> plan,
      String answerHeaderName, String answerHeaderValue, boolean callerRequires100rel, boolean callerSupports100rel) {
    this.caller = new Leg(callerEdge);
    this.callee = new Leg(calleeEdge);
    this.toward = toward;
    this.invite = invite;
    this.inviteTransaction = inviteTransaction;
    this.tag = tag;
    this.peers = peers;
    this.plan = plan;
    this.answerHeaderName = answerHeaderName;
    this.answerHeaderValue = answerHeaderValue;
    this.callerRequires100rel = callerRequires100rel;
    this.callerSupports100rel = callerSupports100rel;
  }

  /** The leg whose dialog is {@code dialog}, or null. */
  Leg leg(Dialog dialog) {
    if (dialog == caller.dialog) {
      return caller;
    }
    return dialog == callee.dialog ? callee : null;
  }

  Leg other(Leg leg) {
    return leg == caller ? callee : caller;
  }

  /** The peer of the current attempt. */
  SipPeer peer() {
    return peers.get(attempt);
  }
}

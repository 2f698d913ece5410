package dev.drgw.sip;

import java.util.Map;

/**
 * What to do with a new call (an initial INVITE): reject it with a status and a reason phrase
 * that says why, or send it on. The SIP edge turns this into messages; nothing here knows SIP
 * stack types.
 */
public sealed interface CallDecision {

  /** Why a call was refused; also the label of the screening metrics. */
  enum Cause {
    NOT_OUR_DOMAIN,
    UNKNOWN_SUBDOMAIN,
    ACCOUNT_DIRECT_ROUTING_OFF,
    CALLING_NUMBER_INVALID,
    CALLING_NUMBER_UNKNOWN,
    CALLING_NUMBER_OTHER_ACCOUNT,
    CALLING_NUMBER_DIRECT_ROUTING_OFF,
    CALLED_NUMBER_INVALID,
    CALLED_NUMBER_UNKNOWN,
    CALLED_NUMBER_DIRECT_ROUTING_OFF,
  }

  /** Refuse the call with {@code status} and {@code reason} as the reason phrase. */
  record Reject(int status, String reason, Cause cause) implements CallDecision {}

  /**
   * A call from Teams allowed toward the operator network, with the headers to add. The calling
   * number is empty when screening is off and the caller's identity held no E.164 number.
   */
  record ToOperator(String account, String callingNumber, Map<String, String> addHeaders)
      implements CallDecision {}

  /**
   * A call from the operator network toward Teams: the called number in E.164, the customer
   * subdomain of this node's region to put in Contact (and Record-Route), and the called
   * number's custom header value (may be null).
   */
  record ToTeams(String account, String calledNumber, String customerSubdomain, String customHeaderValue)
      implements CallDecision {}
}

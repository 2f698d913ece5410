package dev.drgw.sip;

import dev.drgw.account.AccountRules;
import dev.drgw.account.DeploymentNames;
import dev.drgw.sip.CallDecision.Cause;
import dev.drgw.sip.CallDecision.Reject;
import dev.drgw.snapshot.AccountView;
import dev.drgw.snapshot.NumberView;
import dev.drgw.snapshot.RoutingSnapshot;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The call decisions of {@code sip.md}, as pure functions of the request's identities and the
 * routing snapshot: which customer a call from Teams belongs to, whether its caller passes
 * screening, which headers to add, and whether a call from the operator network may go to
 * Teams and with which customer subdomain.
 */
public final class CallRouting {

  /** Headers drgw adds toward the operator network; names from configuration. */
  public record Headers(String customHeaderName, Optional<String> tenantHeaderName) {}

  private final DeploymentNames names;
  private final int region;
  private final Headers headers;

  /** {@code region} is this node's region: its customer subdomains go to Teams. */
  public CallRouting(DeploymentNames names, int region, Headers headers) {
    if (!names.regionNumbers().contains(region)) {
      throw new IllegalArgumentException("region " + region + " is not one of " + names.regionNumbers());
    }
    this.names = names;
    this.region = region;
    this.headers = headers;
  }

  /**
   * An INVITE from Teams: {@code requestUriHost} names the customer subdomain,
   * {@code assertedIdentity} is the P-Asserted-Identity URI (null when absent) and
   * {@code fromUri} the From URI.
   */
  public CallDecision fromTeams(RoutingSnapshot snapshot, String requestUriHost, String assertedIdentity, String fromUri) {
    Optional<String> label = customerLabel(requestUriHost);
    if (label.isEmpty()) {
      return new Reject(404, "Not a customer subdomain of this gateway", Cause.NOT_OUR_DOMAIN);
    }
    Optional<AccountView> found = snapshot.accountByLabel(AccountRules.subdomainKey(label.get()));
    if (found.isEmpty()) {
      return new Reject(404, "Unknown customer subdomain", Cause.UNKNOWN_SUBDOMAIN);
    }
    AccountView account = found.get();
    if (!account.publishesSubdomains()) {
      return new Reject(403, "Direct Routing is disabled for this customer", Cause.ACCOUNT_DIRECT_ROUTING_OFF);
    }
    Optional<String> calling = CallerNumber.fromUri(assertedIdentity != null ? assertedIdentity : fromUri);
    Optional<NumberView> number = calling.flatMap(snapshot::number);
    boolean ours = number.isPresent() && number.get().accountName().equals(account.name());
    if (account.configuration().callScreening()) {
      if (calling.isEmpty()) {
        return new Reject(403, "Calling number is not an E.164 number", Cause.CALLING_NUMBER_INVALID);
      }
      if (number.isEmpty()) {
        return new Reject(403, "Calling number is not provisioned", Cause.CALLING_NUMBER_UNKNOWN);
      }
      if (!ours) {
        return new Reject(403, "Calling number belongs to another customer", Cause.CALLING_NUMBER_OTHER_ACCOUNT);
      }
      if (!number.get().directRoutingEnabled()) {
        return new Reject(403, "Direct Routing is disabled for the calling number",
            Cause.CALLING_NUMBER_DIRECT_ROUTING_OFF);
      }
    }
    Map<String, String> add = new LinkedHashMap<>();
    // Another customer's header value never leaks, even with screening off.
    if (ours && number.get().customSipHeader() != null) {
      add.put(headers.customHeaderName(), number.get().customSipHeader());
    }
    if (headers.tenantHeaderName().isPresent() && account.teamsTenantId() != null) {
      add.put(headers.tenantHeaderName().get(), account.teamsTenantId());
    }
    return new CallDecision.ToOperator(account.name(), calling.orElse(null), Map.copyOf(add));
  }

  /** An INVITE from the operator network to {@code requestUri} (the called number). */
  public CallDecision fromOperator(RoutingSnapshot snapshot, String requestUri) {
    Optional<String> called = CallerNumber.fromUri(requestUri);
    if (called.isEmpty()) {
      return new Reject(404, "Called number is not an E.164 number", Cause.CALLED_NUMBER_INVALID);
    }
    Optional<NumberView> number = snapshot.number(called.get());
    if (number.isEmpty()) {
      return new Reject(404, "Called number is not provisioned", Cause.CALLED_NUMBER_UNKNOWN);
    }
    if (!number.get().directRoutingEnabled()) {
      return new Reject(404, "Direct Routing is disabled for the called number", Cause.CALLED_NUMBER_DIRECT_ROUTING_OFF);
    }
    Optional<AccountView> account = snapshot.account(number.get().accountName());
    if (account.isEmpty() || !account.get().publishesSubdomains()) {
      return new Reject(404, "Direct Routing is disabled for the called customer", Cause.CALLED_NUMBER_DIRECT_ROUTING_OFF);
    }
    return new CallDecision.ToTeams(account.get().name(), called.get(),
        names.customerSubdomain(account.get().configuration().subdomain().toLowerCase(Locale.ROOT), region),
        number.get().customSipHeader());
  }

  /** The label of {@code host} when it is {@code <label>.<region domain>} of this deployment. */
  Optional<String> customerLabel(String host) {
    if (host == null) {
      return Optional.empty();
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    for (int r : names.regionNumbers()) {
      String suffix = "." + names.regionDomain(r);
      if (h.endsWith(suffix)) {
        String label = h.substring(0, h.length() - suffix.length());
        return label.isEmpty() || label.contains(".") ? Optional.empty() : Optional.of(label);
      }
    }
    return Optional.empty();
  }
}

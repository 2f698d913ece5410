package dev.drgw.account;

/**
 * A customer (enterprise) of the operator. {@code otherServices} holds the details of services
 * other than Direct Routing (Operator Connect, ...) as opaque text: drgw stores and returns them
 * but gives them no meaning. Nullable fields: correlationId, teamsTenantId, otherServices.
 */
public record Account(
    String name,
    String correlationId,
    String teamsTenantId,
    DirectRouting directRouting,
    String otherServices) {

  public Account {
    if (directRouting == null) {
      directRouting = DirectRouting.OFF;
    }
  }

  /** True when calls and DNS should be served for this account. */
  public boolean directRoutingEnabled() {
    return directRouting.enabled();
  }
}

package dev.drgw.number;

/**
 * A telephone number provisioned under an account. {@code customSipHeader} (nullable) is added to
 * calls from this number toward the operator network; {@code otherServices} (nullable) holds the
 * details of other services as opaque text, stored and returned unchanged.
 */
public record NumberEntry(
    String telephoneNumber,
    String accountName,
    boolean directRoutingEnabled,
    String customSipHeader,
    String otherServices) {}

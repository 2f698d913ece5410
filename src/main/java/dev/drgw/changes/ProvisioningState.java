package dev.drgw.changes;

/**
 * What the serving components report about an account or number: whether its customer subdomains
 * are served ({@code subdomainStatus}) and whether its latest change is in service
 * ({@code serviceProvisioningStatus}).
 */
public record ProvisioningState(SubdomainStatus subdomainStatus, ServiceStatus serviceStatus) {

  public enum SubdomainStatus {
    PROVISIONED("provisioned"),
    NOT_PROVISIONED("notProvisioned"),
    INCONSISTENT("inconsistent");

    private final String wire;

    SubdomainStatus(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }

  public enum ServiceStatus {
    PENDING("pending"),
    SYNCED("synced"),
    FAILED("failed");

    private final String wire;

    ServiceStatus(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }
  }
}

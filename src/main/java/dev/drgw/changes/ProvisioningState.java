package dev.drgw.changes;

import java.util.List;

/**
 * What the serving components report about an account or number: whether its customer subdomains
 * are served ({@code subdomainStatus}) and whether its latest change is in service
 * ({@code serviceProvisioningStatus}).
 */
public record ProvisioningState(
    SubdomainStatus subdomainStatus, ServiceStatus serviceStatus, List<RegionProvisioning> regions) {

  public ProvisioningState {
    regions = List.copyOf(regions);
  }

  /** A state with no per-region detail. */
  public ProvisioningState(SubdomainStatus subdomainStatus, ServiceStatus serviceStatus) {
    this(subdomainStatus, serviceStatus, List.of());
  }

  /**
   * The same status as seen in one region (the API's {@code regionStatus} extension): its live
   * nodes and the lowest change-log sequence they have all applied (-1 with no live node).
   */
  public record RegionProvisioning(
      int region, SubdomainStatus subdomainStatus, ServiceStatus serviceStatus, int liveNodes, long appliedSeq) {}

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

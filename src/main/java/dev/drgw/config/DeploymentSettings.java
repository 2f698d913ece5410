package dev.drgw.config;

import java.util.Objects;

/**
 * The DNS layout: region {@code n} has the domain {@code regionDomainFormat} with {@code %d}
 * replaced by {@code n}, followed by {@code .baseDomain}. Names are lower case, without a trailing
 * dot.
 */
public record DeploymentSettings(String baseDomain, int regions, String regionDomainFormat) {

  public DeploymentSettings {
    Objects.requireNonNull(baseDomain, "baseDomain");
    Objects.requireNonNull(regionDomainFormat, "regionDomainFormat");
  }

  /** The domain of one region, e.g. {@code 1r2.gw.example.net}. */
  public String regionDomain(int region) {
    if (region < 1 || region > regions) {
      throw new IllegalArgumentException("region must be from 1 to " + regions + ", got " + region);
    }
    return RegionFormat.label(regionDomainFormat, region) + "." + baseDomain;
  }
}

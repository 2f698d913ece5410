package dev.drgw.account;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The DNS names of a deployment: the base domain, the region domains ({@code 1r1.<base>}) and the
 * customer subdomains ({@code contoso.1r1.<base>}) derived from an account's label.
 */
public record DeploymentNames(String baseDomain, int regions, String regionDomainFormat) {

  /** Microsoft Entra ID rejects longer domain names. */
  public static final int MAX_SUBDOMAIN_LENGTH = 48;

  public DeploymentNames {
    if (regions < 1 || regions > 2) {
      throw new IllegalArgumentException("regions must be 1 or 2");
    }
  }

  public List<Integer> regionNumbers() {
    return IntStream.rangeClosed(1, regions).boxed().toList();
  }

  public String regionDomain(int region) {
    return String.format(Locale.ROOT, regionDomainFormat, region) + "." + baseDomain;
  }

  public String customerSubdomain(String label, int region) {
    return label + "." + regionDomain(region);
  }
}

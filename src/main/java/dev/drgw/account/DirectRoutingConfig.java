package dev.drgw.account;

/**
 * Direct Routing settings of an account: call screening, the DNS label of its customer
 * subdomains, and one TXT verification token per region ({@code region2Token} may be null in a
 * one-region deployment).
 */
public record DirectRoutingConfig(
    boolean callScreening, String subdomain, String region1Token, String region2Token) {

  /** The token for a region (1 or 2), or null. */
  public String token(int region) {
    return region == 1 ? region1Token : region == 2 ? region2Token : null;
  }
}

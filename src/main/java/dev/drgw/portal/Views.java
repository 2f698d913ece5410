package dev.drgw.portal;

import java.util.List;
import java.util.Map;

/**
 * What each portal page shows: one record per template (templates/portal/NAME.jte takes
 * {@code @param dev.drgw.portal.Views.NAME page}). Strings are raw; the templates escape them.
 */
public final class Views {

  private Views() {}

  /** Every page's frame: title, who is signed in, what they may do, the CSRF token, a notice. */
  public record Layout(
      String title, String user, String role, String csrf, boolean canWrite, boolean canDelete, String notice) {}

  /** {@code next}: the portal page to go to after sign-in, empty for the accounts list. */
  public record Login(String title, String csrf, String username, String error, boolean oidc, String next) {}

  /**
   * After an OpenID Connect sign-in, a page that moves on to {@code next} by itself: a browser
   * sends the SameSite=Strict session cookie on this page's refresh, but not on a redirect in
   * the navigation the provider's site started.
   */
  public record SignedIn(String user, String next) {}

  public record AccountRow(
      String name, String subdomain, boolean directRouting, long numberCount, String subdomainStatus) {}

  /** {@code next}: the link to the next page, null on the last one. */
  public record Accounts(Layout layout, String query, List<AccountRow> rows, String next, boolean firstPage) {}

  /**
   * The create / edit account form; {@code errors} maps a field name (as in the form) to a message.
   * {@code regionDomains}: the region domains ({@code 1r1.<base>}, ...), for the live preview.
   */
  public record AccountForm(
      Layout layout,
      boolean creating,
      String name,
      String correlationId,
      String tenantId,
      boolean directRouting,
      boolean callScreening,
      String subdomain,
      String token1,
      String token2,
      int regions,
      List<String> regionDomains,
      int maxSubdomainLength,
      String etag,
      Map<String, String> errors,
      String error) {}

  /**
   * One region of an account: its customer subdomain, token, the state served there and its live
   * nodes (-1: no node of the region has ever reported).
   */
  public record Region(int number, String subdomain, String token, String state, int liveNodes) {}

  public record Account(
      Layout layout,
      String name,
      String correlationId,
      String tenantId,
      boolean directRouting,
      boolean callScreening,
      String subdomain,
      long numberCount,
      String subdomainStatus,
      String provisioningStatus,
      List<Region> regions,
      SetupGuide guide) {}

  public record AccountDelete(Layout layout, String name, long numberCount, String error) {}

  public record NumberRow(String telephoneNumber, boolean directRouting, String customSipHeader, String status) {}

  public record Numbers(
      Layout layout, String account, String query, List<NumberRow> rows, String next, boolean firstPage) {}

  /** The create-numbers form: what was typed, and one message per wrong line. */
  public record NumbersNew(
      Layout layout, String account, String numbers, boolean directRouting, String customSipHeader,
      List<String> errors) {}

  public record NumbersUpload(Layout layout, String account, String error) {}

  public record UploadReport(
      Layout layout, String account, int rows, int applied, List<CsvImport.RowError> errors) {}

  public record NumberEdit(
      Layout layout, String account, String telephoneNumber, boolean directRouting, String customSipHeader,
      String status, String etag, Map<String, String> errors, String error) {}

  public record NumbersDelete(Layout layout, String account, List<String> numbers, String error) {}

  /** One audit entry: {@code before} and {@code after} are JSON text, null when absent. */
  public record AuditRow(
      String at, String when, String actor, String source, String kind, String entity, String entityLink,
      String account, String action, String before, String after) {}

  /** The audit trail, of one account when {@code account} is not empty. */
  public record Audit(
      Layout layout, String account, String accountError, List<AuditRow> rows, String next, boolean firstPage) {}

  public record Error(Layout layout, int status, String message) {}
}

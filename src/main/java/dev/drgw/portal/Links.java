package dev.drgw.portal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The portal's URLs, with path segments and query values encoded; the templates import these. */
public final class Links {

  private Links() {}

  public static String accounts() {
    return "/portal/accounts";
  }

  public static String account(String name) {
    return "/portal/accounts/" + enc(name);
  }

  public static String numbers(String account) {
    return account(account) + "/numbers";
  }

  public static String number(String account, String telephoneNumber) {
    return numbers(account) + "/" + enc(telephoneNumber);
  }

  /** The audit trail, of one account unless {@code account} is empty. */
  public static String audit(String account) {
    return account.isEmpty() ? "/portal/audit" : "/portal/audit?account=" + enc(account);
  }

  /** The page of the audit trail after {@code after}. */
  public static String audit(String account, String after) {
    return "/portal/audit?account=" + enc(account) + "&after=" + enc(after);
  }

  /** The first page of a list, searched for {@code query}. */
  public static String search(String path, String query) {
    return query.isEmpty() ? path : path + "?q=" + enc(query);
  }

  /** The page of a list after {@code after}. */
  public static String search(String path, String query, String after) {
    return path + "?q=" + enc(query) + "&after=" + enc(after);
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}

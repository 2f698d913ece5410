package dev.drgw.metrics;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (every dependency needed to
 * serve is up), plus {@code /metrics} in Prometheus text format. No authentication: these are
 * meant for load balancers and scrapers on the operator's network.
 */
public final class HealthRoutes {

  public static final String ROUTE_ATTRIBUTE = "drgw.route";

  private final Map<String, BooleanSupplier> readinessChecks;
  private final Map<String, BooleanSupplier> details;
  private final java.util.function.Supplier<Map<String, Map<String, String>>> peers;
  private final Metrics metrics;
  private final BooleanSupplier draining;

  /**
   * @param readinessChecks name → check, e.g. {@code snapshot} → is it within the allowed lag
   * @param details name → check shown as "up"/"down" without failing readiness (the database:
   *     DNS and SIP serve from the snapshot while it is down)
   * @param peers SIP peer states by side, shown as detail (a peer being down does not make
   *     this node unready: the others may still be up)
   * @param draining true during a graceful stop: /health/ready then answers 503 {@code draining}
   */
  public HealthRoutes(Map<String, BooleanSupplier> readinessChecks, Map<String, BooleanSupplier> details,
      java.util.function.Supplier<Map<String, Map<String, String>>> peers, Metrics metrics, BooleanSupplier draining) {
    this.readinessChecks = new LinkedHashMap<>(readinessChecks);
    this.details = new LinkedHashMap<>(details);
    this.peers = peers;
    this.metrics = metrics;
    this.draining = draining;
  }

  public void register(RoutesConfig routes) {
    routes.get("/health/live", this::live);
    routes.get("/health/ready", this::ready);
    routes.get("/metrics", this::scrape);
  }

  private void live(Context ctx) {
    ctx.attribute(ROUTE_ATTRIBUTE, "/health/live");
    ctx.contentType("application/json").result("{\"status\":\"up\"}");
  }

  private void ready(Context ctx) {
    ctx.attribute(ROUTE_ATTRIBUTE, "/health/ready");
    if (draining.getAsBoolean()) {
      ctx.status(503).contentType("application/json").result("{\"status\":\"draining\"}");
      return;
    }
    Map<String, String> checks = new LinkedHashMap<>();
    boolean ready = evaluate(readinessChecks, checks);
    evaluate(details, checks);
    StringBuilder body = new StringBuilder("{\"status\":\"").append(ready ? "ready" : "not ready");
    body.append("\",\"checks\":{");
    checks.forEach((k, v) -> body.append('"').append(k).append("\":\"").append(v).append("\","));
    if (!checks.isEmpty()) {
      body.setLength(body.length() - 1);
    }
    body.append('}');
    Map<String, Map<String, String>> sip = peers.get();
    if (!sip.isEmpty()) {
      body.append(",\"sipPeers\":{");
      sip.forEach((side, states) -> {
        body.append('"').append(side).append("\":{");
        states.forEach((peer, state) -> body.append('"').append(peer).append("\":\"").append(state).append("\","));
        if (!states.isEmpty()) {
          body.setLength(body.length() - 1);
        }
        body.append("},");
      });
      body.setLength(body.length() - 1);
      body.append('}');
    }
    body.append('}');
    ctx.status(ready ? 200 : 503).contentType("application/json").result(body.toString());
  }

  /** Runs each check (a failing one counts as down) into {@code into}; true when all are up. */
  private static boolean evaluate(Map<String, BooleanSupplier> checks, Map<String, String> into) {
    boolean all = true;
    for (Map.Entry<String, BooleanSupplier> check : checks.entrySet()) {
      boolean up;
      try {
        up = check.getValue().getAsBoolean();
      } catch (RuntimeException e) {
        up = false;
      }
      into.put(check.getKey(), up ? "up" : "down");
      all &= up;
    }
    return all;
  }

  private void scrape(Context ctx) {
    ctx.attribute(ROUTE_ATTRIBUTE, "/metrics");
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
  }
}

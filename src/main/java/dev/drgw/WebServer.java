package dev.drgw;

import dev.drgw.api.ApiRoutes;
import dev.drgw.metrics.HealthRoutes;
import dev.drgw.metrics.HttpMetrics;
import dev.drgw.portal.PortalRoutes;
import io.javalin.config.SizeUnit;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import org.eclipse.jetty.server.handler.GracefulHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP server: Provisioning API, Number Management Portal, health, metrics and the OpenAPI
 * document. Its route table
 * is {@link #routes}, called by {@link Wiring} and by nothing else.
 */
final class WebServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WebServer.class);
  private static final String ROUTE = HealthRoutes.ROUTE_ATTRIBUTE;

  private final Javalin javalin;
  private final GracefulHandler graceful = new GracefulHandler();

  /** How long a stop waits for requests in progress to finish. */
  static final java.time.Duration STOP_TIMEOUT = java.time.Duration.ofSeconds(10);
  /** Retry-After (seconds) on API requests refused while the node drains. */
  private static final String RETRY_AFTER_DRAINING = "5";

  /**
   * While {@code draining} (a graceful stop), new API requests get 503 with Retry-After; health,
   * metrics and the portal still answer.
   */
  WebServer(
      String bind, int port, long maxBodyBytes, ApiRoutes api, PortalRoutes portal, HealthRoutes health,
      HttpMetrics metrics, java.util.function.BooleanSupplier draining) {
    byte[] openApi = openApiDocument();
    this.javalin =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.http.maxRequestSize = maxBodyBytes;
              config.http.prefer405over404 = true;
              config.jetty.host = bind;
              // Portal CSV uploads: 100,000 rows are about 5 MB.
              config.jetty.multipartConfig.maxFileSize(PortalRoutes.MAX_UPLOAD_MB, SizeUnit.MB);
              config.jetty.multipartConfig.maxTotalRequestSize(PortalRoutes.MAX_UPLOAD_MB + 1, SizeUnit.MB);
              config.jetty.multipartConfig.maxInMemoryFileSize(PortalRoutes.MAX_UPLOAD_MB + 1, SizeUnit.MB);
              config.jetty.port = port;
              config.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler());
                // stop() stops accepting, then waits up to STOP_TIMEOUT for requests in progress
                server.setHandler(graceful);
                server.setStopTimeout(STOP_TIMEOUT.toMillis());
              });
              config.jetty.modifyHttpConfiguration(
                  http -> {
                    http.setSendServerVersion(false);
                    http.setRequestHeaderSize(32 * 1024);
                  });
              config.requestLogger.http(
                  (ctx, millis) -> {
                    String route = ctx.attribute(ROUTE);
                    metrics.record(
                        ctx.method().name(),
                        route == null ? "unmatched" : route,
                        ctx.statusCode(),
                        millis == null ? 0 : millis);
                  });
              config.routes.before(ctx -> {
                if (draining.getAsBoolean() && refusedWhileDraining(ctx.path())) {
                  ctx.status(503).header("Retry-After", RETRY_AFTER_DRAINING).header("x-ms-error-code", "ServiceUnavailable")
                      .contentType("application/json")
                      .result("{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"this node is shutting down;"
                          + " retry, another node will answer\"}}");
                  ctx.skipRemainingHandlers();
                }
              });
              routes(config.routes, api, portal, health, openApi);
            });
  }

  private static boolean refusedWhileDraining(String path) {
    return !path.startsWith("/health/") && !path.equals("/metrics") && !PortalRoutes.owns(path);
  }

  /** The route table. */
  private static void routes(
      io.javalin.config.RoutesConfig routes, ApiRoutes api, PortalRoutes portal, HealthRoutes health,
      byte[] openApi) {
    api.register(routes);
    portal.register(routes);
    health.register(routes);
    routes.get(
        "/openapi.json",
        ctx -> {
          ctx.attribute(ROUTE, "/openapi.json");
          ctx.contentType("application/json").result(openApi);
        });
    routes.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          if (PortalRoutes.owns(ctx.path())) {
            portal.failed(ctx, e.getStatus());
          } else if (e.getStatus() == 404 || e.getStatus() == 405) {
            api.unmatched(ctx, e.getStatus());
          } else {
            ctx.status(e.getStatus()).contentType("application/json")
                .result("{\"error\":{\"code\":\"HttpError\",\"message\":\"" + e.getStatus() + "\"}}");
          }
        });
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          log.error("unhandled failure on {} {}", ctx.method(), ctx.path(), e);
          if (PortalRoutes.owns(ctx.path())) {
            portal.failed(ctx, 500);
            return;
          }
          ctx.status(500)
              .contentType("application/json")
              .header("x-ms-error-code", "InternalError")
              .result("{\"error\":{\"code\":\"InternalError\",\"message\":\"internal error\"}}");
        });
  }

  private static byte[] openApiDocument() {
    try (InputStream in = WebServer.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void start() {
    javalin.start();
  }

  int port() {
    return javalin.port();
  }

  @Override
  public void close() {
    long inFlight = graceful.getCurrentRequestCount();
    if (inFlight > 0) {
      log.info("stopping HTTP: waiting up to {} s for {} requests in progress", STOP_TIMEOUT.toSeconds(), inFlight);
    }
    javalin.stop();
    log.info("HTTP server stopped");
  }
}

package dev.drgw.cluster;

import dev.drgw.testing.ApiClient;
import dev.drgw.testing.Cluster;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client that creates accounts {@code <prefix>0, <prefix>1, ...} one after another, 2 ms apart, and
 * retries each write until it gets an answer that is not "try again": on 503, on 409
 * RequestInProgress, and on a lost connection it sends the same request again (same
 * {@code Repeatability-Request-ID} and {@code Repeatability-First-Sent}, as the spec makes
 * safe), to the next node, after the {@code Retry-After} it was given (at most 1 s).
 */
final class RetryingWriter implements Runnable {

  /** One write: the account, the statuses of every attempt, and the final answer. */
  record Write(String account, List<String> attempts, int finalStatus, String finalBody) {

    /** The account, its attempts with repeats counted ({@code 409:RequestInProgress x150}), the last answer. */
    String summary() {
      StringBuilder out = new StringBuilder(account).append(": ");
      String previous = null;
      int repeats = 0;
      for (String a : attempts) {
        String answer = a.substring(a.indexOf(':') + 1);
        if (answer.equals(previous)) {
          repeats++;
          continue;
        }
        if (previous != null) {
          out.append(previous).append(repeats > 1 ? " x" + repeats : "").append(", ");
        }
        previous = answer;
        repeats = 1;
      }
      out.append(previous).append(repeats > 1 ? " x" + repeats : "");
      return out.append(" -> ").append(finalBody.length() > 300 ? finalBody.substring(0, 300) + "..." : finalBody)
          .toString();
    }
  }

  private static final Duration GIVE_UP = Duration.ofSeconds(30);
  private static final Duration PAUSE = Duration.ofMillis(2);

  private final String prefix;
  private final List<Cluster.Node> nodes;
  private final List<Write> done = new ArrayList<>();
  private final AtomicInteger retried503 = new AtomicInteger();
  private volatile boolean running = true;

  RetryingWriter(String prefix, List<Cluster.Node> nodes) {
    this.prefix = prefix;
    this.nodes = List.copyOf(nodes);
  }

  @Override
  public void run() {
    for (int i = 0; running; i++) {
      Write w = write(i);
      synchronized (this) {
        done.add(w);
      }
      Provisioning.sleep(PAUSE.toMillis());
    }
  }

  private Write write(int i) {
    String name = prefix + i;
    String id = UUID.randomUUID().toString();
    String firstSent = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().atZone(ZoneOffset.UTC));
    List<String> attempts = new ArrayList<>();
    Instant giveUp = Instant.now().plus(GIVE_UP);
    for (int attempt = 0; ; attempt++) {
      Cluster.Node node = nodes.get((i + attempt) % nodes.size());
      ApiClient api = node.api().with("Repeatability-Request-ID", id).with("Repeatability-First-Sent", firstSent);
      long retryAfterMillis = 200;
      try {
        ApiClient.Response r = api.put("/accounts/" + name, Provisioning.account(name, "MS=" + name + "-1",
            "MS=" + name + "-2"));
        attempts.add(node.name() + ":" + r.status() + (r.status() >= 400 ? ":" + r.errorCode() : ""));
        boolean again = r.status() == 503 || (r.status() == 409 && "RequestInProgress".equals(r.errorCode()));
        if (!again || Instant.now().isAfter(giveUp)) {
          return new Write(name, attempts, r.status(), r.body());
        }
        if (r.status() == 503) {
          retried503.incrementAndGet();
        }
        String retryAfter = r.header("Retry-After");
        if (retryAfter != null && retryAfter.strip().matches("\\d+")) {
          retryAfterMillis = Math.min(1000, Long.parseLong(retryAfter.strip()) * 1000);
        }
      } catch (UncheckedIOException lost) {
        attempts.add(node.name() + ":" + lost.getCause().getClass().getSimpleName());
        if (Instant.now().isAfter(giveUp)) {
          return new Write(name, attempts, -1, lost.toString());
        }
      }
      Provisioning.sleep(retryAfterMillis);
    }
  }

  /** Finishes the write in progress and stops. */
  void stop() {
    running = false;
  }

  synchronized List<Write> writes() {
    return List.copyOf(done);
  }

  int retried503() {
    return retried503.get();
  }
}

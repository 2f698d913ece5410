package dev.drgw.cluster;

import static dev.drgw.cluster.DatabaseOutageIT.CALLED;
import static dev.drgw.cluster.Provisioning.subdomain;
import static org.assertj.core.api.Assertions.assertThat;

import dev.drgw.testing.Cluster;
import dev.drgw.testing.Cluster.Node;
import dev.drgw.testing.Cluster.NodeSpec;
import dev.drgw.testing.ClusterWatch;
import dev.drgw.testing.DnsProber;
import dev.drgw.testing.MicrosoftSide;
import dev.drgw.testing.SippLoad;
import dev.drgw.testing.StoppablePostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every node restarted in turn (SIGTERM, start, wait until ready, next) under DNS and SIP load. DNS
 * is probed as a resolver with all four nodes as name servers asks: a query that times out is
 * retried once, at the next node; none may stay unanswered. While a node restarts, calls
 * established through the other nodes before it stopped must last until their caller hangs up,
 * and new calls through the other nodes must all succeed.
 */
class RollingRestartIT {

  /** Long calls are held for this long: from before a node stops until after it is ready again. */
  private static final Duration HOLD = Duration.ofSeconds(11);
  private static final int LONG_CALLS = 2;

  @RegisterExtension final ClusterWatch watch = new ClusterWatch();

  /** What one restart showed: how long it took and the calls through the other nodes meanwhile. */
  record Step(String restarted, Duration stopTook, Duration startTook, int exitCode, List<SippLoad.Stats> calls,
      List<SippLoad.Stats> held) {}

  @Test
  void noDnsQueryGoesUnansweredAndNoCallOnTheOtherNodesDrops() {
    try (StoppablePostgres pg = StoppablePostgres.start();
        MicrosoftSide microsoft = watch.watch(MicrosoftSide.start());
        Cluster cluster = watch.watch(Cluster.start(pg, Optional.of(microsoft), Cluster.defaultSettings(), List.of(
            new NodeSpec("r1a", 1), new NodeSpec("r1b", 1), new NodeSpec("r2a", 2), new NodeSpec("r2b", 2))))) {
      DatabaseOutageIT.provisionProbe(cluster);

      List<Step> steps = new ArrayList<>();
      List<DnsProber.Report> dns;
      try (DnsProber prober = DnsProber.start(Cluster.dnsTargets(cluster.nodes()), subdomain("probe", 1),
          "MS=probe-1", DnsProber.Retry.NEXT_SERVER)) {
        for (Node restarted : cluster.nodes()) {
          List<Node> others = cluster.nodes().stream().filter(n -> n != restarted).toList();
          List<SippLoad> calls = new ArrayList<>();
          List<SippLoad> held = new ArrayList<>();
          for (Node n : others) {
            calls.add(watch.watch(SippLoad.operatorCalls("calls-" + n.name() + "-during-" + restarted.name(),
                n.operatorSipPort(), CALLED, 3, Duration.ofMillis(300), 0)));
            held.add(watch.watch(SippLoad.operatorCalls("long-" + n.name() + "-during-" + restarted.name(),
                n.operatorSipPort(), CALLED, 10, HOLD, LONG_CALLS)));
          }
          Provisioning.sleep(1_000); // the long calls are established
          long t0 = System.nanoTime();
          int exitCode = restarted.stop();
          long t1 = System.nanoTime();
          restarted.start();
          long t2 = System.nanoTime();
          for (SippLoad l : held) {
            SippLoad.Stats s = l.current();
            assertThat(s.exitCode()).as("long calls ended before %s was back (restart too slow for HOLD): %s",
                restarted, s).isNull();
          }
          List<SippLoad.Stats> callStats = new ArrayList<>();
          for (SippLoad l : calls) {
            callStats.add(l.stop(Duration.ofSeconds(30)));
          }
          List<SippLoad.Stats> heldStats = new ArrayList<>();
          for (SippLoad l : held) {
            heldStats.add(l.finish(HOLD.plusSeconds(20)));
          }
          steps.add(new Step(restarted.name(), Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), exitCode,
              callStats, heldStats));
        }
        dns = prober.stop();
      }
      System.out.printf("DNS: %s%n", dns);
      steps.forEach(s -> System.out.printf("restart of %s: stopped in %d ms (exit code %d), ready in %d ms%n"
          + "  calls: %s%n  long calls: %s%n", s.restarted(), s.stopTook().toMillis(), s.exitCode(),
          s.startTook().toMillis(), s.calls(), s.held()));

      assertThat(dns).allSatisfy(r -> {
        assertThat(r.unanswered()).as("DNS queries unanswered after one retry at the next node, %s", r.target())
            .isEmpty();
        assertThat(r.wrong()).as("wrong DNS answers, %s", r.target()).isEmpty();
      });
      for (Step s : steps) {
        assertThat(s.exitCode()).as("exit code of %s after SIGTERM", s.restarted()).isIn(0, 143);
        assertThat(s.held()).allSatisfy(h -> assertThat(h.successful())
            .as("long calls that lasted while %s restarted: %s", s.restarted(), h).isEqualTo(LONG_CALLS));
        assertThat(s.calls()).allSatisfy(c -> {
          assertThat(c.failed()).as("failed calls while %s restarted: %s", s.restarted(), c).isZero();
          assertThat(c.successful()).as("%s", c).isPositive();
        });
      }
    }
  }
}

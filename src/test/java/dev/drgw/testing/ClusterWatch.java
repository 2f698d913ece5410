package dev.drgw.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Watches what a cluster test starts (register it with {@code @RegisterExtension} and pass it each
 * cluster, proxy and SIPp load): after the test, ends the SIPp processes still running, however
 * the test ended; when it fails, prints the tail of every node's log and where the SIPp and socat
 * logs are, so that a CI failure can be read without the machine.
 */
public final class ClusterWatch implements TestWatcher, AfterEachCallback {

  private static final int LINES = 80;

  private final List<Cluster> clusters = new ArrayList<>();
  private final List<Path> otherLogs = new ArrayList<>();
  private final List<SippLoad> loads = new ArrayList<>();

  public synchronized Cluster watch(Cluster cluster) {
    clusters.add(cluster);
    return cluster;
  }

  public synchronized MicrosoftSide watch(MicrosoftSide side) {
    otherLogs.add(side.dir());
    otherLogs.add(side.proxyDir());
    return side;
  }

  public synchronized SippLoad watch(SippLoad load) {
    otherLogs.add(load.dir());
    loads.add(load);
    return load;
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    loads.forEach(SippLoad::close);
  }

  @Override
  public synchronized void testFailed(ExtensionContext context, Throwable cause) {
    StringBuilder out = new StringBuilder("\n##### " + context.getDisplayName() + " failed; node logs:");
    clusters.forEach(c -> out.append(c.logTails(LINES)));
    if (!otherLogs.isEmpty()) {
      out.append("\n##### SIPp and socat logs: ").append(otherLogs).append('\n');
    }
    System.err.println(out);
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    testFailed(context, cause);
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {}

  @Override
  public void testSuccessful(ExtensionContext context) {}
}

package bench;

import dev.drgw.snapshot.RoutingSnapshot;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Lookups of the routing snapshot as SIP makes them: a String per call, half of them numbers the
 * snapshot holds and half numbers it does not, in random order over the whole table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SnapshotLookupBench {

  private static final int KEYS = 1 << 20;

  @Param({"100000"})
  public long n;

  @Param({"false"})
  public boolean uniqueHeaders;

  /** Numbers changed since the base was built (they sit in the overlay). */
  @Param({"0"})
  public int changed;

  private RoutingSnapshot snapshot;
  private String[] keys;
  private int next;

  @Setup(Level.Trial)
  public void build() {
    snapshot = SnapshotNumbers.withChanges(SnapshotNumbers.build(n, uniqueHeaders), changed, n);
    Random random = new Random(6);
    keys = new String[KEYS];
    for (int k = 0; k < KEYS; k++) {
      long i = (long) (random.nextDouble() * n);
      // Fresh strings with no cached hash, as parsed from a SIP message.
      keys[k] = new String(SnapshotNumbers.tn(random.nextBoolean() ? i : n + i).toCharArray());
    }
  }

  @Benchmark
  public Object lookup() {
    String key = keys[next];
    next = (next + 1) & (KEYS - 1);
    return snapshot.number(key).orElse(null);
  }
}

package bench;

import dev.drgw.snapshot.RoutingSnapshot;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Run in a fresh JVM by bench/snapshot.sh: builds a snapshot of N numbers in memory (shared or
 * unique headers) and prints, as key=value lines, the heap it retains after a full GC, the
 * process's RSS, and the time to apply change sets of 100 numbers to it, chained, through at
 * least one fold of the overlay into a new base.
 */
public class SnapshotProbe {

  public static void main(String[] args) throws Exception {
    long n = Long.parseLong(args[0]);
    boolean unique = Boolean.parseBoolean(args[1]);
    int sets = Integer.parseInt(args[2]);
    SnapshotNumbers.build(10, unique); // classes loaded and initialized before the baseline
    long before = heapAfterGc();
    long t0 = System.nanoTime();
    RoutingSnapshot snapshot = SnapshotNumbers.build(n, unique);
    long buildMs = (System.nanoTime() - t0) / 1_000_000;
    long after = heapAfterGc();
    System.out.println("build_ms=" + buildMs);
    System.out.println("heap_bytes=" + (after - before));
    System.out.println("bytes_per_number=" + (n == 0 ? 0 : (double) (after - before) / n));
    System.out.println("rss_kb=" + rssKb());
    if (snapshot.number(SnapshotNumbers.tn(n - 1)).isEmpty()) {
      throw new IllegalStateException("number " + (n - 1) + " missing");
    }
    if (sets > 0) {
      long[] nanos = new long[sets];
      for (int s = 0; s < sets; s++) {
        RoutingSnapshot current = snapshot;
        long t = System.nanoTime();
        snapshot = current.apply(List.of(SnapshotNumbers.changeSet(current.appliedSeq() + 1, 100, n, 100L * s)));
        nanos[s] = System.nanoTime() - t;
      }
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      System.out.println("apply_sets=" + sets);
      System.out.println("apply_median_us=" + sorted[sets / 2] / 1_000);
      System.out.println("apply_p99_us=" + sorted[(int) (sets * 0.99)] / 1_000);
      System.out.println("apply_max_ms=" + sorted[sets - 1] / 1_000_000);
      System.out.println("apply_total_ms=" + Arrays.stream(nanos).sum() / 1_000_000);
    }
  }

  static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}

package bench;

import dev.drgw.snapshot.RoutingSnapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

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
    lookups(snapshot, n);
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

  /**
   * Lookups as in SnapshotLookupBench, timed by wall clock and by this thread's CPU time: on a
   * shared machine the CPU time is the fairer figure of what one core does.
   */
  static void lookups(RoutingSnapshot snapshot, long n) {
    int count = 1 << 20;
    Random random = new Random(6);
    String[] keys = new String[count];
    for (int k = 0; k < count; k++) {
      long i = (long) (random.nextDouble() * n);
      keys[k] = new String(SnapshotNumbers.tn(random.nextBoolean() ? i : n + i).toCharArray());
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long found = 0;
    long wall = 0;
    long cpu = 0;
    int passes = 20;
    for (int pass = 0; pass < passes; pass++) {
      long w = System.nanoTime();
      long c = threads.getCurrentThreadCpuTime();
      for (String key : keys) {
        if (snapshot.number(key).isPresent()) {
          found++;
        }
      }
      if (pass >= passes / 2) {
        wall += System.nanoTime() - w;
        cpu += threads.getCurrentThreadCpuTime() - c;
      }
    }
    long measured = (long) count * (passes - passes / 2);
    System.out.println("lookups_found=" + found);
    System.out.println("lookups_per_s_wall=" + (long) (measured * 1e9 / wall));
    System.out.println("lookups_per_cpu_s=" + (long) (measured * 1e9 / cpu));
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

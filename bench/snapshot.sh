#!/usr/bin/env bash
# Routing snapshot benchmark (issue 6: a compact, fast number table), in one run:
#   - PostgreSQL: the embedded zonky binaries that drgw's tests use (from the local Maven
#     repository), started in target/snapshotbench-*/pg; drgw's schema by its own Flyway
#     migrations (dev.drgw.store.Database); 1,000 accounts, then numbers loaded by COPY FROM up to
#     each size (default 100,000, 1,000,000 and 10,000,000), shared custom header per account;
#   - per size, the real server (target/drgw.jar serve, -Xmx as given, pinned to --cpu): the
#     "routing snapshot built ... in N ms" log line (COPY through JdbcSnapshotSource into the
#     table), the time from exec to "drgw serving HTTP on", heap in use after two full GCs
#     (jcmd) minus that of a server on an empty database, per number, and RSS;
#   - per size, a JVM that builds the same numbers in memory through SnapshotFollower: heap per
#     number with headers shared per account and with a unique header per number, lookups per
#     CPU-second in a plain loop, and the time to apply 11,000 chained change sets of 100 numbers
#     (median, p99, max = folding the overlay into a new base);
#   - per size, JMH 1.37 (bench/SnapshotLookupBench.java, one thread, one fork, 3 x 2 s warm-up,
#     5 x 2 s measurement): lookups of random existing and missing numbers (Strings, half each),
#     with an empty overlay and with 100,000 changed numbers in the overlay.
# Progress goes to stderr, the markdown report to stdout. Options: --sizes 100000,1000000,...,
# --xmx 2g, --cpu 0. Needs a JDK 17+ (java, javac, jcmd) and ~8 GB of free memory at 10M.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for tool in java javac jcmd; do
  command -v "$tool" >/dev/null || missing+=("$tool (a JDK, e.g. apt-get install openjdk-17-jdk-headless)")
done
if ((${#missing[@]})); then
  printf 'bench/snapshot.sh needs:\n' >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi
command -v taskset >/dev/null || echo "taskset not found (util-linux): processes will not be pinned" >&2
./mvnw -B -ntp -q -DskipTests package test-compile >&2
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
./mvnw -B -ntp -q dependency:get -Dartifact=org.openjdk.jmh:jmh-generator-annprocess:1.37 >&2
m2="$(./mvnw -B -ntp -q help:evaluate -Dexpression=settings.localRepository -DforceStdout)"
jmh="$m2/org/openjdk/jmh/jmh-core/1.37/jmh-core-1.37.jar:$m2/org/openjdk/jmh/jmh-generator-annprocess/1.37/jmh-generator-annprocess-1.37.jar"
jmh="$jmh:$m2/net/sf/jopt-simple/jopt-simple/5.0.4/jopt-simple-5.0.4.jar:$m2/org/apache/commons/commons-math3/3.6.1/commons-math3-3.6.1.jar"
cp="target/classes:target/test-classes:$jmh:$(cat target/bench-classpath.txt)"
rm -rf target/bench-snapshot
mkdir -p target/bench-snapshot
javac -Xlint:all -processor org.openjdk.jmh.generators.BenchmarkProcessor -d target/bench-snapshot -cp "$cp" \
  bench/SnapshotNumbers.java bench/SnapshotProbe.java bench/SnapshotLookupBench.java bench/SnapshotBench.java >&2
exec java -Xmx1g -cp "target/bench-snapshot:$cp" bench.SnapshotBench "$@"

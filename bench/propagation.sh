#!/usr/bin/env bash
# Change propagation benchmark (issue 6): p50/p99 from a commit on one node to its application
# on the others, under a write load of --rate (default 1,000) changes/s:
#   - one embedded PostgreSQL (the zonky binaries of the test dependency io.zonky.test
#     embedded-postgres, from the local Maven repository), default settings;
#   - three drgw nodes from target/drgw.jar, each its own process: A (region 1, takes the
#     writes), B (region 1) and C (region 2); one signing key copied to all three before they
#     start, the token from `drgw token --role admin`;
#   - load: single-number PUTs (each a new number, so each a change set) over --accounts
#     (default 100) accounts, sent to node A open loop at a fixed rate by Java's async HttpClient
#     (request i is due at i/rate; at most --in-flight, default 256, unanswered; a request that
#     finds no free slot is not sent and counts as failed) for --warmup (default 10) s, then
#     --seconds (default 60) s measured; achieved rate from node A's drgw_snapshot_applied_seq;
#   - propagation at B and C: drgw_snapshot_propagation_seconds histogram buckets from /metrics
#     at the start and end of the measured window, p50/p99 from the difference;
#   - probe, independent of drgw's metric: every --probe-interval-ms (default 100) a new
#     region-2 token for a marker account is PUT through node A, and B's and C's DNS are asked
#     for its TXT record about every millisecond until they answer with it.
# Progress goes to stderr, the markdown report to stdout. Options: --rate N, --seconds S,
# --warmup S, --accounts N, --probe-interval-ms MS, --in-flight N, --server-java-opts "...",
# --work DIR. Needs a JDK 17 and the Maven build; no other tools.
set -euo pipefail
cd "$(dirname "$0")/.."
if (($(nproc) < 2)); then
  echo "bench/propagation.sh needs 2 cores; this machine has $(nproc)" >&2
  exit 1
fi
./mvnw -B -ntp -q -DskipTests package test-compile >&2
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
exec java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  bench/PropagationBench.java "$@"

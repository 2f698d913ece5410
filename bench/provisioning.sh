#!/usr/bin/env bash
# Provisioning benchmark (issue 2), on H2 and PostgreSQL in one run:
#   - batches: wrk (bench/batch.lua) POSTs :createOrUpdateNumbers of 100 new numbers over
#     1,000 accounts for --api-seconds (default 60) on 8 connections, against target/drgw.jar in
#     its own process;
#   - raw bound: the same kind of rows (--numbers, default 1,000,000) upserted by plain JDBC
#     batches of 100, one transaction each, 8 connections, into a fresh database of the same engine;
#   - single PUT: wrk (bench/put.lua), 8 connections, --put-seconds (default 20).
# Prints a markdown table for docs/benchmarks.md. Needs wrk (Debian package wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install wrk" >&2; exit 1; }
./mvnw -B -ntp -q -DskipTests package test-compile >&2
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
exec java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  bench/ProvisioningBench.java "$@"

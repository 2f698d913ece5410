#!/usr/bin/env bash
# Provisioning benchmark (issue 2). Usage: bench/provisioning.sh [--numbers N] [--clients C]
#   [--put-seconds S] [--engines h2,postgresql]
# Builds drgw, then runs bench/ProvisioningBench.java on the test classpath (embedded PostgreSQL
# comes from there). Prints a markdown table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q -DskipTests package test-compile >&2
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
exec java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  bench/ProvisioningBench.java "$@"

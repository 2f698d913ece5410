#!/usr/bin/env bash
# DNS benchmark (issue: "match NSD"), drgw against NSD serving the same zone, in one run:
#   - load: --accounts (default 100,000) Direct Routing accounts written by plain JDBC into a
#     fresh H2 file (schema by drgw's own Flyway migrations); two regions, so 2 names per
#     account, each with TXT + A;
#   - drgw (target/drgw.jar, own process, pinned to core 0) builds its snapshot at start (time
#     from its log), RSS and heap after a full GC are read, and the zone is exported by AXFR;
#   - NSD (Debian package, pinned to core 0) serves that zone file, response-rate limiting off
#     and minimal-responses on, so that it answers with the same sections as drgw;
#   - the same query file (TXT, A, NXDOMAIN, one third each, shuffled) is sent to NSD, then to
#     drgw, by `dnsperf -c 1 -T 1 -q 100 -l 10` pinned to core 1, after a 5 s warm-up each;
#     only one server runs at a time;
#   - memory: drgw at --memory-accounts (default 500,000 = 1,000,000 names = 2,000,000 records)
#     and with an empty zone; RSS and heap per record are the difference.
# Progress goes to stderr, the markdown report to stdout. Options: --accounts N,
# --memory-accounts N (0 skips), --seconds S, --warmup S, --base DOMAIN, --server-cpu C,
# --client-cpu C, --server-java-opts "...", --work DIR. BENCH_SERVER_JFR=prefix records a JFR
# profile of drgw during its dnsperf run.
# Needs taskset (util-linux), dig or kdig (bind9-dnsutils / knot-dnsutils), dnsperf, nsd and
# jcmd (a JDK), and at least 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v taskset >/dev/null || missing+=("taskset (apt-get install util-linux)")
command -v dig >/dev/null || command -v kdig >/dev/null || missing+=("dig or kdig (apt-get install bind9-dnsutils)")
command -v dnsperf >/dev/null || missing+=("dnsperf (apt-get install dnsperf)")
PATH="$PATH:/usr/sbin:/sbin"
for tool in nsd nsd-checkzone nsd-checkconf; do
  command -v "$tool" >/dev/null || missing+=("$tool (apt-get install nsd)")
done
command -v jcmd >/dev/null || missing+=("jcmd (a JDK, e.g. apt-get install openjdk-17-jdk-headless)")
if ((${#missing[@]})); then
  printf 'bench/dns.sh needs:\n' >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi
if (($(nproc) < 2)); then
  echo "bench/dns.sh needs 2 cores (one for the server, one for dnsperf); this machine has $(nproc)" >&2
  exit 1
fi
./mvnw -B -ntp -q -DskipTests package test-compile >&2
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
exec java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  bench/DnsBench.java "$@"

#!/usr/bin/env bash
# SIP throughput benchmark (issue: "1,000,000 provisioned numbers ... ratio drgw/Kamailio"), in one run:
#   - load: --numbers (default 1,000,000) E.164 numbers (+4420xxxxxxxx) in --accounts (default
#     100,000) Direct Routing accounts with subdomains, written by plain JDBC into a fresh H2 file
#     (schema by drgw's own Flyway migrations), and the same numbers into a db_text table for
#     Kamailio's htable (value: the customer subdomain);
#   - Kamailio (Debian package, pinned to core 0, bench/kamailio.cfg filled in): stateful proxy,
#     R-URI user looked up in the htable, unknown -> 404, known -> Record-Route + t_relay() to a
#     plain SIPp UAS over UDP; htable load time (start to first answer) and PSS reported;
#   - drgw (target/drgw.jar, own process, pinned to core 0): operator side on UDP, Teams side toward
#     "Microsoft's proxy" = socat OPENSSL-LISTEN (mutual TLS, throw-away CA made with openssl) in
#     front of SIPp UAS over TCP (bench/sip-uas.xml, -aa answers drgw's OPTIONS polls);
#   - before the load, one call by hand to an unknown number (must be 404) and to a provisioned
#     one (must complete; drgw answering 503 "not carried yet" skips drgw's steps, with a note);
#   - SIPp UAC (bench/sip-uac.xml, UDP, pinned to core 1 with the UAS and socat) calls --sample
#     (default 100,000) of the numbers in random order: after a --warmup (10 s) at the first rate,
#     steps of --step-seconds (20) at --rates (default 100,200,300,500,700,1000,1500,2000,3000,
#     4000,5000, or "auto": doubling from --start-rate, then bisecting to --precision percent),
#     calls of --call-seconds (3), -buff_size 4194304, until a step is not clean (a failed call,
#     a retransmission on either side, an unexpected message, a call not placed or not completed);
#     only one server runs at a time; server CPU (utime+stime of all its processes) and memory
#     (drgw VmRSS, Kamailio sum of PSS) per step.
# Progress goes to stderr, the markdown report to stdout. Options: --numbers N, --accounts N,
# --sample N, --rates LIST|auto, --start-rate R, --precision P, --step-seconds S, --warmup S,
# --call-seconds S, --targets kamailio,drgw, --base DOMAIN, --server-cpu C, --client-cpu C,
# --server-java-opts "..." (default -XX:+UseG1GC, as ./drgw), --drgw-max-call-rate N (0: capacity is
# measured; drgw's admission limit would otherwise decide the result), --kamailio-children N (1), --kamailio-shm-mb MB (2048; db_text keeps its copy of the table in shm too),
# --kamailio-pkg-mb MB (1536; the db_text query result of all rows lands in pkg memory), --work DIR. BENCH_SERVER_JFR=prefix
# records a JFR profile of drgw.
# Needs taskset (util-linux), sipp (sip-tester), socat, openssl, kamailio (kamailio: htable,
# db_text, tm, ...), and at least 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
PATH="$PATH:/usr/sbin:/sbin"
command -v taskset >/dev/null || missing+=("taskset (apt-get install util-linux)")
command -v sipp >/dev/null || missing+=("sipp (apt-get install sip-tester)")
command -v socat >/dev/null || missing+=("socat (apt-get install socat)")
command -v openssl >/dev/null || missing+=("openssl (apt-get install openssl)")
command -v kamailio >/dev/null || missing+=("kamailio (apt-get install kamailio)")
if command -v kamailio >/dev/null; then
  for module in htable db_text tm tmx sl rr sanity siputils; do
    [[ -e "/usr/lib/$(uname -m)-linux-gnu/kamailio/modules/$module.so" ]] \
      || missing+=("Kamailio module $module.so (apt-get install kamailio)")
  done
fi
if ((${#missing[@]})); then
  printf 'bench/sip.sh needs:\n' >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi
if (($(nproc) < 2)); then
  echo "bench/sip.sh needs 2 cores (one for the server, one for SIPp and socat); this machine has $(nproc)" >&2
  exit 1
fi
./mvnw -B -ntp -q -DskipTests package test-compile >&2
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
exec java -Xmx2g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" \
  bench/SipBench.java "$@"

#!/usr/bin/env bash
# Portal benchmark (issue 4), on embedded H2, drgw from target/drgw.jar in its own process:
#   - CSV upload of --rows (default 10,000) rows in ACG's layout: time from submit to the whole
#     report page, --uploads times (default 5, after one warm-up); the peer is the API doing the
#     same rows as sequential batches of 100;
#   - time to first byte of the portal's accounts list with --accounts (default 100,000)
#     accounts (first page, a page deep in the list, a search) and of an account's numbers,
#     --requests sequential GETs each (default 300); the peer is the API's GET /accounts.
# Prints a markdown table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q -DskipTests package >&2
exec java -Xmx1g bench/PortalBench.java "$@"

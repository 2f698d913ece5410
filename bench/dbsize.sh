#!/usr/bin/env bash
# PostgreSQL storage per number (docs/scaling.md, "The database"), measured:
#   - a throw-away PostgreSQL cluster (Debian's postgresql binaries) on a free port; drgw
#     (target/drgw.jar) creates its schema at start (Flyway), then --numbers (default 1,000,000)
#     numbers over 1,000 accounts are written straight by SQL (one custom header per account, as
#     most deployments use), VACUUM ANALYZE, and pg_total_relation_size of each table is read;
#   - then --api-batches (default 100) batches of 100 new numbers go through drgw's API
#     (:createOrUpdateNumbers), and the growth of change_log and audit_trail per number is read.
# Progress goes to stderr, the markdown report to stdout. Needs the postgresql package (initdb,
# pg_ctl), psql, curl and the built jar (./mvnw -B -DskipTests package).
set -euo pipefail
cd "$(dirname "$0")/.."
numbers=1000000
batches=100
while (($#)); do
  case "$1" in
    --numbers) numbers="$2"; shift 2 ;;
    --api-batches) batches="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
missing=()
[[ -x "$pgbin/initdb" ]] || missing+=("initdb/pg_ctl (apt-get install postgresql)")
command -v psql >/dev/null || missing+=("psql (apt-get install postgresql-client)")
command -v curl >/dev/null || missing+=("curl")
[[ -f target/drgw.jar ]] || missing+=("target/drgw.jar (./mvnw -B -DskipTests package)")
if ((${#missing[@]})); then
  printf 'bench/dbsize.sh needs:\n' >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi
work="$(mktemp -d /tmp/drgw-dbsize.XXXXXX)"
port=$((20000 + RANDOM % 10000))
http=$((30000 + RANDOM % 10000))
cleanup() {
  [[ -n "${drgw_pid:-}" ]] && kill "$drgw_pid" 2>/dev/null && wait "$drgw_pid" 2>/dev/null
  "${as[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# initdb refuses to run as root: run the server as the postgres user then.
as=()
mkdir -p "$work/pg" "$work/sock"
if ((EUID == 0)); then
  as=(runuser -u postgres --)
  chmod 755 "$work"
  chown postgres "$work/pg" "$work/sock"
fi
"${as[@]}" "$pgbin/initdb" -D "$work/pg" -U drgw -A trust >/dev/null
"${as[@]}" "$pgbin/pg_ctl" -D "$work/pg" -o "-p $port -k $work/sock -c listen_addresses=127.0.0.1" \
  -l "$work/sock/pg.log" -w start >/dev/null
psql() { command psql -h 127.0.0.1 -p "$port" -U drgw -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
echo "[dbsize] PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on port $port" >&2

DRGW_DB_URL="jdbc:postgresql://127.0.0.1:$port/postgres" DRGW_DB_USER=drgw DRGW_DATA_DIR="$work/data" \
  DRGW_HTTP_PORT="$http" DRGW_HTTP_BIND=127.0.0.1 DRGW_DNS_PORT=0 DRGW_NODE_NAME=dbsize \
  java -Xmx1g -jar target/drgw.jar serve >"$work/drgw.log" 2>&1 &
drgw_pid=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$http/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
echo "[dbsize] drgw ready; schema created by its migrations" >&2

psql <<SQL
INSERT INTO accounts (name, dr_sync_enabled, dr_enabled, call_screening, subdomain, subdomain_key,
    region1_token, region2_token, dr_number_count, created_at, updated_at, version)
  SELECT 'acct-' || a, true, true, true, 's' || a, 's' || a, 'MS=ms' || a, 'MS=ms' || a, 0, now(), now(), 1
  FROM generate_series(0, 999) a;
INSERT INTO numbers (telephone_number, account_name, dr_enabled, custom_sip_header, updated_at, version)
  SELECT '+1' || (2000000000 + g), 'acct-' || (g % 1000), true, 'tier-gold-' || (g % 1000), now(), 1
  FROM generate_series(1, $numbers) g;
VACUUM ANALYZE;
SQL
size() { psql -c "SELECT pg_total_relation_size('$1')"; }
n_total=$(size numbers)
a_total=$(size accounts)
echo "[dbsize] $numbers numbers written by SQL" >&2

token="$(DRGW_DATA_DIR="$work/data" java -jar target/drgw.jar token --role admin 2>/dev/null | tail -1)"
log_before=$(size change_log)
audit_before=$(size audit_trail)
for b in $(seq 1 "$batches"); do
  body='{"numbers":['
  for i in $(seq 0 99); do
    tn=$((3000000000 + b * 100 + i))
    body+="{\"telephoneNumber\":\"+1$tn\",\"serviceDetails\":{\"teamsDirectRouting\":{\"enabled\":true}},\"configuration\":{\"customSipHeader\":\"tier-gold-7\"}}"
    ((i < 99)) && body+=','
  done
  body+=']}'
  curl -fs -o /dev/null -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data "$body" "http://127.0.0.1:$http/accounts/acct-7:createOrUpdateNumbers?api-version=2024-02-29-preview"
done
psql -c "VACUUM ANALYZE" >/dev/null
log_after=$(size change_log)
audit_after=$(size audit_trail)
api_numbers=$((batches * 100))
echo "[dbsize] $api_numbers numbers through the API in $batches batches" >&2

per() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", a / b }'; }
echo "### PostgreSQL storage ($numbers numbers, 1,000 accounts; then $api_numbers numbers through the API)"
echo
echo "| table | size | per number |"
echo "|---|---:|---:|"
echo "| numbers (with its indexes and TOAST) | $((n_total / 1048576)) MiB | $(per "$n_total" "$numbers") B |"
echo "| accounts | $((a_total / 1024)) KiB | — |"
echo "| change_log, growth per number written in batches of 100 | $(((log_after - log_before) / 1024)) KiB | $(per $((log_after - log_before)) "$api_numbers") B |"
echo "| audit_trail, growth per number written in batches of 100 | $(((audit_after - audit_before) / 1024)) KiB | $(per $((audit_after - audit_before)) "$api_numbers") B |"
echo
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), default settings; drgw at commit $(git rev-parse --short HEAD)."

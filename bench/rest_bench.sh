#!/usr/bin/env bash
# bench/rest_bench.sh -- the REST API under load with wrk (bench/README.md).
#
#   bench/rest_bench.sh                       # 50 connections, 20 s per path
#   CONNECTIONS=100 DURATION=30 bench/rest_bench.sh
#   BUILD_DIR=build-rest bench/rest_bench.sh
#
# 1. builds setiad and setiactl (an optimised build; BUILD_DIR, default
#    <repo>/build);
# 2. starts a fresh private PostgreSQL 15 + Mosquitto in
#    /tmp/setia-rest-bench-$(id -u) (wiped at the start, stopped on exit);
# 3. starts setiad with the example rules and the REST API on 127.0.0.1:0
#    (rest.threads = REST_THREADS, default 4), registers a member through
#    the API and plays the paper's sale for them through the POS simulator;
# 4. wrk, WRK_THREADS threads and CONNECTIONS keep-alive connections for
#    DURATION seconds each, with the member's bearer token:
#      GET /v1/me                              (token, profile, points and expiry: 3 queries)
#      GET /v1/me/transactions/{id}/enota.html (token, the sale with lines and vouchers,
#                                               the HTML page and its QR code rendered)
#    and prints requests/s, p50 and p99 latency and the non-2xx count.
#
# Environment: CONNECTIONS (50), DURATION (20), WRK_THREADS (2),
# REST_THREADS (4), BUILD_DIR.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$REPO/build}
CONNECTIONS=${CONNECTIONS:-50}
DURATION=${DURATION:-20}
WRK_THREADS=${WRK_THREADS:-2}
REST_THREADS=${REST_THREADS:-4}
STORE=marikh-salatiga
BENCH_DIR=/tmp/setia-rest-bench-$(id -u)

BENCH_NAME=rest_bench
# shellcheck source=SCRIPTDIR/rest_bench_lib.sh
source "$REPO/bench/rest_bench_lib.sh"
for v in CONNECTIONS DURATION WRK_THREADS REST_THREADS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive whole number, not '${!v}'"
done
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || die "$tool is needed (Debian: apt-get install wrk curl python3)"
done

bench_build
bench_services

CFG=$BENCH_DIR/setiad.yaml
cat >"$CFG" <<EOF
# Written by bench/rest_bench.sh.
mqtt:
  uri: "$SETIA_MQTT_URI"
  client_id: setiad-rest-bench-$$
  topic_prefix: restbench
database:
  conninfo: "$SETIA_PG_CONNINFO"
rules:
  dir: "$REPO/config/rules"
rest:
  listen: 127.0.0.1:0
  public_url: https://crm.example
  threads: $REST_THREADS
log:
  level: info   # the REST API logs no line per request; "rest: listening on" gives the port
EOF
"$SETIACTL" --config "$CFG" db migrate >/dev/null

say "setiad"
"$SETIAD" --config "$CFG" </dev/null >"$BENCH_DIR/setiad.log" 2>&1 &
SETIAD_PID=$!
PORT=""
for ((i = 0; i < 300; i++)); do
  if grep -qw 'ready' "$BENCH_DIR/setiad.log"; then
    PORT=$(sed -n 's/.*rest: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$BENCH_DIR/setiad.log" | head -n 1)
    break
  fi
  kill -0 "$SETIAD_PID" 2>/dev/null || break
  sleep 0.1
done
[[ -n $PORT ]] || { tail -n 30 "$BENCH_DIR/setiad.log" >&2; die "setiad did not start its REST API"; }
BASE=http://127.0.0.1:$PORT
printf 'REST API on %s, %s threads\n' "$BASE" "$REST_THREADS"

json_field() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[int(k)] if k.isdigit() else d[k]
print(d)' "$1"; }

say "a member and the paper's sale"
TOKEN=$(curl -sf -X POST "$BASE/v1/auth/register" -H 'Content-Type: application/json' \
  -d "{\"store\":\"$STORE\",\"name\":\"Ocha\",\"phone\":\"081200000001\",\"email\":\"ocha@example.com\",\"password\":\"rahasia123\"}" \
  | json_field token)
CODE=$(curl -sf "$BASE/v1/me" -H "Authorization: Bearer $TOKEN" | json_field code)
cat >"$BENCH_DIR/sale.jsonl" <<EOF
{"schema":"setia.pos.sale/1","event_id":"bench-paper","store_id":"$STORE","receipt_no":"20200505234","occurred_at":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","member":"$CODE","table":"2","service":"dine_in","items":[{"sku":"NC-01","name":"Nasi Cakalang","qty":4,"unit_price":13000,"category":"food"}],"subtotal":52000,"total":52000,"paid":100000,"change":48000}
EOF
"$SETIACTL" --config "$CFG" pos send --store "$STORE" "$BENCH_DIR/sale.jsonl" >/dev/null
SALE_ID=$(curl -sf "$BASE/v1/me/transactions" -H "Authorization: Bearer $TOKEN" | json_field items.0.id)
printf 'member %s, sale %s, points %s\n' "$CODE" "$SALE_ID" \
  "$(curl -sf "$BASE/v1/me" -H "Authorization: Bearer $TOKEN" | json_field points)"

declare -A RPS P50 P99 NON2XX
run_wrk() {
  local name=$1 path=$2 out=$BENCH_DIR/wrk-$1.out
  say "wrk: GET $path, $CONNECTIONS connections, $WRK_THREADS threads, ${DURATION}s"
  curl -sf -o /dev/null "$BASE$path" -H "Authorization: Bearer $TOKEN" || die "GET $path does not answer 200"
  wrk -t "$WRK_THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" \
    "$BASE$path" | tee "$out"
  RPS[$name]=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$out")
  P50[$name]=$(awk '$1 == "50%" {print $2}' "$out")
  P99[$name]=$(awk '$1 == "99%" {print $2}' "$out")
  NON2XX[$name]=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$out")
  NON2XX[$name]=${NON2XX[$name]:-0}
}
run_wrk me /v1/me
run_wrk enota "/v1/me/transactions/$SALE_ID/enota.html"

hwm_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$SETIAD_PID/status")

say "summary"
printf '%-40s %12s %10s %10s %8s\n' path requests/s p50 p99 non-2xx
printf '%-40s %12s %10s %10s %8s\n' "GET /v1/me" "${RPS[me]}" "${P50[me]}" "${P99[me]}" "${NON2XX[me]}"
printf '%-40s %12s %10s %10s %8s\n' "GET /v1/me/transactions/{id}/enota.html" "${RPS[enota]}" "${P50[enota]}" \
  "${P99[enota]}" "${NON2XX[enota]}"
printf 'connections %s, wrk threads %s, rest.threads %s, %s s per path; setiad peak RSS %s MiB; %s vCPUs\n' \
  "$CONNECTIONS" "$WRK_THREADS" "$REST_THREADS" "$DURATION" "$(awk -v k="$hwm_kib" 'BEGIN {printf "%.1f", k / 1024}')" \
  "$(nproc)"
[[ ${NON2XX[me]} == 0 && ${NON2XX[enota]} == 0 ]] || die "some requests did not answer 2xx"

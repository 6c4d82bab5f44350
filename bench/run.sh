#!/usr/bin/env bash
# bench/run.sh -- the sale benchmark, end to end (bench/README.md).
#
#   bench/run.sh                  # 20,000 sales
#   SALES=50000 bench/run.sh
#
# 1. builds setiad, setiactl and sale_bench (Release or RelWithDebInfo, in build/);
# 2. starts a fresh private PostgreSQL 15 + Mosquitto in /tmp/setia-bench-$(id -u)
#    (wiped at the start, stopped on exit; logs stay there for reading);
# 3. migrates, adds 20 members to store marikh-salatiga, starts setiad;
# 4. sale_bench sends SALES sales through the POS library (window 20):
#    sales/s, publish->result latency p50/p99; then setiad's peak RSS;
# 5. pgbench runs setiad's own per-sale statement (bench/apply_sale.pgbench.sql),
#    1 client, SALES transactions, on the same database: the ceiling that
#    setiad's one-event-at-a-time design allows;
# 6. checks the books (each member's balance = its ledger sum, the expected
#    points, one sale per event, no dead letter) and prints a summary.
#
# Environment: SALES (default 20000), BUILD_DIR (default <repo>/build),
# LOG_LEVEL (setiad's log.level, default info as in production).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$REPO/build}
SALES=${SALES:-20000}
LOG_LEVEL=${LOG_LEVEL:-info}
WINDOW=20
MEMBERS=20
STORE=marikh-salatiga
PG_STORE=bench-pg
PREFIX=bench
BENCH_DIR=/tmp/setia-bench-$(id -u)

say() { printf '\n== %s\n' "$*"; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

[[ $SALES =~ ^[1-9][0-9]*$ ]] || die "SALES must be a positive whole number, not '$SALES'"
for tool in python3 awk; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done
started=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------------------
say "build ($BUILD)"
if [[ -f $BUILD/CMakeCache.txt ]]; then
  build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
  sanitize=$(sed -n 's/^SETIA_SANITIZE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
  case $build_type in
    Release | RelWithDebInfo) ;;
    *) die "$BUILD is configured as '${build_type:-no build type}'; benchmark an optimised build:
  cmake -S $REPO -B $BUILD -DCMAKE_BUILD_TYPE=RelWithDebInfo   (or BUILD_DIR=another/dir)" ;;
  esac
  [[ $sanitize != ON ]] || die "$BUILD is built with SETIA_SANITIZE=ON; benchmark a build without sanitizers (BUILD_DIR=...)"
else
  build_type=RelWithDebInfo
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S "$REPO" -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE="$build_type"
fi
cmake --build "$BUILD" --target setiad setiactl sale_bench \
  || die "the build failed in $BUILD. If ninja crashed (Segmentation fault) rather than the compiler,
  its .ninja_deps is corrupt (two ninjas at once in one build directory do that): remove
  $BUILD/.ninja_deps (everything rebuilds), or use another one: BUILD_DIR=/tmp/setia-bench-build"
SETIAD=$BUILD/adapters/daemon/setiad
SETIACTL=$BUILD/adapters/cli/setiactl
SALE_BENCH=$BUILD/bench/sale_bench
for b in "$SETIAD" "$SETIACTL" "$SALE_BENCH"; do
  [[ -x $b ]] || die "$b was not built"
done

# ---------------------------------------------------------------------------
say "services ($BENCH_DIR)"
# shellcheck source=SCRIPTDIR/../deploy/services.sh
source "$REPO/deploy/services.sh"
SETIAD_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $SETIAD_PID ]] && kill -0 "$SETIAD_PID" 2>/dev/null; then
    kill -TERM "$SETIAD_PID" 2>/dev/null || true
    wait "$SETIAD_PID" 2>/dev/null || true
  fi
  setia_services_stop "$BENCH_DIR" || true
  if ((rc != 0)); then
    printf 'bench: FAILED (exit %d); logs in %s\n' "$rc" "$BENCH_DIR" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A fresh cluster and broker each run: the figures do not depend on what an
# earlier run left in the tables.
setia_services_stop "$BENCH_DIR" || true
rm -rf -- "$BENCH_DIR"
setia_services_start "$BENCH_DIR"
PSQL=("$SETIA_PG_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 "$SETIA_PG_CONNINFO")

# The disk's flush latency, on the file system of PGDATA: every sale's commit
# waits for one WAL flush, so this explains most of the figures (and their
# swings on a shared VM). Prints "p50 p99" in ms of 500 fdatasync()s of 8 kB.
fsync_probe() {
  python3 - "$BENCH_DIR/fsync.probe" <<'PY'
import os, sys, time
path, n, buf = sys.argv[1], 500, b"\0" * 8192
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
os.write(fd, buf * 16)
os.fsync(fd)
t = []
for i in range(n):
    os.pwrite(fd, buf, (i % 16) * 8192)
    s = time.perf_counter()
    os.fdatasync(fd)
    t.append((time.perf_counter() - s) * 1000)
os.close(fd)
os.unlink(path)
t.sort()
print("%.2f %.2f" % (t[n // 2], t[n * 99 // 100]))
PY
}

CFG=$BENCH_DIR/setiad.yaml
cat >"$CFG" <<EOF
# Written by bench/run.sh.
mqtt:
  uri: "$SETIA_MQTT_URI"
  client_id: setiad-bench-$$-$started
  topic_prefix: $PREFIX
database:
  conninfo: "$SETIA_PG_CONNINFO"
rules:
  dir: "$REPO/config/rules"
log:
  level: $LOG_LEVEL
EOF

"$SETIACTL" --config "$CFG" db migrate
codes=()
for ((i = 1; i <= MEMBERS; i++)); do
  codes+=("$("$SETIACTL" --config "$CFG" member add --store "$STORE" --name "Pelanggan $i" --phone "0812$(printf '%08d' "$i")")")
done
pg_code=$("$SETIACTL" --config "$CFG" member add --store "$PG_STORE" --name "Pelanggan pgbench" --phone 081299999999)
member_list=$(IFS=,; printf '%s' "${codes[*]}")
printf 'members of %s: %s\nmember of %s: %s\n' "$STORE" "$member_list" "$PG_STORE" "$pg_code"

# ---------------------------------------------------------------------------
say "setiad"
"$SETIAD" --config "$CFG" </dev/null >"$BENCH_DIR/setiad.log" 2>&1 &
SETIAD_PID=$!
for ((i = 0; ; i++)); do
  grep -qw 'ready' "$BENCH_DIR/setiad.log" && break
  if ! kill -0 "$SETIAD_PID" 2>/dev/null || ((i >= 300)); then
    tail -n 30 "$BENCH_DIR/setiad.log" >&2 || true
    die "setiad did not become ready"
  fi
  sleep 0.1
done
grep -w 'ready' "$BENCH_DIR/setiad.log"

# ---------------------------------------------------------------------------
read -r fsync1_p50 fsync1_p99 < <(fsync_probe)
printf 'disk before sale_bench: fdatasync of 8 kB p50 %s ms, p99 %s ms\n' "$fsync1_p50" "$fsync1_p99"
say "sale_bench: $SALES sales, window $WINDOW"
set +e
"$SALE_BENCH" --mqtt "$SETIA_MQTT_URI" --prefix "$PREFIX" --store "$STORE" --members "$member_list" \
  --sales "$SALES" --window "$WINDOW" --timeout-ms 10000 --client-id "sale-bench-$$-$started" \
  | tee "$BENCH_DIR/sale_bench.out"
bench_rc=${PIPESTATUS[0]}
set -e
((bench_rc == 0)) || die "sale_bench failed (exit $bench_rc): a sale was rejected or left unanswered"
result=$(sed -n 's/^RESULT //p' "$BENCH_DIR/sale_bench.out" | tail -n 1)
[[ -n $result ]] || die "sale_bench printed no RESULT line"
field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print(f"{v:.2f}" if isinstance(v,float) else v)' "$1" "$2"; }
sales_per_s=$(field "$result" sales_per_s)
p50=$(field "$result" latency_p50_ms)
p99=$(field "$result" latency_p99_ms)
wall=$(field "$result" wall_s)
applied=$(field "$result" applied)
duplicate=$(field "$result" duplicate)
rejected=$(field "$result" rejected)
unanswered=$(field "$result" unanswered)
expected_points=$(field "$result" expected_points)

# Peak resident set of setiad over its life (it is still running).
hwm_kib=$(awk '/^VmHWM:/ {print $2}' "/proc/$SETIAD_PID/status")
rss_kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$SETIAD_PID/status")
peak_rss_mib=$(awk -v k="$hwm_kib" 'BEGIN {printf "%.1f", k / 1024}')
rss_mib=$(awk -v k="$rss_kib" 'BEGIN {printf "%.1f", k / 1024}')
printf 'setiad peak RSS (VmHWM): %s MiB (VmRSS now %s MiB)\n' "$peak_rss_mib" "$rss_mib"

# Stop it now (SIGTERM: drain and exit 0) so that it takes no CPU from pgbench.
kill -TERM "$SETIAD_PID"
setiad_rc=0
wait "$SETIAD_PID" || setiad_rc=$?
SETIAD_PID=""
((setiad_rc == 0)) || die "setiad exited $setiad_rc on SIGTERM (log: $BENCH_DIR/setiad.log)"
grep 'stopped:' "$BENCH_DIR/setiad.log" || true

# ---------------------------------------------------------------------------
read -r fsync2_p50 fsync2_p99 < <(fsync_probe)
printf 'disk between: fdatasync of 8 kB p50 %s ms, p99 %s ms\n' "$fsync2_p50" "$fsync2_p99"
say "pgbench: setiad's per-sale statement, 1 client, 1 thread, $SALES transactions"
"$SETIA_PGBENCH" -n -M simple -c 1 -j 1 -t "$SALES" -D member="$pg_code" \
  -f "$REPO/bench/apply_sale.pgbench.sql" -h 127.0.0.1 -p "$SETIA_PG_PORT" -U setia setia \
  | tee "$BENCH_DIR/pgbench.out"
tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$BENCH_DIR/pgbench.out" | tail -n 1)
pg_latency=$(sed -n 's/^latency average = \([0-9.]*\) ms.*/\1/p' "$BENCH_DIR/pgbench.out" | tail -n 1)
[[ -n $tps ]] || die "no tps in pgbench's output"
tps=$(awk -v t="$tps" 'BEGIN {printf "%.1f", t}')
grep -q "number of failed transactions: 0 " "$BENCH_DIR/pgbench.out" \
  || ! grep -q "number of failed transactions" "$BENCH_DIR/pgbench.out" \
  || die "pgbench had failed transactions"
ratio=$(awk -v a="$sales_per_s" -v b="$tps" 'BEGIN {printf "%.2f", a / b}')
read -r fsync3_p50 fsync3_p99 < <(fsync_probe)
printf 'disk after pgbench: fdatasync of 8 kB p50 %s ms, p99 %s ms\n' "$fsync3_p50" "$fsync3_p99"

# ---------------------------------------------------------------------------
say "correctness"
read -r members_sum ledger_sum bad_members < <("${PSQL[@]}" -F ' ' -c "
  SELECT (SELECT coalesce(sum(points), 0) FROM members),
         (SELECT coalesce(sum(points), 0) FROM points_ledger),
         (SELECT count(*) FROM members m
            LEFT JOIN (SELECT member_id, sum(points) AS s FROM points_ledger GROUP BY member_id) l
              ON l.member_id = m.id
           WHERE m.points <> coalesce(l.s, 0))")
read -r store_points store_sales store_events store_applied < <("${PSQL[@]}" -F ' ' -c "
  SELECT (SELECT coalesce(sum(points), 0) FROM members WHERE store_id = '$STORE'),
         (SELECT count(*) FROM sales WHERE store_id = '$STORE'),
         (SELECT count(*) FROM events WHERE store_id = '$STORE'),
         (SELECT count(*) FROM events WHERE store_id = '$STORE' AND status = 'applied')")
read -r pg_points pg_sales < <("${PSQL[@]}" -F ' ' -c "
  SELECT (SELECT coalesce(sum(points), 0) FROM members WHERE store_id = '$PG_STORE'),
         (SELECT count(*) FROM sales WHERE store_id = '$PG_STORE')")
dead_letters=$("${PSQL[@]}" -c "SELECT count(*) FROM dead_letters")
printf 'balances: members sum %s points, ledger sum %s points, members whose balance != ledger: %s\n' \
  "$members_sum" "$ledger_sum" "$bad_members"
printf '%s: %s sales, %s events (%s applied), %s points (expected %s)\n' \
  "$STORE" "$store_sales" "$store_events" "$store_applied" "$store_points" "$expected_points"
printf '%s: %s sales, %s points (expected %s)\n' "$PG_STORE" "$pg_sales" "$pg_points" "$((SALES * 61))"
printf 'dead letters: %s\n' "$dead_letters"
problems=()
[[ $members_sum == "$ledger_sum" ]] || problems+=("the members' balance sum ($members_sum) is not the ledger sum ($ledger_sum)")
[[ $bad_members == 0 ]] || problems+=("$bad_members member(s) have a balance that is not their ledger sum")
[[ $store_points == "$expected_points" ]] || problems+=("$STORE: $store_points points, expected $expected_points")
[[ $store_sales == "$SALES" && $store_events == "$SALES" && $store_applied == "$SALES" ]] \
  || problems+=("$STORE: $store_sales sales / $store_events events / $store_applied applied, expected $SALES each")
[[ $pg_sales == "$SALES" && $pg_points == "$((SALES * 61))" ]] \
  || problems+=("$PG_STORE: $pg_sales sales and $pg_points points, expected $SALES and $((SALES * 61))")
[[ $dead_letters == 0 ]] || problems+=("$dead_letters dead letter(s)")
if ((${#problems[@]})); then
  printf 'bench: CORRECTNESS FAILED: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "books OK"

# ---------------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
commit=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo "unknown (not a git checkout)")
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
# Everything here shares the machine: setiad, Mosquitto, PostgreSQL, the
# POS, and whatever else runs. Say so when something else was busy.
load_note=""
if awk -v l="${load_start%% *}" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}'; then
  load_note="  (the machine was busy before the run: figures are low and noisy)"
fi
summary=$(cat <<EOF
==================== Setia sale benchmark ====================
date                      $(date -u '+%Y-%m-%d %H:%M:%S UTC')
machine                   $(nproc) vCPU, ${cpu:-unknown CPU}; PostgreSQL $("$SETIA_PG_BIN/postgres" --version | awk '{print $3}') (fsync on, synchronous_commit on)
disk flush (fdatasync 8 kB, p50 / p99)
  before sale_bench       $fsync1_p50 / $fsync1_p99 ms
  before pgbench          $fsync2_p50 / $fsync2_p99 ms
  after pgbench           $fsync3_p50 / $fsync3_p99 ms
load average              $load_start at start, $load_end at end (1/5/15 min)$load_note
build                     $build_type, commit $commit; setiad log.level $LOG_LEVEL
sales                     $SALES (store $STORE, $MEMBERS members, window $WINDOW)
  wall time               $wall s
  throughput              $sales_per_s sales/s (publish -> result, end to end)
  latency p50             $p50 ms (first publish -> result)
  latency p99             $p99 ms
  applied / duplicate     $applied / $duplicate
  rejected / unanswered   $rejected / $unanswered
setiad peak RSS           $peak_rss_mib MiB (VmHWM)
pgbench (same statement)  $tps tps (1 client, 1 thread, $SALES transactions, latency avg $pg_latency ms)
ratio setiad / pgbench    $ratio (sales/s / tps)
books                     OK: balances $members_sum points = ledger $ledger_sum points
total bench time          $(($(date +%s) - started)) s
===============================================================
EOF
)
printf '\n%s\n' "$summary"
printf '%s\n' "$summary" >"$BENCH_DIR/summary.txt"

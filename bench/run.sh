#!/usr/bin/env bash
# bench/run.sh -- the sale benchmark, end to end (bench/README.md).
#
#   bench/run.sh                                   # the shapes below, default sizes
#   SALES=50000 BURST=50000 BACKLOG=20000 bench/run.sh
#   BEFORE_SETIAD=/path/to/old/setiad bench/run.sh # the same shapes against another setiad first
#   BEFORE_REV=e93cdc9 bench/run.sh                # pgbench also that revision's per-sale statement
#
# 1. builds setiad, setiactl and sale_bench (Release or RelWithDebInfo, in build/);
# 2. starts a fresh private PostgreSQL 15 + Mosquitto in /tmp/setia-bench-$(id -u)
#    (wiped at the start, stopped on exit; logs stay there for reading);
# 3. migrates, adds 20 members to each benchmarked store, and writes HISTORY
#    sales of another store with setiad's statement (a database in use);
# 4. for each setiad (BEFORE_SETIAD first, when given, then this build's),
#    sale_bench sends through the POS library, as a till does:
#      steady   SALES sales, at most 20 awaiting their result;
#      burst    BURST sales published at once (window 0);
#      backlog  BACKLOG sales published while setiad is stopped, then setiad
#               started: the rate from its start to the last result;
#      junk     JUNK_SALES sales at once while another client floods the
#               same topic with JUNK malformed payloads: the time until
#               every sale is answered, and every junk payload a dead letter;
#    the steady, burst and backlog shapes each start from a vacuumed,
#    analyzed and checkpointed database (settle, below);
# 5. scaling: 1, 2 and 3 setiad processes on one shared subscription, a
#    burst of SCALE sales each time;
# 6. a noisy tenant: QUIET sales of quiet-cafe at 20 a second, alone, then
#    with noisy-cafe publishing NOISY sales at once 2 s in; against this
#    setiad with its default fairness quota and with the quota off
#    (fairness.store_rate 0): the quiet store's p50/p99;
# 7. pgbench of setiad's own per-sale statement (bench/apply_sale.pgbench.sql)
#    and of the minimal sale (bench/minimal-sale/), 1, 2 and 4 clients, 15 s
#    each, on the same server: the floors setiad is compared with; with
#    BEFORE_REV, also the statement of that revision's migrations (in a
#    database of its own), each client count's three runs back to back, then
#    PAIRED_ROUNDS rounds of 300 statements of each, alternated (the
#    statement's own speed, synchronous_commit off: the median ratio);
# 8. paired rounds: ROUNDS rounds of a steady stream of ROUND_SALES sales
#    (through this setiad, and BEFORE_SETIAD when given) and ROUND_SALES of
#    setiad's statement by pgbench at 1 client, seconds apart, the order
#    swapped every round: the median ratios steady / statement and, with
#    BEFORE_SETIAD, steady now / before;
# 9. checks the books (each member's balance = its ledger sum, the expected
#    points, one sale per event, no dead letter) and prints a summary with
#    the ratios.
#
# Environment: SALES (20000), BURST (20000), BACKLOG (10000), JUNK (20000),
# JUNK_SALES (1000), SCALE (10000;
# 0 skips the scaling runs), QUIET (200), NOISY (20000; 0 skips the noisy
# tenant), HISTORY (10000; 0: an empty database), PGBENCH_S (15), PAIRED_ROUNDS (30; with BEFORE_REV),
# ROUNDS (10; 0 skips the paired rounds of step 8), ROUND_SALES (2000), BEFORE_SETIAD, BEFORE_REV, BUILD_DIR
# (default <repo>/build), LOG_LEVEL (setiad's log.level, default info as in
# production).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$REPO/build}
SALES=${SALES:-20000}
BURST=${BURST:-20000}
BACKLOG=${BACKLOG:-10000}
SCALE=${SCALE:-10000}
JUNK=${JUNK:-20000}
JUNK_SALES=${JUNK_SALES:-1000}
QUIET=${QUIET:-200}
NOISY=${NOISY:-20000}
PGBENCH_S=${PGBENCH_S:-15}
PAIRED_ROUNDS=${PAIRED_ROUNDS:-30}
ROUNDS=${ROUNDS:-10}
ROUND_SALES=${ROUND_SALES:-2000}
HISTORY=${HISTORY:-10000}
BEFORE_SETIAD=${BEFORE_SETIAD:-}
BEFORE_REV=${BEFORE_REV:-}
LOG_LEVEL=${LOG_LEVEL:-info}
WINDOW=20
MEMBERS=20
STORE=marikh-salatiga
PG_STORE=bench-pg
PREFIX=bench
BENCH_DIR=/tmp/setia-bench-$(id -u)

say() { printf '\n== %s\n' "$*"; }
die() { printf 'bench: ERROR: %s\n' "$*" >&2; exit 1; }

for knob in SALES BURST BACKLOG JUNK JUNK_SALES QUIET PGBENCH_S; do
  [[ ${!knob} =~ ^[1-9][0-9]*$ ]] || die "$knob must be a positive whole number, not '${!knob}'"
done
[[ $SCALE =~ ^[0-9]+$ ]] || die "SCALE must be a whole number, not '$SCALE'"
[[ $NOISY =~ ^[0-9]+$ ]] || die "NOISY must be a whole number, not '$NOISY'"
[[ $HISTORY =~ ^[0-9]+$ ]] || die "HISTORY must be a whole number, not '$HISTORY'"
[[ $PAIRED_ROUNDS =~ ^[0-9]+$ ]] || die "PAIRED_ROUNDS must be a whole number, not '$PAIRED_ROUNDS'"
[[ $ROUNDS =~ ^[0-9]+$ ]] || die "ROUNDS must be a whole number, not '$ROUNDS'"
[[ $ROUND_SALES =~ ^[1-9][0-9]*$ ]] || die "ROUND_SALES must be a positive whole number, not '$ROUND_SALES'"
[[ -z $BEFORE_SETIAD || -x $BEFORE_SETIAD ]] || die "BEFORE_SETIAD=$BEFORE_SETIAD is not an executable"
[[ -z $BEFORE_REV ]] || git -C "$REPO" rev-parse --verify -q "$BEFORE_REV^{commit}" >/dev/null \
  || die "BEFORE_REV=$BEFORE_REV is not a commit of $REPO"
for tool in python3 awk; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done
started=$(date +%s)
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
# The host's share of our CPU time (/proc/stat "steal": time a vCPU wanted to
# run and the hypervisor ran someone else). On a shared VM it moves every
# figure below; the summary gives it for the shapes and for pgbench.
cpu_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $9}' /proc/stat; }
steal_since() {  # "TOTAL STEAL" of an earlier cpu_ticks -> steal in % of the CPU time since
  local t0=${1% *} s0=${1#* } now
  now=$(cpu_ticks)
  awk -v t="$((${now% *} - t0))" -v s="$((${now#* } - s0))" 'BEGIN {if (t > 0) printf "%.0f%%", 100 * s / t; else print "-"}'
}
ticks_start=$(cpu_ticks)

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
SETIAD_PIDS=()
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  for pid in "${SETIAD_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
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

# setiad's config: one per process (its client id), the broker, the
# database, the shipped rules. The same client id across runs of one
# setiad: the backlog run needs the session the earlier runs made.
write_config() {  # FILE CLIENT_ID PREFIX [SHARED_GROUP [MORE_YAML]]
  cat >"$1" <<EOF
# Written by bench/run.sh.
mqtt:
  uri: "$SETIA_MQTT_URI"
  client_id: $2
  topic_prefix: $3
${4:+  shared_group: $4}
database:
  conninfo: "$SETIA_PG_CONNINFO"
rules:
  dir: "$REPO/config/rules"
log:
  level: $LOG_LEVEL
${5:-}
EOF
}

# start_setiad BINARY CONFIG LOG [wait]: appends to SETIAD_PIDS; waits for
# 'ready' in its log unless told not to (the backlog run times from the
# start, readiness included).
start_setiad() {
  local bin=$1 cfg=$2 log=$3 wait=${4:-wait} pid i from
  : >>"$log"  # before the readiness loop reads it (the background start may not have made it yet)
  from=$(wc -l <"$log")
  "$bin" --config "$cfg" </dev/null >>"$log" 2>&1 &
  pid=$!
  SETIAD_PIDS+=("$pid")
  [[ $wait == wait ]] || return 0
  for ((i = 0; ; i++)); do
    tail -n +"$((from + 1))" "$log" | grep -q 'ready: consuming' && break
    if ! kill -0 "$pid" 2>/dev/null || ((i >= 300)); then
      tail -n 30 "$log" >&2 || true
      die "setiad ($bin) did not become ready"
    fi
    sleep 0.1
  done
}

# Stops every setiad started (SIGTERM: drain and exit 0) and records the
# peak RSS of the last one first.
PEAK_RSS_MIB=""
stop_setiads() {
  local pid rc
  for pid in "${SETIAD_PIDS[@]}"; do
    PEAK_RSS_MIB=$(awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || echo "?")
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${SETIAD_PIDS[@]}"; do
    rc=0
    wait "$pid" || rc=$?
    ((rc == 0)) || die "setiad $pid exited $rc on SIGTERM (logs in $BENCH_DIR)"
  done
  SETIAD_PIDS=()
}

field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print(f"{v:.2f}" if isinstance(v,float) else v)' "$1" "$2"; }

# sale_bench_run NAME PREFIX STORE MEMBERS SALES WINDOW [BACKLOG_FILE [JUNK]]: prints
# its output into NAME.out; the RESULT json goes to RESULT_<NAME>.
declare -A RESULT
BENCH_EXTRA=()  # more sale_bench arguments for the next run (--rate, --deadline-s)
sale_bench_run() {
  local name=$1 prefix=$2 store=$3 members=$4 sales=$5 window=$6 backlog=${7:-} junk=${8:-0} rc=0
  local args=(--mqtt "$SETIA_MQTT_URI" --prefix "$prefix" --store "$store" --members "$members"
    --sales "$sales" --window "$window" --client-id "sale-bench-$name-$$")
  # A burst or a backlog must be answered in full without republishing:
  # a POS republishes after its timeout only while no answers come (the
  # POS library's progress rule), so a long timeout changes nothing when
  # setiad keeps up, and shows it when it does not.
  # Given up after 120 s (the junk run's target; a steady run of the
  # default size takes under a minute).
  if [[ $window == 0 || -n $backlog ]]; then args+=(--timeout-ms 30000); else args+=(--timeout-ms 10000); fi
  args+=(--deadline-s 120)
  [[ -z $backlog ]] || args+=(--backlog "$backlog")
  ((junk == 0)) || args+=(--junk "$junk")
  args+=("${BENCH_EXTRA[@]}")
  "$SALE_BENCH" "${args[@]}" >"$BENCH_DIR/$name.out" 2>&1 || rc=$?
  sed -n 's/^RESULT //p' "$BENCH_DIR/$name.out" | tail -n 1 >"$BENCH_DIR/$name.json"
  RESULT[$name]=$(cat "$BENCH_DIR/$name.json")
  [[ -n ${RESULT[$name]} ]] || { cat "$BENCH_DIR/$name.out" >&2; die "sale_bench $name printed no RESULT line"; }
  printf '%-16s %6s sales  %8s sales/s  p50 %9s ms  p99 %9s ms  applied %s dup %s rejected %s unanswered %s republished %s\n' \
    "$name" "$(field "${RESULT[$name]}" sales)" "$(field "${RESULT[$name]}" sales_per_s)" \
    "$(field "${RESULT[$name]}" latency_p50_ms)" "$(field "${RESULT[$name]}" latency_p99_ms)" \
    "$(field "${RESULT[$name]}" applied)" "$(field "${RESULT[$name]}" duplicate)" "$(field "${RESULT[$name]}" rejected)" \
    "$(field "${RESULT[$name]}" unanswered)" "$(field "${RESULT[$name]}" republished)"
  return "$rc"
}

# Each shape starts from the same database state: vacuumed, analyzed and
# checkpointed. Without it the shapes measured later in a run (burst,
# backlog, then every shape of the second setiad) meet the autovacuum and
# the checkpoint the earlier shapes' inserts set off, at moments no shape
# controls, and a ratio between two shapes measures that instead.
settle() {
  "$SETIA_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SETIA_PG_PORT" -U postgres -d setia \
    -c "VACUUM (ANALYZE)" -c "CHECKPOINT" >/dev/null
}

add_members() {  # STORE -> comma-separated codes
  local store=$1 codes=() i
  for ((i = 1; i <= MEMBERS; i++)); do
    codes+=("$("$SETIACTL" --config "$BENCH_DIR/setiactl.yaml" member add --store "$store" --name "Pelanggan $i" \
      --phone "0812$(printf '%08d' "$i")")")
  done
  (IFS=,; printf '%s' "${codes[*]}")
}

write_config "$BENCH_DIR/setiactl.yaml" "setiactl-bench" "$PREFIX"
"$SETIACTL" --config "$BENCH_DIR/setiactl.yaml" db migrate

# pgbench's store and its statement script (step 7), made first: they also
# give the database its history.
pg_code_list=()
for ((i = 1; i <= MEMBERS; i++)); do
  pg_code_list+=("'$("$SETIACTL" --config "$BENCH_DIR/setiactl.yaml" member add --store "$PG_STORE" --name "Pelanggan pg $i" --phone "0813$(printf '%08d' "$i")")'")
done
# bench/apply_sale.pgbench.sql with a member drawn from 20 per sale, as
# sale_bench's sales are (one member for every client would make the
# clients queue on its row lock).
{
  printf '\\set m random(1, %d)\n' "$MEMBERS"
  sed -e "s/':member'/(ARRAY[$(IFS=,; printf '%s' "${pg_code_list[*]}")])[:m]/" "$REPO/bench/apply_sale.pgbench.sql"
} >"$BENCH_DIR/apply_sale.pgbench.sql"

# History: HISTORY sales of pgbench's store, through setiad's own statement,
# before any shape. A café in operation, or a vendor's thousand cafés, has
# history; an empty database measures something else. Each connection
# keeps its statements' plans until their tables are analyzed again, and
# the plans made at the first sales of empty, just-analyzed tables scan
# them sequentially (the foreign-key checks of `sales` and the lookups of
# `events`): kept while the tables grow, they took a steady stream from 626
# sales/s in its first second to 72-118 a second after a minute
# (bench/README.md, "An empty database").
if ((HISTORY > 0)); then
  PGOPTIONS="-c synchronous_commit=off" "$SETIA_PGBENCH" -n -M prepared -c 2 -j 2 -t "$(((HISTORY + 1) / 2))" \
    -f "$BENCH_DIR/apply_sale.pgbench.sql" -h 127.0.0.1 -p "$SETIA_PG_PORT" -U setia setia >"$BENCH_DIR/history.out" 2>&1 \
    || { cat "$BENCH_DIR/history.out" >&2; die "pgbench could not write the history"; }
  echo "history: $(( (HISTORY + 1) / 2 * 2 )) sales of $PG_STORE"
fi

# The three shapes against one setiad binary: NAME_PREFIX BINARY STORE.
# Returns non-zero when a sale was rejected or left unanswered.
shapes() {
  local tag=$1 bin=$2 store=$3 members cfg=$BENCH_DIR/setiad-$1.yaml log=$BENCH_DIR/setiad-$1.log failed=0
  members=$(add_members "$store")
  write_config "$cfg" "setiad-bench-$tag-$$" "$PREFIX"
  say "$tag: steady ($SALES sales, window $WINDOW), burst ($BURST at once), backlog ($BACKLOG while stopped), junk ($JUNK among $JUNK_SALES)"
  settle
  start_setiad "$bin" "$cfg" "$log"
  sale_bench_run "$tag-steady" "$PREFIX" "$store" "$members" "$SALES" "$WINDOW" || failed=1
  settle
  sale_bench_run "$tag-burst" "$PREFIX" "$store" "$members" "$BURST" 0 || failed=1
  stop_setiads
  RSS[$tag]=$PEAK_RSS_MIB
  settle
  rm -f "$BENCH_DIR/go-$tag"
  sale_bench_run "$tag-backlog" "$PREFIX" "$store" "$members" "$BACKLOG" 0 "$BENCH_DIR/go-$tag" &
  local bench_pid=$!
  until grep -q 'backlog published' "$BENCH_DIR/$tag-backlog.out" 2>/dev/null; do
    kill -0 "$bench_pid" 2>/dev/null || break
    sleep 0.1
  done
  touch "$BENCH_DIR/go-$tag"
  start_setiad "$bin" "$cfg" "$log" nowait
  wait "$bench_pid" || failed=1
  RESULT[$tag-backlog]=$(cat "$BENCH_DIR/$tag-backlog.json")
  stop_setiads
  start_setiad "$bin" "$cfg" "$log"
  local junk_start=$SECONDS dl=0
  sale_bench_run "$tag-junk" "$PREFIX" "$store" "$members" "$JUNK_SALES" 0 "" "$JUNK" || failed=1
  # The sales are answered; the flood may still be in setiad's queue. Wait
  # until every junk payload is a dead letter (at most 300 s), and time it.
  local junk_want
  junk_want=$(field "${RESULT[$tag-junk]}" junk)
  while (( SECONDS - junk_start < 300 )); do
    dl=$("${PSQL[@]}" -c "SELECT count(*) FROM dead_letters WHERE store_id = '$store'")
    ((dl < junk_want)) || break
    sleep 0.2
  done
  JUNK_DRAINED[$tag]="$dl dead letters of $junk_want junk in $((SECONDS - junk_start)) s"
  echo "$tag-junk: ${JUNK_DRAINED[$tag]}"
  stop_setiads
  grep 'stopped:' "$log" | tail -n 1 || true
  return "$failed"
}

declare -A RSS JUNK_DRAINED
before_failed=0
if [[ -n $BEFORE_SETIAD ]]; then
  shapes before "$BEFORE_SETIAD" before-cafe || before_failed=1
fi
read -r fsync1_p50 fsync1_p99 < <(fsync_probe)
shapes after "$SETIAD" "$STORE" || die "this setiad left a sale rejected or unanswered (logs in $BENCH_DIR)"

# ---------------------------------------------------------------------------
# Scaling: N setiad processes, one shared subscription, a burst each time.
declare -A SCALE_RATE
if ((SCALE > 0)); then
  scale_members=$(add_members scale-cafe)
  for n in 1 2 3; do
    say "scaling: $n setiad process(es) on \$share/bench-scale, a burst of $SCALE"
    for ((w = 1; w <= n; w++)); do
      write_config "$BENCH_DIR/setiad-scale-$w.yaml" "setiad-bench-scale-$w-$$" scale bench-scale
      start_setiad "$SETIAD" "$BENCH_DIR/setiad-scale-$w.yaml" "$BENCH_DIR/setiad-scale-$w.log"
    done
    sale_bench_run "scale-$n" scale scale-cafe "$scale_members" "$SCALE" 0 \
      || die "scaling with $n setiad left a sale rejected or unanswered"
    SCALE_RATE[$n]=$(field "${RESULT[scale-$n]}" sales_per_s)
    stop_setiads
  done
fi

# ---------------------------------------------------------------------------
# A noisy tenant: the quiet store's latency, alone and behind another
# store's flood, with the fairness quota (the default) and without it.
# The noisy store gives up after 30 s: with the quota on it is held to
# fairness.store_rate, and what it did not get through is its POS's to
# send later (bench/README.md).
declare -A NOISY_NOTE
if ((NOISY > 0)); then
  quiet_members=$(add_members quiet-cafe)
  noisy_members=$(add_members noisy-cafe)
  for q in on off; do
    fairness=""
    [[ $q == on ]] || fairness=$'fairness:\n  store_rate: 0'
    say "noisy tenant, quota $q: quiet-cafe $QUIET sales at 20/s, noisy-cafe $NOISY at once 2 s in"
    write_config "$BENCH_DIR/setiad-fair-$q.yaml" "setiad-bench-fair-$q-$$" fair "" "$fairness"
    start_setiad "$SETIAD" "$BENCH_DIR/setiad-fair-$q.yaml" "$BENCH_DIR/setiad-fair-$q.log"
    BENCH_EXTRA=(--rate 20)
    if [[ $q == on ]]; then
      sale_bench_run fair-quiet-alone fair quiet-cafe "$quiet_members" "$QUIET" 0 \
        || die "the quiet store alone left a sale unanswered"
    fi
    sale_bench_run "fair-quiet-$q" fair quiet-cafe "$quiet_members" "$QUIET" 0 &
    quiet_pid=$!
    sleep 2
    BENCH_EXTRA=(--deadline-s 30)
    sale_bench_run "fair-noisy-$q" fair noisy-cafe "$noisy_members" "$NOISY" 0 || true
    BENCH_EXTRA=()
    wait "$quiet_pid" || die "the quiet store left a sale unanswered behind the flood (quota $q)"
    RESULT[fair-quiet-$q]=$(cat "$BENCH_DIR/fair-quiet-$q.json")
    NOISY_NOTE[$q]="noisy-cafe: $(field "${RESULT[fair-noisy-$q]}" applied) applied in 30 s, $(field "${RESULT[fair-noisy-$q]}" throttle_notices) throttle notices, $(field "${RESULT[fair-noisy-$q]}" unanswered) left to its POS"
    echo "${NOISY_NOTE[$q]}"
    stop_setiads
  done
fi

# ---------------------------------------------------------------------------
steal_shapes=$(steal_since "$ticks_start")
read -r fsync2_p50 fsync2_p99 < <(fsync_probe)
ticks_pgbench=$(cpu_ticks)
say "pgbench: setiad's per-sale statement and the minimal sale, 1/2/4 clients, $PGBENCH_S s each"
"${PSQL[@]}" -c "CREATE DATABASE minimal" 2>/dev/null || true
MIN_PSQL=("$SETIA_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SETIA_PG_PORT" -d minimal)
# The reset ends with a CHECKPOINT: the superuser's.
PGOPTIONS="-c client_min_messages=warning" "${MIN_PSQL[@]}" -U setia -f "$REPO/bench/minimal-sale/minimal-sale-schema.sql" >/dev/null
declare -A TPS
pgbench_tps() {  # NAME DB SCRIPT MODE CLIENTS
  local out=$BENCH_DIR/pgbench-$1.out
  "$SETIA_PGBENCH" -n -M "$4" -c "$5" -j "$(( $5 < 2 ? 1 : 2 ))" -T "$PGBENCH_S" -f "$3" \
    -h 127.0.0.1 -p "$SETIA_PG_PORT" -U setia "$2" >"$out" 2>&1 || { cat "$out" >&2; die "pgbench $1 failed"; }
  TPS[$1]=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$out" | tail -n 1 | awk '{printf "%.1f", $1}')
  [[ -n ${TPS[$1]} ]] || die "no tps in $out"
  printf '%-22s %8s tps\n' "$1" "${TPS[$1]}"
}
if [[ -n $BEFORE_REV ]]; then
  # That revision's schema and functions, applied as setiactl db migrate
  # applies them (each file in one transaction, in order), with the same
  # members.
  rm -rf -- "$BENCH_DIR/before-rev" && mkdir -p "$BENCH_DIR/before-rev"
  git -C "$REPO" archive "$BEFORE_REV" adapters/postgres/migrations | tar -x -C "$BENCH_DIR/before-rev"
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS setia_before" -c "CREATE DATABASE setia_before"
  BEFORE_PSQL=("$SETIA_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SETIA_PG_PORT" -U setia -d setia_before)
  for f in "$BENCH_DIR"/before-rev/adapters/postgres/migrations/*.sql; do
    PGOPTIONS="-c client_min_messages=warning" "${BEFORE_PSQL[@]}" -1 -f "$f" >/dev/null
  done
  for ((i = 1; i <= MEMBERS; i++)); do
    "${BEFORE_PSQL[@]}" -c "INSERT INTO members (store_id, code, name, phone)
      VALUES ('$PG_STORE', ${pg_code_list[i - 1]}, 'Pelanggan pg $i', '0813$(printf '%08d' "$i")')"
  done
fi
for c in 1 2 4; do
  # Prepared, as setiad sends it (PgSession::prepared); the script's member
  # is an expression above, no longer inside a quoted literal.
  [[ -z $BEFORE_REV ]] || pgbench_tps "before-stmt-c$c" setia_before "$BENCH_DIR/apply_sale.pgbench.sql" prepared "$c"
  pgbench_tps "setiad-stmt-c$c" setia "$BENCH_DIR/apply_sale.pgbench.sql" prepared "$c"
  "${MIN_PSQL[@]}" -U postgres -f "$REPO/bench/minimal-sale/minimal-sale-reset.sql" >/dev/null
  pgbench_tps "minimal-c$c" minimal "$REPO/bench/minimal-sale/minimal-sale.pgbench" prepared "$c"
done
# The two statements in paired rounds: PAIRED_ROUNDS rounds of 300 sales
# each, one client, synchronous_commit off (the statement's own work, not
# the disk's flush), the order swapped every round; the median of the
# rounds' after/before ratios. Runs minutes apart, as above, meet different
# moods of a shared host; two runs seconds apart meet the same one.
# The median of paired rounds' ratios, their range, and how many reach a
# threshold (1: faster; 0.8: the steady / statement target).
median_of() {  # THRESHOLD RATIOS... -> "median (of N rounds, range lo-hi; above THRESHOLD in k)"
  local threshold=$1
  shift
  printf '%s\n' "$@" | sort -n | awk -v t="$threshold" '{v[NR] = $1; if ($1 >= t) w++}
    END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f (median of %d rounds, range %.3f-%.3f; >= %s in %d)", m, NR, v[1], v[NR], t, w}'
}
PAIRED=""
if [[ -n $BEFORE_REV ]] && ((PAIRED_ROUNDS > 0)); then
  paired_ms() {  # DB -> mean latency in ms of 300 statements
    PGOPTIONS="-c synchronous_commit=off" "$SETIA_PGBENCH" -n -M prepared -c 1 -j 1 -t 300 \
      -f "$BENCH_DIR/apply_sale.pgbench.sql" -h 127.0.0.1 -p "$SETIA_PG_PORT" -U setia "$1" 2>&1 \
      | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p'
  }
  ratios=()
  for ((r = 0; r < PAIRED_ROUNDS; r++)); do
    if ((r % 2)); then t_before=$(paired_ms setia_before); t_now=$(paired_ms setia); else t_now=$(paired_ms setia); t_before=$(paired_ms setia_before); fi
    [[ -n $t_now && -n $t_before ]] || die "pgbench printed no latency in a paired round"
    ratios+=("$(awk -v a="$t_now" -v b="$t_before" 'BEGIN {printf "%.4f", b / a}')")
  done
  PAIRED=$(median_of 1 "${ratios[@]}")
  printf 'paired rounds, statement speed now / at %s: %s\n' "$BEFORE_REV" "$PAIRED"
fi
steal_pgbench=$(steal_since "$ticks_pgbench")
read -r fsync3_p50 fsync3_p99 < <(fsync_probe)

# ---------------------------------------------------------------------------
# 8. Steady and statement in paired rounds: ROUNDS rounds, each a steady
# stream of ROUND_SALES sales (window 20) through this setiad (and through
# BEFORE_SETIAD, when given) and ROUND_SALES of setiad's statement by
# pgbench at 1 client (synchronous_commit on, as setiad commits), the order
# swapped every round; the median of the rounds' ratios. The shapes above
# and pgbench run minutes apart, and a shared host's steal moves between
# them by tens of percent (bench/README.md, "Paired rounds"): a ratio of two
# runs seconds apart is the one to read.
ROUNDS_STMT="" ROUNDS_BEFORE=""
if ((ROUNDS > 0)); then
  say "paired rounds: $ROUNDS x (a steady stream of $ROUND_SALES sales${BEFORE_SETIAD:+ through each setiad}, $ROUND_SALES statements at 1 client)"
  ticks_rounds=$(cpu_ticks)
  round_members=$(add_members rounds-cafe)
  write_config "$BENCH_DIR/setiad-rounds.yaml" "setiad-bench-rounds-$$" "$PREFIX"
  start_setiad "$SETIAD" "$BENCH_DIR/setiad-rounds.yaml" "$BENCH_DIR/setiad-rounds.log"
  if [[ -n $BEFORE_SETIAD ]]; then
    round_before_members=$(add_members rounds-before-cafe)
    write_config "$BENCH_DIR/setiad-rounds-before.yaml" "setiad-bench-rounds-before-$$" "$PREFIX-before"
    start_setiad "$BEFORE_SETIAD" "$BENCH_DIR/setiad-rounds-before.yaml" "$BENCH_DIR/setiad-rounds-before.log"
  fi
  # BEFORE_SETIAD's stream of round $r; as in the shapes, what it leaves
  # unanswered is noted (before_failed), and that round has no now/before
  # ratio.
  round_before() {
    sale_bench_run "$before_name" "$PREFIX-before" rounds-before-cafe "$round_before_members" "$ROUND_SALES" "$WINDOW" >/dev/null && return 0
    echo "round $r: BEFORE_SETIAD left sales unanswered or rejected"
    before_failed=1
    return 1
  }
  round_stmt() {  # -> tps of ROUND_SALES statements at 1 client
    "$SETIA_PGBENCH" -n -M prepared -c 1 -j 1 -t "$ROUND_SALES" -f "$BENCH_DIR/apply_sale.pgbench.sql" \
      -h 127.0.0.1 -p "$SETIA_PG_PORT" -U setia setia 2>&1 | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | tail -n 1
  }
  ROUND_NAMES=() ROUND_BEFORE_NAMES=() stmt_ratios=() before_ratios=()
  for ((r = 1; r <= ROUNDS; r++)); do
    now_name=round-$r before_name=round-before-$r
    before_ok=1 order=(now before stmt)
    ((r % 2)) || order=(stmt before now)
    for step in "${order[@]}"; do
      case $step in
        now) sale_bench_run "$now_name" "$PREFIX" rounds-cafe "$round_members" "$ROUND_SALES" "$WINDOW" >/dev/null \
          || die "round $r: sales unanswered or rejected (logs in $BENCH_DIR)" ;;
        before) [[ -z $BEFORE_SETIAD ]] || round_before || before_ok=0 ;;
        stmt) stmt=$(round_stmt) || die "pgbench failed in round $r" ;;
      esac
    done
    [[ -n $stmt ]] || die "pgbench printed no tps in round $r"
    ROUND_NAMES+=("$now_name")
    stmt_ratios+=("$(awk -v a="$(field "${RESULT[$now_name]}" sales_per_s)" -v b="$stmt" 'BEGIN {printf "%.4f", a / b}')")
    line="round $r: steady $(field "${RESULT[$now_name]}" sales_per_s) sales/s, statement $stmt tps"
    [[ -z $BEFORE_SETIAD ]] || ROUND_BEFORE_NAMES+=("$before_name")
    if [[ -n $BEFORE_SETIAD ]] && ((before_ok)); then
      before_ratios+=("$(awk -v a="$(field "${RESULT[$now_name]}" sales_per_s)" -v b="$(field "${RESULT[$before_name]}" sales_per_s)" 'BEGIN {printf "%.4f", a / b}')")
      line+=", before's steady $(field "${RESULT[$before_name]}" sales_per_s) sales/s"
    fi
    echo "$line"
  done
  stop_setiads
  ROUNDS_STMT=$(median_of 0.8 "${stmt_ratios[@]}")
  [[ -z $BEFORE_SETIAD ]] || ((${#before_ratios[@]} == 0)) || ROUNDS_BEFORE=$(median_of 1 "${before_ratios[@]}")
  steal_rounds=$(steal_since "$ticks_rounds")
  echo "steady / statement, paired: $ROUNDS_STMT; cpu steal $steal_rounds"
  [[ -z $ROUNDS_BEFORE ]] || echo "steady now / before, paired: $ROUNDS_BEFORE"
fi

# ---------------------------------------------------------------------------
say "correctness"
read -r members_sum ledger_sum bad_members < <("${PSQL[@]}" -F ' ' -c "
  SELECT (SELECT coalesce(sum(points), 0) FROM members),
         (SELECT coalesce(sum(points), 0) FROM points_ledger),
         (SELECT count(*) FROM members m
            LEFT JOIN (SELECT member_id, sum(points) AS s FROM points_ledger GROUP BY member_id) l
              ON l.member_id = m.id
           WHERE m.points <> coalesce(l.s, 0))")
printf 'balances: members sum %s points, ledger sum %s points, members whose balance != ledger: %s\n' \
  "$members_sum" "$ledger_sum" "$bad_members"
problems=()
[[ $members_sum == "$ledger_sum" ]] || problems+=("the members' balance sum ($members_sum) is not the ledger sum ($ledger_sum)")
[[ $bad_members == 0 ]] || problems+=("$bad_members member(s) have a balance that is not their ledger sum")
# Every sale sent to a store is there once, with the points sale_bench
# computed on its own (each run's expected_points, summed).
check_store() {  # STORE RUN_NAMES...
  local store=$1 want_sales=0 want_points=0 name sales events applied points
  shift
  for name in "$@"; do
    want_sales=$((want_sales + $(field "${RESULT[$name]}" sales)))
    want_points=$((want_points + $(field "${RESULT[$name]}" expected_points)))
  done
  read -r sales events applied points < <("${PSQL[@]}" -F ' ' -c "
    SELECT (SELECT count(*) FROM sales WHERE store_id = '$store'),
           (SELECT count(*) FROM events WHERE store_id = '$store'),
           (SELECT count(*) FROM events WHERE store_id = '$store' AND status = 'applied'),
           (SELECT coalesce(sum(points), 0) FROM members WHERE store_id = '$store')")
  printf '%s: %s sales, %s events (%s applied), %s points; expected %s sales, %s points\n' \
    "$store" "$sales" "$events" "$applied" "$points" "$want_sales" "$want_points"
  # (events also holds the junk that had a readable event_id, as rejected)
  [[ $sales == "$want_sales" && $applied == "$want_sales" && $points == "$want_points" ]] \
    || problems+=("$store: $sales sales / $applied applied events / $points points, expected $want_sales sales and $want_points points")
}
check_store "$STORE" after-steady after-burst after-backlog after-junk
((SCALE == 0)) || check_store scale-cafe scale-1 scale-2 scale-3
((NOISY == 0)) || check_store quiet-cafe fair-quiet-alone fair-quiet-on fair-quiet-off
[[ -z $BEFORE_SETIAD ]] || check_store before-cafe before-steady before-burst before-backlog before-junk
((ROUNDS == 0)) || check_store rounds-cafe "${ROUND_NAMES[@]}"
((ROUNDS == 0)) || [[ -z $BEFORE_SETIAD ]] || check_store rounds-before-cafe "${ROUND_BEFORE_NAMES[@]}"
# Dead letters: exactly the junk of the store's junk run, nothing else.
for tag_store in "after:$STORE" ${BEFORE_SETIAD:+"before:before-cafe"}; do
  dl=$("${PSQL[@]}" -c "SELECT count(*) FROM dead_letters WHERE store_id = '${tag_store#*:}'")
  want=$(field "${RESULT[${tag_store%%:*}-junk]}" junk)
  printf 'dead letters of %s: %s (junk published: %s)\n' "${tag_store#*:}" "$dl" "$want"
  [[ $dl == "$want" ]] || problems+=("${tag_store#*:}: $dl dead letters, $want junk payloads published")
done
dead_letters=$("${PSQL[@]}" -c "SELECT count(*) FROM dead_letters WHERE store_id NOT IN ('$STORE', 'before-cafe')")
[[ $dead_letters == 0 ]] || problems+=("$dead_letters dead letter(s) outside the junk runs")
if ((${#problems[@]})); then
  printf 'bench: CORRECTNESS FAILED: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "books OK"

# ---------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}'; }
rate() { field "${RESULT[$1]}" sales_per_s; }
shape_lines() {  # TAG
  local tag=$1 steady
  steady=$(rate "$tag-steady")
  printf '  %-7s steady %8s sales/s | burst %8s sales/s (%s x steady, %s unanswered, %s republished) | backlog %8s sales/s (%s x steady, %s unanswered) | peak RSS %s MiB\n' \
    "$tag" "$steady" "$(rate "$tag-burst")" "$(ratio "$(rate "$tag-burst")" "$steady")" \
    "$(field "${RESULT[$tag-burst]}" unanswered)" "$(field "${RESULT[$tag-burst]}" republished)" \
    "$(rate "$tag-backlog")" "$(ratio "$(rate "$tag-backlog")" "$steady")" \
    "$(field "${RESULT[$tag-backlog]}" unanswered)" "${RSS[$tag]:-?}"
  printf '  %-7s junk: %s sales among %s junk payloads answered in %s s (target <= 120), %s unanswered, %s republished\n' \
    "$tag" "$(field "${RESULT[$tag-junk]}" sales)" "$(field "${RESULT[$tag-junk]}" junk)" \
    "$(field "${RESULT[$tag-junk]}" wall_s)" "$(field "${RESULT[$tag-junk]}" unanswered)" \
    "$(field "${RESULT[$tag-junk]}" republished)"
  printf '  %-7s junk: %s\n' "$tag" "${JUNK_DRAINED[$tag]}"
}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
commit=$(git -C "$REPO" describe --always --dirty 2>/dev/null || echo "unknown (not a git checkout)")
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
load_note=""
if awk -v l="${load_start%% *}" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}'; then
  load_note="  (the machine was busy before the run: figures are low and noisy)"
fi
after_steady=$(rate after-steady)
# (a part that does not apply, e.g. "before" without BEFORE_SETIAD, leaves
# an empty line: dropped)
summary=$(
  sed '/^$/d' <<EOF
==================== Setia sale benchmark ====================
date                      $(date -u '+%Y-%m-%d %H:%M:%S UTC')
machine                   $(nproc) vCPU, ${cpu:-unknown CPU}; PostgreSQL $("$SETIA_PG_BIN/postgres" --version | awk '{print $3}') (fsync on, synchronous_commit on)
disk                      $(df -h "$BENCH_DIR" | awk 'NR == 2 {print $1 " (" $2 ")"}'); fdatasync 8 kB p50/p99: $fsync1_p50/$fsync1_p99 ms before, $fsync2_p50/$fsync2_p99 ms between, $fsync3_p50/$fsync3_p99 ms after
load average              $load_start at start, $load_end at end (1/5/15 min)$load_note
cpu steal                 $steal_shapes of the CPU time during the sale shapes, $steal_pgbench during pgbench${steal_rounds:+, $steal_rounds during the paired rounds} (taken by the host)
build                     $build_type, commit $commit; setiad log.level $LOG_LEVEL
sizes                     steady $SALES (window $WINDOW), burst $BURST (window 0), backlog $BACKLOG, junk $JUNK among $JUNK_SALES; $MEMBERS members a store; $HISTORY sales of history
end to end (POS -> broker -> setiad -> PostgreSQL -> POS)
$( [[ -z $BEFORE_SETIAD ]] || shape_lines before )
$(shape_lines after)
  this build: burst/steady $(ratio "$(rate after-burst)" "$after_steady") (target >= 0.9), backlog/steady $(ratio "$(rate after-backlog)" "$after_steady") (target >= 0.9)
$( [[ -z $BEFORE_SETIAD ]] || printf '  after/before: steady %s, burst %s, backlog %s' "$(ratio "$after_steady" "$(rate before-steady)")" "$(ratio "$(rate after-burst)" "$(rate before-burst)")" "$(ratio "$(rate after-backlog)" "$(rate before-backlog)")" )
$( ((SCALE == 0)) || printf 'scaling (burst of %s, shared subscription)\n  setiad x1/x2/x3         %s / %s / %s sales/s' "$SCALE" "${SCALE_RATE[1]:--}" "${SCALE_RATE[2]:--}" "${SCALE_RATE[3]:--}" )
$( ((NOISY == 0)) || printf 'noisy tenant (quiet-cafe %s sales at 20/s; noisy-cafe %s at once, 2 s in; publish -> result)\n  quiet alone             p50 %s ms, p99 %s ms\n  behind the flood        quota on: p50 %s ms, p99 %s ms | quota off: p50 %s ms, p99 %s ms\n  %s (quota on)\n  %s (quota off)' \
  "$QUIET" "$NOISY" "$(field "${RESULT[fair-quiet-alone]}" latency_p50_ms)" "$(field "${RESULT[fair-quiet-alone]}" latency_p99_ms)" \
  "$(field "${RESULT[fair-quiet-on]}" latency_p50_ms)" "$(field "${RESULT[fair-quiet-on]}" latency_p99_ms)" \
  "$(field "${RESULT[fair-quiet-off]}" latency_p50_ms)" "$(field "${RESULT[fair-quiet-off]}" latency_p99_ms)" \
  "${NOISY_NOTE[on]}" "${NOISY_NOTE[off]}" )
pgbench, $PGBENCH_S s each (tps at 1 / 2 / 4 clients)
$( [[ -z $BEFORE_REV ]] || printf "  statement at %-10s ${TPS[before-stmt-c1]} / ${TPS[before-stmt-c2]} / ${TPS[before-stmt-c4]}" "$BEFORE_REV" )
  setiad's statement      ${TPS[setiad-stmt-c1]} / ${TPS[setiad-stmt-c2]} / ${TPS[setiad-stmt-c4]}
  minimal sale            ${TPS[minimal-c1]} / ${TPS[minimal-c2]} / ${TPS[minimal-c4]}
ratios
  statement / minimal     $(ratio "${TPS[setiad-stmt-c1]}" "${TPS[minimal-c1]}") at 1 client, $(ratio "${TPS[setiad-stmt-c4]}" "${TPS[minimal-c4]}") at 4 (target >= 0.5)
$( [[ -z $BEFORE_REV ]] || printf '  %-10s / minimal  %s at 1 client, %s at 4\n  statement / %-10s %s / %s / %s at 1 / 2 / 4 clients' "$BEFORE_REV" "$(ratio "${TPS[before-stmt-c1]}" "${TPS[minimal-c1]}")" "$(ratio "${TPS[before-stmt-c4]}" "${TPS[minimal-c4]}")" "$BEFORE_REV" "$(ratio "${TPS[setiad-stmt-c1]}" "${TPS[before-stmt-c1]}")" "$(ratio "${TPS[setiad-stmt-c2]}" "${TPS[before-stmt-c2]}")" "$(ratio "${TPS[setiad-stmt-c4]}" "${TPS[before-stmt-c4]}")" )
$( [[ -z $PAIRED ]] || printf '  statement / %-10s %s, paired (speed, synchronous_commit off)\n' "$BEFORE_REV" "$PAIRED" )
  steady / statement      $(ratio "$after_steady" "${TPS[setiad-stmt-c1]}") (setiad end to end vs its statement at 1 client, minutes apart; target >= 0.8)
$( [[ -z $ROUNDS_STMT ]] || printf '  steady / statement      %s, paired (%s sales, seconds apart)' "$ROUNDS_STMT" "$ROUND_SALES" )
$( [[ -z $ROUNDS_BEFORE ]] || printf '  steady now / before     %s, paired (%s sales, seconds apart)' "$ROUNDS_BEFORE" "$ROUND_SALES" )
${SCALE_RATE[1]:+  setiad x1/x2/x3 vs stmt $(ratio "${SCALE_RATE[1]}" "${TPS[setiad-stmt-c1]}") / $(ratio "${SCALE_RATE[2]}" "${TPS[setiad-stmt-c2]}") / $(ratio "${SCALE_RATE[3]}" "${TPS[setiad-stmt-c4]}") (vs 1 / 2 / 4 clients)}
books                     OK: balances $members_sum points = ledger $ledger_sum points
total bench time          $(($(date +%s) - started)) s
===============================================================
EOF
)
printf '\n%s\n' "$summary"
printf '%s\n' "$summary" >"$BENCH_DIR/summary.txt"
((before_failed == 0)) || echo "note: BEFORE_SETIAD left sales rejected or unanswered (see its lines above)"

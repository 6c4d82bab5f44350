#!/usr/bin/env bash
# bench/console_bench.sh -- the owner's console on a real store's history
# (issue 15 point 9; bench/README.md, "The console").
#
#   bench/console_bench.sh                          # 100,000 members, 1,000,000 sales, 200 requests each
#   MEMBERS=10000 SALES=100000 N=50 bench/console_bench.sh   # a quick run
#   BUILD_DIR=build-rel bench/console_bench.sh
#
# 1. builds setiad and setiactl (an optimised build; BUILD_DIR, default
#    <repo>/build);
# 2. starts a fresh private PostgreSQL 15 + Mosquitto in BENCH_DIR
#    (/tmp/setia-console-bench-$(id -u); wiped at the start, stopped on exit,
#    logs kept) with auto_explain on: every statement slower than
#    EXPLAIN_MS is logged with its EXPLAIN ANALYZE plan;
# 3. migrates, adds the store bench-cafe with its owner's account
#    (setiactl store add --owner), seeds it with bench/console_seed.sql
#    (MEMBERS members, SALES sales with lines, earn rows, refunds, vouchers,
#    promo claims, reservations, pushes, dead letters), then VACUUM ANALYZE;
# 4. starts setiad with the REST API, logs in as the owner
#    (POST /v1/admin/login) and sends each console request N times, one at a
#    time on one keep-alive connection, after 3 untimed ones, and stops a
#    request's loop after MAX_S seconds (a slow one gets fewer samples: n);
#    prints n, p50, p99 and max in ms and whether p99 <= TARGET_MS;
# 5. prints the plans auto_explain logged during the timed requests
#    (console-plans.log) and the summary (summary.txt).
#
# Environment: MEMBERS (100000), SALES (1000000), N (200), TARGET_MS (200),
# EXPLAIN_MS (100), REST_THREADS (4), MAX_S (30), BUILD_DIR, BENCH_DIR (its
# own per run when two run side by side as the same user: each wipes it),
# STORE_TZ (Asia/Jakarta): the store's zone. The reports read the store's
# today live, so they are slowest late in its day; STORE_TZ=late picks the
# fixed-offset zone (Etc/GMT-N) in which it will be 23:00-23:59 in 15
# minutes (22:45-23:44 at the start: the timing ends before midnight), the
# worst case whatever the hour of the run.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD_DIR:-$REPO/build}
MEMBERS=${MEMBERS:-100000}
SALES=${SALES:-1000000}
N=${N:-200}
TARGET_MS=${TARGET_MS:-200}
EXPLAIN_MS=${EXPLAIN_MS:-100}
REST_THREADS=${REST_THREADS:-4}
MAX_S=${MAX_S:-30}
STORE_TZ=${STORE_TZ:-Asia/Jakarta}
STORE=bench-cafe
OWNER=owner@bench-cafe.example
BENCH_DIR=${BENCH_DIR:-/tmp/setia-console-bench-$(id -u)}

BENCH_NAME=console_bench
# shellcheck source=SCRIPTDIR/rest_bench_lib.sh
source "$REPO/bench/rest_bench_lib.sh"
for v in MEMBERS SALES N TARGET_MS EXPLAIN_MS REST_THREADS MAX_S; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive whole number, not '${!v}'"
done
((MEMBERS >= 100)) || die "MEMBERS must be at least 100"
# It is wiped at the start: a directory of its own under /tmp, nothing else.
[[ $BENCH_DIR =~ ^/tmp/[A-Za-z0-9._-]+$ ]] || die "BENCH_DIR must be a directory directly under /tmp, not '$BENCH_DIR'"
if [[ $STORE_TZ == late ]]; then
  # UTC+off is 23:xx in 15 minutes; the Etc zones' signs are POSIX's, the other way round.
  off=$(((23 - 10#$(date -u -d '+15 minutes' +%H) + 24) % 24))
  ((off <= 14)) || off=$((off - 24))
  if ((off > 0)); then STORE_TZ=Etc/GMT-$off; elif ((off < 0)); then STORE_TZ=Etc/GMT+$((-off)); else STORE_TZ=UTC; fi
fi
[[ $STORE_TZ =~ ^[A-Za-z0-9_+/-]+$ && -e /usr/share/zoneinfo/$STORE_TZ ]] ||
  die "STORE_TZ must be a time zone (/usr/share/zoneinfo) or 'late', not '$STORE_TZ'"
for tool in curl python3; do
  command -v "$tool" >/dev/null || die "$tool is needed (Debian: apt-get install curl python3)"
done

bench_build
bench_services
PSQL=("$SETIA_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$SETIA_PG_CONNINFO")
PSQL_SU=("$SETIA_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$SETIA_PG_PORT" -U postgres -d setia)
# auto_explain: the plan of every statement slower than EXPLAIN_MS, in
# postgres.log (new sessions load it; setiad connects after this).
"${PSQL_SU[@]}" >/dev/null <<EOF
LOAD 'auto_explain';
ALTER SYSTEM SET session_preload_libraries = 'auto_explain';
ALTER SYSTEM SET auto_explain.log_min_duration = '${EXPLAIN_MS}ms';
ALTER SYSTEM SET auto_explain.log_analyze = on;
ALTER SYSTEM SET auto_explain.log_buffers = on;
ALTER SYSTEM SET auto_explain.log_nested_statements = on;
SELECT pg_reload_conf();
EOF

mkdir -p "$BENCH_DIR/rules"
cp "$REPO/config/rules/default.yaml" "$BENCH_DIR/rules/"
CFG=$BENCH_DIR/setiad.yaml
cat >"$CFG" <<EOF
# Written by bench/console_bench.sh.
mqtt:
  uri: "$SETIA_MQTT_URI"
  client_id: setiad-console-bench-$$
  topic_prefix: consolebench
database:
  conninfo: "$SETIA_PG_CONNINFO"
rules:
  dir: "$BENCH_DIR/rules"
rest:
  listen: 127.0.0.1:0
  public_url: https://crm.example
  threads: $REST_THREADS
stores:
  template: "$REPO/config/store-template.yaml"
log:
  level: info   # "rest: listening on" gives the port
EOF
"$SETIACTL" --config "$CFG" db migrate >/dev/null

say "store $STORE, its owner, and its history: $MEMBERS members, $SALES sales"
"$SETIACTL" --config "$CFG" store add "$STORE" --owner "$OWNER" --owner-name "Bu Rina" >"$BENCH_DIR/store-add.out" 2>&1 ||
  { cat "$BENCH_DIR/store-add.out" >&2; die "setiactl store add failed"; }
PASSWORD=$(sed -n 's/^owner .* password \([^ ]*\) .*/\1/p' "$BENCH_DIR/store-add.out")
[[ -n $PASSWORD ]] || { cat "$BENCH_DIR/store-add.out" >&2; die "no owner password in setiactl's output"; }
# The store's zone in the rule file store add wrote from the template.
sed -i "s|^timezone: [^ ]*|timezone: $STORE_TZ|" "$BENCH_DIR/rules/$STORE.yaml"
grep -q "^timezone: $STORE_TZ\b" "$BENCH_DIR/rules/$STORE.yaml" || die "could not set the store's timezone"
seed_start=$(date +%s)
"${PSQL[@]}" -v store="$STORE" -v members="$MEMBERS" -v sales="$SALES" -v tz="$STORE_TZ" -f "$REPO/bench/console_seed.sql" \
  >"$BENCH_DIR/seed.out" 2>&1 || { tail -n 20 "$BENCH_DIR/seed.out" >&2; die "seeding failed"; }
"${PSQL[@]}" -c "VACUUM ANALYZE" 2>&1 | grep -v "only superuser can vacuum" || true
seed_s=$(($(date +%s) - seed_start))
"${PSQL[@]}" -tA -F ' ' >"$BENCH_DIR/sizes.out" <<'EOF'
SELECT relname, n_live_tup FROM pg_stat_user_tables
 WHERE relname IN ('members','sales','sale_lines','points_ledger','refunds','vouchers','promo_claims',
                   'reservations','notifications','outbox','dead_letters')
 ORDER BY relname;
SELECT 'database', pg_size_pretty(pg_database_size(current_database()));
EOF
printf 'seeded and analyzed in %s s:\n' "$seed_s"
sed 's/^/  /' "$BENCH_DIR/sizes.out"

say "setiad"
"$SETIAD" --config "$CFG" </dev/null >"$BENCH_DIR/setiad.log" 2>&1 &
SETIAD_PID=$!
PORT=""
for ((i = 0; i < 300; i++)); do
  if grep -qsw 'ready' "$BENCH_DIR/setiad.log"; then
    PORT=$(sed -n 's/.*rest: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$BENCH_DIR/setiad.log" | head -n 1)
    break
  fi
  kill -0 "$SETIAD_PID" 2>/dev/null || break
  sleep 0.1
done
[[ -n $PORT ]] || { tail -n 30 "$BENCH_DIR/setiad.log" >&2; die "setiad did not start its REST API"; }
printf 'REST API on 127.0.0.1:%s, %s threads\n' "$PORT" "$REST_THREADS"

# The report-rollup job runs at setiad's start (migration 0025): its first
# run rolls the store's whole history, then (the seed came after the
# migration's marks) rolls every day again as late rows. The reports read
# live until the first part is done; the timing waits for the whole run.
roll_start=$(date +%s)
for ((i = 0; i < 6000; i++)); do
  grep -qs 'job report-rollup' "$BENCH_DIR/setiad.log" && break
  kill -0 "$SETIAD_PID" 2>/dev/null || die "setiad stopped before rolling up the store"
  sleep 0.1
done
grep -s 'job report-rollup' "$BENCH_DIR/setiad.log" || die "the store was not rolled up within 10 minutes"
printf 'store rolled up by the report-rollup job in %s s\n' "$(($(date +%s) - roll_start))"

# What the requests ask for: a member with sales, their name, phone and
# code (each found by a substring of it, as the console's search box does),
# the dashboard's month, today in the store's calendar.
read -r MEMBER_ID MEMBER_NAME_Q MEMBER_PHONE_Q MEMBER_CODE < <("${PSQL[@]}" -tA -F ' ' -c \
  "SELECT id, replace(name, ' ', '+'), substr(phone, 4, 7), code FROM members WHERE id = $((MEMBERS / 2 + 1))")
TODAY=$(TZ=$STORE_TZ date +%F)
MONTH_START=$(TZ=$STORE_TZ date +%Y-%m-01)
YEAR_AGO=$(TZ=$STORE_TZ date -d '-12 months' +%Y-%m-01)
# What the reports read live: the store's sales since its rollup's end.
LIVE_SALES=$("${PSQL[@]}" -tA -c "SELECT count(*) FROM sales s JOIN report_rollups r ON r.store_id = s.store_id
  WHERE s.store_id = '$STORE' AND s.occurred_at >= r.rolled_until::timestamp AT TIME ZONE r.tz")
printf 'the store in %s, %s there; %s sales today (read live)\n' "$STORE_TZ" "$(TZ=$STORE_TZ date +%H:%M)" "$LIVE_SALES"

PG_LOG=$BENCH_DIR/pg/postgres.log
log_offset=$(stat -c %s "$PG_LOG")

say "timing: $N requests each, one at a time, one keep-alive connection"
python3 - "$PORT" "$OWNER" "$PASSWORD" "$N" "$TARGET_MS" "$BENCH_DIR/results.tsv" "$MAX_S" <<EOF
import http.client, json, sys, time
port, login, password, n, target, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
max_s = float(sys.argv[7])
conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
def call(method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token: headers["Authorization"] = "Bearer " + token
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, data
st, data = call("POST", "/v1/admin/login", {"login": login, "password": password})
if st != 200: sys.exit("login: %d %s" % (st, data[:300]))
token = json.loads(data)["token"]
requests = [
    ("dashboard", "/v1/admin/dashboard"),
    ("reports/sales by day (month)", "/v1/admin/reports/sales?from=$MONTH_START&to=$TODAY&by=day"),
    ("reports/sales by month (year)", "/v1/admin/reports/sales?from=$YEAR_AGO&to=$TODAY&by=month"),
    ("reports/customers", "/v1/admin/reports/customers"),
    ("members?q=<name>", "/v1/admin/members?q=$MEMBER_NAME_Q"),
    ("members?q=<phone part>", "/v1/admin/members?q=$MEMBER_PHONE_Q"),
    ("members?q=<code>", "/v1/admin/members?q=$MEMBER_CODE"),
    ("members?q=<no match>", "/v1/admin/members?q=zzqx"),
    ("members (no q)", "/v1/admin/members"),
    ("members/{id}", "/v1/admin/members/$MEMBER_ID"),
    ("reservations?date=today", "/v1/admin/reservations?date=$TODAY"),
    ("pushes", "/v1/admin/pushes"),
    ("deadletters", "/v1/admin/deadletters"),
    ("rules", "/v1/admin/rules"),
]
def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(round(p / 100.0 * len(xs) + 0.5)) - 1))]
rows = []
print("%-32s %6s %5s %9s %9s %9s  %s" % ("request", "status", "n", "p50 ms", "p99 ms", "max ms", "p99 <= %g ms" % target))
for name, path in requests:
    for _ in range(3):
        st, data = call("GET", path, token=token)
    if st != 200:
        print("%-32s %6d  %s" % (name, st, data[:200].decode(errors="replace")))
        rows.append((name, path, 0, None, None, None, "FAIL"))
        continue
    times = []
    start = time.monotonic()
    for _ in range(n):
        if times and time.monotonic() - start > max_s: break
        t0 = time.perf_counter()
        st, data = call("GET", path, token=token)
        times.append((time.perf_counter() - t0) * 1000.0)
        if st != 200: sys.exit("%s: %d %s" % (path, st, data[:200]))
    p50, p99, mx = pct(times, 50), pct(times, 99), max(times)
    ok = "yes" if p99 <= target else "NO"
    print("%-32s %6d %5d %9.1f %9.1f %9.1f  %s" % (name, st, len(times), p50, p99, mx, ok), flush=True)
    rows.append((name, path, len(times), p50, p99, mx, ok))
with open(out, "w") as f:
    for r in rows:
        f.write("\t".join("" if x is None else (("%.1f" % x) if isinstance(x, float) else str(x)) for x in r) + "\n")
EOF

say "plans of statements over ${EXPLAIN_MS} ms during the timed requests (auto_explain)"
tail -c +"$((log_offset + 1))" "$PG_LOG" | grep -v '^\s*$' >"$BENCH_DIR/console-plans.log" || true
slow=$(grep -c 'duration: .* plan:' "$BENCH_DIR/console-plans.log" || true)
printf '%s slow statements logged; the first plan of each distinct query:\n' "${slow:-0}"
python3 - "$BENCH_DIR/console-plans.log" <<'EOF'
import re, sys
text = open(sys.argv[1], errors="replace").read()
# Each entry starts with a log prefix line holding "duration: X ms  plan:".
entries = re.split(r'\n(?=\S.*duration: [0-9.]+ ms\s+plan:)', text)
seen = set()
for e in entries:
    m = re.search(r'Query Text: (.*)', e)
    if not m or 'duration:' not in e: continue
    key = m.group(1)[:160]
    if key in seen: continue
    seen.add(key)
    print(e.strip()[:6000]); print("-" * 72)
EOF

say "summary"
{
  printf 'console_bench %s, commit %s, %s members, %s sales, N=%s, target p99 <= %s ms\n' "$(date -u '+%F %H:%M UTC')" \
    "$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')" "$MEMBERS" "$SALES" "$N" "$TARGET_MS"
  printf 'seeding + VACUUM ANALYZE %s s; %s vCPUs; load average %s\n' "$seed_s" "$(nproc)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'store zone %s, %s sales today read live at the timing\n' "$STORE_TZ" "$LIVE_SALES"
  printf '%-32s %5s %9s %9s %9s  %s\n' request n 'p50 ms' 'p99 ms' 'max ms' "p99 <= $TARGET_MS ms"
  while IFS=$'\t' read -r name _ cnt p50 p99 mx ok; do
    printf '%-32s %5s %9s %9s %9s  %s\n' "$name" "$cnt" "$p50" "$p99" "$mx" "$ok"
  done <"$BENCH_DIR/results.tsv"
} | tee "$BENCH_DIR/summary.txt"
! grep -q $'\tFAIL$' "$BENCH_DIR/results.tsv" || die "some requests did not answer 200"

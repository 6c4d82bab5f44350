#!/usr/bin/env bash
# deploy/demo.sh -- a day at a café, through Setia: on a fresh Debian 12 machine, as root.
#
#   deploy/demo.sh              # install, build, run a sample day, then wait for Ctrl-C
#   deploy/demo.sh --no-wait    # the same, then stop everything and exit
#
# What it does:
#   1. installs the missing Debian packages (apt) and builds (cmake, build/);
#   2. starts a private PostgreSQL and a private Mosquitto on 127.0.0.1, with
#      all their state in /tmp/setia-demo-<uid> (no system service touched);
#   3. writes a daemon config there, migrates the database, registers three
#      members of Marikh Salatiga (the café of the papers): Ocha, Nino, Sari;
#   4. starts setiad and waits until it says "ready";
#   5. plays a day of sales through the POS simulator (`setiactl pos send`):
#      the paper's receipt (4 x Nasi Cakalang, Rp 52.000, member Ocha), ~40
#      other sales from 08:00 to 22:00 WIB, and a few bad ones; then the
#      POS sends the paper's sale again, as a POS does when a result is late;
#   6. shows what happened: the members' points, the paper's sale as
#      recorded (the e-nota record), the result the POS got, the dead letters;
#   7. prints the owner's console's address (http://127.0.0.1:PORT/console/)
#      and the login of the café's owner it made (docs/console.md), and the
#      member app's address (/app/, docs/member-app.md) with a member login
#      for it (Dewi, registered through the REST API).
#
# Ctrl-C (or the end of the script with --no-wait, or any failure) stops
# setiad and the private PostgreSQL and Mosquitto. The database stays in
# /tmp/setia-demo-<uid>: a second run reuses it (members are looked up, not
# added twice; each run's sales carry a run id of their own).
#
# Environment:
#   SETIA_BUILD_DIR   build directory (default: build, as tests/run.sh)
#   SETIA_DEMO_DIR    where the demo keeps its state (default: /tmp/setia-demo-<uid>)
#   SETIA_DEMO_PORT   the REST API's and the console's port (default: 8080, or a free one)
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

WAIT=1
for arg in "$@"; do
  case $arg in
    --no-wait) WAIT=0 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "demo.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done
# Nobody to press Ctrl-C (CI, a pipe): do not wait.
[[ -t 0 ]] || WAIT=0

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd -P)

# shellcheck source=SCRIPTDIR/services.sh
source deploy/services.sh

STORE=marikh-salatiga
DEMO_DIR=${SETIA_DEMO_DIR:-/tmp/setia-demo-$(id -u)}
BUILD_DIR=${SETIA_BUILD_DIR:-build}

phase() { printf '\n==> [setia demo] %s\n' "$*"; }
say() { printf '\n--- %s\n' "$*"; }
die() { printf 'demo.sh: ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------
phase "dependencies (apt, only what is missing)"
setia_install_deps

phase "configure ($BUILD_DIR)"
gen=()
# Only choose a generator for a fresh build dir: cmake refuses to switch
# generators in an existing one.
if [[ ! -f $BUILD_DIR/CMakeCache.txt ]] && command -v ninja >/dev/null 2>&1; then
  gen=(-G Ninja)
fi
cmake -S . -B "$BUILD_DIR" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo

phase "build"
# The daemon and the command line only: the tests are tests/run.sh's, and
# building them would add minutes to a first demo's wait.
cmake --build "$BUILD_DIR" -j"$(nproc)" --target setiad setiactl
BUILD_ABS=$(cd "$BUILD_DIR" && pwd -P)
SETIAD=$BUILD_ABS/adapters/daemon/setiad
SETIACTL=$BUILD_ABS/adapters/cli/setiactl
[[ -x $SETIAD && -x $SETIACTL ]] || die "the build did not produce $SETIAD and $SETIACTL"

# ---------------------------------------------------------------------------
CONFIG=$DEMO_DIR/setiad.yaml
LOG=$DEMO_DIR/setiad.log
PIDFILE=$DEMO_DIR/setiad.pid
SETIAD_PID=""

# The setiad of a demo run, if it is still alive (pids get reused: check
# that it is setiad with our config).
setiad_alive() {
  local pid=$1
  _setia_alive "$pid" || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == setiad ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$CONFIG"
}

stop_setiad() {         # PID: SIGTERM (drain), then SIGKILL after 20 s
  local pid=$1 i
  setiad_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    setiad_alive "$pid" || return 0
    sleep 0.1
  done
  echo "demo.sh: setiad ($pid) did not stop on SIGTERM within 20 s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  phase "stopping setiad, PostgreSQL and Mosquitto"
  if [[ -n $SETIAD_PID ]]; then
    stop_setiad "$SETIAD_PID"
    grep -F '] stopped:' "$LOG" 2>/dev/null | tail -n 1 || true
    rm -f "$PIDFILE"
  fi
  setia_services_stop "$DEMO_DIR" || true
  if ((rc == 0)); then
    echo "done; the data stays in $DEMO_DIR (a second run reuses it)"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

phase "services (private PostgreSQL + Mosquitto in $DEMO_DIR)"
mkdir -p "$DEMO_DIR"
# A setiad left over from an interrupted run would hold our MQTT session.
if [[ -f $PIDFILE ]]; then
  stop_setiad "$(<"$PIDFILE")"
  rm -f "$PIDFILE"
fi
setia_services_start "$DEMO_DIR"

psql_demo() {            # psql on the demo database; SQL on stdin, -v NAME=VALUE for :'NAME'
  "$SETIA_PG_BIN/psql" -X -q -t -A -v ON_ERROR_STOP=1 "$@" "$SETIA_PG_CONNINFO"
}

# The REST API and the console: 8080 when it is free (kept across runs).
REST_PORT=${SETIA_DEMO_PORT:-}
if [[ -z $REST_PORT ]]; then
  [[ -f $DEMO_DIR/rest.port ]] || echo 8080 >"$DEMO_DIR/rest.port"
  REST_PORT=$(_setia_pick_port "$DEMO_DIR/rest.port")
  echo "$REST_PORT" >"$DEMO_DIR/rest.port"
fi
CONSOLE_URL="http://127.0.0.1:$REST_PORT/console/"

# ---------------------------------------------------------------------------
phase "config ($CONFIG)"
cat >"$CONFIG" <<EOF
# Written by deploy/demo.sh at every run (docs/configuration.md explains every key).
mqtt:
  uri: "$SETIA_MQTT_URI"
  client_id: setiad-demo        # stable: the broker keeps our session under it
  topic_prefix: setia
database:
  conninfo: "$SETIA_PG_CONNINFO"
rules:
  dir: "$REPO/config/rules"     # default.yaml (store "*") and marikh-salatiga.yaml
rest:
  listen: 127.0.0.1:$REST_PORT
  console_dir: "$REPO/adapters/web/console"   # the owner's console at /console/, from the source tree
  app_dir: "$REPO/adapters/web/app"           # the member app at /app/, from the source tree
log:
  level: info
EOF
cat "$CONFIG"
"$SETIAD" --config "$CONFIG" --check-config
ctl() { "$SETIACTL" --config "$CONFIG" "$@"; }

phase "database schema (setiactl db migrate)"
ctl db migrate

# ---------------------------------------------------------------------------
phase "members of $STORE"
# name, phone, email, birth date. Idempotent: a phone is registered once per
# store, so look the member up by phone before adding.
MEMBERS=(
  "Ocha|+6281225550101|ocha@example.com|1998-05-27"
  "Nino|+6285640550202||1995-11-03"
  "Sari|+6289650550303|sari.w@example.com|2001-02-14"
)
member_code_by_phone() {
  psql_demo -v store="$STORE" -v phone="$1" <<'SQL'
SELECT code FROM members WHERE store_id = :'store' AND phone = :'phone'
SQL
}
declare -A CODE
member_args=()
for m in "${MEMBERS[@]}"; do
  IFS='|' read -r name phone email birth <<<"$m"
  code=$(member_code_by_phone "$phone")
  how="already registered"
  if [[ -z $code ]]; then
    opts=(--store "$STORE" --name "$name" --phone "$phone" --birth-date "$birth")
    [[ -n $email ]] && opts+=(--email "$email")
    if ! code=$(ctl member add "${opts[@]}"); then
      # Added meanwhile by someone else? Then it is there now.
      code=$(member_code_by_phone "$phone")
      [[ -n $code ]] || die "could not register $name"
    fi
    how="registered now (setiactl member add)"
  fi
  CODE[$name]=$code
  member_args+=(--member "$name=$code")
  printf '  %-5s %-13s %-15s born %s  %s\n' "$name" "$code" "$phone" "$birth" "$how"
done

# ---------------------------------------------------------------------------
phase "the owner's console account"
# One owner of Marikh for the console, made once; its password stays in
# DEMO_DIR (0600) for the next runs.
OWNER_LOGIN=pemilik@marikh.example
OWNER_PW_FILE=$DEMO_DIR/owner-password
owner_id=$(psql_demo -v login="$OWNER_LOGIN" <<'SQL'
SELECT id FROM admins WHERE login = :'login'
SQL
)
if [[ -n $owner_id && ! -s $OWNER_PW_FILE ]]; then
  die "$OWNER_LOGIN exists but its password file $OWNER_PW_FILE is gone: remove $DEMO_DIR to start afresh"
fi
if [[ -z $owner_id ]]; then
  (umask 077 && python3 -c 'import secrets; print("marikh-" + secrets.token_urlsafe(9))' >"$OWNER_PW_FILE")
  ctl admin add --store "$STORE" --role owner --login "$OWNER_LOGIN" --name "Pemilik Marikh" \
    --password-file "$OWNER_PW_FILE" >/dev/null
  echo "  made $OWNER_LOGIN (owner of $STORE)"
else
  echo "  $OWNER_LOGIN (owner of $STORE), made by an earlier run"
fi

# ---------------------------------------------------------------------------
phase "setiad (log: $LOG)"
: >"$LOG"
# setsid: its own session, so that Ctrl-C reaches only this script, which
# then stops setiad with SIGTERM (drain) in cleanup.
setsid "$SETIAD" --config "$CONFIG" </dev/null >>"$LOG" 2>&1 &
SETIAD_PID=$!
echo "$SETIAD_PID" >"$PIDFILE"
for ((i = 0; ; i++)); do
  if grep -qF '] ready:' "$LOG"; then
    break
  fi
  if ! setiad_alive "$SETIAD_PID"; then
    sed 's/^/    /' "$LOG" >&2
    SETIAD_PID=""
    die "setiad exited before it was ready (log above)"
  fi
  ((i < 600)) || { sed 's/^/    /' "$LOG" >&2; die "setiad was not ready within 60 s (log above)"; }
  sleep 0.1
done
sed 's/^/    /' "$LOG"

BASE=http://127.0.0.1:$REST_PORT

# A member who signs in to the app: registered through the REST API, as
# the app does (Ocha, Nino and Sari were enrolled at the till: they have
# no password until the café gives them a code, docs/rest-api-auth.md).
APP_LOGIN=dewi@example.com
APP_PASSWORD=rahasia-dewi-1
register=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d "{\"store\":\"$STORE\",\"name\":\"Dewi\",\"phone\":\"+6281225550404\",\"email\":\"$APP_LOGIN\",\"birth_date\":\"1997-08-17\",\"password\":\"$APP_PASSWORD\"}" \
  "$BASE/v1/auth/register") || die "the REST API did not answer at $BASE"
case $register in
  201) echo "  Dewi registered through POST /v1/auth/register" ;;
  409) echo "  Dewi already registered (an earlier run)" ;;
  *) die "registering Dewi answered HTTP $register" ;;
esac
DEWI_CODE=$(curl -sS -H 'Content-Type: application/json' \
  -d "{\"login\":\"$APP_LOGIN\",\"password\":\"$APP_PASSWORD\",\"store\":\"$STORE\"}" "$BASE/v1/auth/login" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["member"]["code"])') || die "Dewi cannot log in"
member_args+=(--member "Dewi=$DEWI_CODE")

# ---------------------------------------------------------------------------
RUN_ID="$(date +%y%m%d-%H%M%S)-$(printf '%04x' "$RANDOM")"
DAY=$DEMO_DIR/day-$RUN_ID.jsonl
RETRY=$DEMO_DIR/retry-$RUN_ID.jsonl
PAPER_RECEIPT=$RUN_ID-20200505234

phase "a day at $STORE (run $RUN_ID)"
python3 deploy/sample-day.py --run-id "$RUN_ID" --store "$STORE" "${member_args[@]}" \
  --out "$DAY" --paper-out "$RETRY"

say "The POS simulator publishes each sale (MQTT QoS 1) and waits for its result; it republishes a sale, same event_id, when no result comes in time. Summary:"
ctl pos send --store "$STORE" "$DAY"

say "The POS missed the result of the paper's sale and sends it again, same event_id: the answer is the stored result, marked duplicate; nothing counts twice."
ctl pos send --store "$STORE" "$RETRY"

# ---------------------------------------------------------------------------
phase "what happened"

say "The day in the database (sales of this run, and the points they gave):"
psql_demo -v run="$RUN_ID-%" <<'SQL'
SELECT format('  %s sales recorded, Rp %s in total; %s of them by members, %s points given',
              count(*), replace(to_char(coalesce(sum(total), 0), 'FM999,999,999,990'), ',', '.'), count(member_id),
              coalesce(sum(points_earned), 0))
  FROM sales WHERE receipt_no LIKE :'run'
SQL

say "Members and their points (setiactl member show CODE). Marikh gives 1 point per Rp 1.000 (config/rules/marikh-salatiga.yaml), cigarettes excluded, at most 500 per sale; the points add up over runs:"
for m in "${MEMBERS[@]}"; do
  name=${m%%|*}
  echo "\$ setiactl member show ${CODE[$name]}"
  ctl member show "${CODE[$name]}"
done

say "The member app (docs/member-app.md): open it on a phone or in a browser, log in as Dewi, and see her card, points, history and e-nota:"
cat <<EOF
  app            $BASE/app/?store=$STORE
  member login   $APP_LOGIN  /  $APP_PASSWORD   (member $DEWI_CODE)
EOF

say "The paper's receipt as recorded, the e-nota record (setiactl sale show --store $STORE --receipt $PAPER_RECEIPT; times in UTC, 11:11 WIB is 04:11Z):"
ctl sale show --store "$STORE" --receipt "$PAPER_RECEIPT"

say "The result setiad published to the POS for it, after the commit (setia/$STORE/pos/result; stored with the event):"
psql_demo -v store="$STORE" -v receipt="$PAPER_RECEIPT" <<'SQL'
SELECT e.result FROM events e JOIN sales s ON s.id = e.sale_id
 WHERE s.store_id = :'store' AND s.receipt_no = :'receipt'
SQL

say "Dead letters, newest first (setiactl deadletter list --store $STORE --limit 5; payloads shortened here): rejected, stored, republished on setia/$STORE/deadletter, and acknowledged so that they never block the stream:"
ctl deadletter list --store "$STORE" --limit 5 | python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    p = d.get("payload") or ""
    if len(p) > 60:
        d["payload"] = p[:60] + "... (%d bytes)" % len(p.encode())
    print(json.dumps(d, ensure_ascii=False))
'

say "The owner's console (docs/console.md): open it in a browser on this machine and sign in as the café's owner:"
printf '  console        %s\n  owner login    %s\n  password       %s   (also in %s)\n' \
  "$CONSOLE_URL" "$OWNER_LOGIN" "$(<"$OWNER_PW_FILE")" "$OWNER_PW_FILE"

# ---------------------------------------------------------------------------
if ((WAIT == 0)); then
  exit 0
fi
phase "Setia is running; press Ctrl-C to stop setiad, PostgreSQL and Mosquitto"
cat <<EOF
  console        $CONSOLE_URL  (owner: $OWNER_LOGIN, password in $OWNER_PW_FILE)
  member app     $BASE/app/?store=$STORE   (login $APP_LOGIN / $APP_PASSWORD)
  setiad log     tail -f $LOG
  database       $SETIA_PG_BIN/psql "$SETIA_PG_CONNINFO"
  MQTT broker    $SETIA_MQTT_URI
                 mosquitto_sub -h 127.0.0.1 -p $SETIA_MQTT_PORT -t 'setia/#' -v
  setiactl       $SETIACTL --config $CONFIG help
  play it again  $SETIACTL --config $CONFIG pos send --store $STORE $DAY
                 (the same event ids again: each gets its stored answer, marked duplicate)
  environment    source $DEMO_DIR/env
EOF
while setiad_alive "$SETIAD_PID"; do
  sleep 1
done
SETIAD_PID=""
sed 's/^/    /' <(tail -n 20 "$LOG") >&2
die "setiad exited on its own (last lines of its log above)"

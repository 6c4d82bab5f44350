# shellcheck shell=bash
# deploy/services.sh -- shared helpers for tests/run.sh, deploy/demo.sh and CI.
#
# Source it (do not execute it):
#
#   source deploy/services.sh
#   setia_install_deps                      # apt-get install whatever is missing (root)
#   setia_services_start /tmp/setia-xyz     # private PostgreSQL 15 + Mosquitto on 127.0.0.1
#   psql "$SETIA_PG_CONNINFO" -c 'select 1'
#   setia_services_stop /tmp/setia-xyz
#
# Nothing here touches the system's own PostgreSQL cluster or Mosquitto
# service: no pg_ctlcluster, no systemctl, no /etc, no /var/run. All state
# lives under RUNDIR:
#
#   RUNDIR/pg/              owned by postgres; also the unix socket directory
#   RUNDIR/pg/data/         PGDATA (0700, postgres)
#   RUNDIR/pg/postgres.log  server log
#   RUNDIR/pg.port          TCP port chosen for PostgreSQL (kept across restarts)
#   RUNDIR/mosquitto.conf   generated broker config
#   RUNDIR/mosquitto/       broker persistence (mosquitto.db)
#   RUNDIR/mosquitto.log    broker log
#   RUNDIR/mosquitto.out    broker stdout/stderr (errors before the log opens)
#   RUNDIR/mosquitto.pid    broker pid
#   RUNDIR/mqtt.port        TCP port chosen for Mosquitto
#   RUNDIR/env              shell exports (source it from another shell)
#
# The functions return non-zero with a message on stderr on failure; they do
# not call `exit`, so they are safe in an interactive shell, and they work in
# a caller running under `set -euo pipefail`.

# ---------------------------------------------------------------------------
# The single list of Debian packages Setia needs (build, tests, demo).
# ---------------------------------------------------------------------------
SETIA_DEPS=(
  build-essential cmake pkg-config
  libpaho-mqttpp-dev libpaho-mqtt-dev libssl-dev libmosquitto-dev
  libyaml-cpp-dev
  libsoci-dev libpq-dev
  libqrencode-dev libpng-dev
  libspdlog-dev libfmt-dev
  libboost-dev nlohmann-json3-dev
  libcurl4-openssl-dev
  libsystemd-dev systemd
  libsodium-dev
  libhowardhinnant-date-dev tzdata
  libcli11-dev                   # setiactl: subcommands, typed options, generated --help
  libgtest-dev libgmock-dev
  clang-16 libclang-rt-16-dev    # tests/fuzz: libFuzzer (clang 14 cannot compile <expected>)
  postgresql postgresql-contrib
  mosquitto mosquitto-clients
  python3 python3-jsonschema
  openssl python3-cryptography   # tests/fake_fcm: test CA and keys, JWT checks
  zbar-tools librsvg2-bin        # QR tests decode the PNG and the rendered SVG
  wrk curl                       # bench/rest_bench.sh: the REST API under load
  libjs-chart.js                 # the console's charts, served by setiad (rest.chart_js_dir)
  chromium chromium-driver python3-selenium  # tests/browser: the console in headless Chromium
  procps iproute2
)

# PostgreSQL 15 server binaries (initdb, pg_ctl, postgres, pg_isready, psql,
# pgbench). /usr/bin/pgbench and /usr/bin/psql are only pg_wrapper symlinks
# from postgresql-common; use the versioned directory directly.
export SETIA_PG_BIN=/usr/lib/postgresql/15/bin
export SETIA_PGBENCH="$SETIA_PG_BIN/pgbench"

# Seconds to wait for each service to accept connections.
: "${SETIA_SERVICE_TIMEOUT:=60}"

_setia_log() { printf 'setia: %s\n' "$*" >&2; }
_setia_err() { printf 'setia: ERROR: %s\n' "$*" >&2; }

# ---------------------------------------------------------------------------
# setia_install_deps: install the missing packages of SETIA_DEPS.
# ---------------------------------------------------------------------------
setia_install_deps() {
  local missing=() p st
  for p in "${SETIA_DEPS[@]}"; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    # "install ok installed" (or hold/deinstall ... "ok installed")
    [[ $st == *"ok installed"* ]] || missing+=("$p")
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  if ((EUID != 0)); then
    _setia_err "missing Debian packages: ${missing[*]}"
    _setia_err "run as root (or: sudo apt-get install -y ${missing[*]})"
    return 1
  fi
  _setia_log "installing missing packages: ${missing[*]}"
  # Wait for another apt/dpkg run (unattended-upgrades, a parallel install)
  # instead of failing on the lock at once.
  if ! apt-get -o DPkg::Lock::Timeout=600 update; then
    _setia_err "apt-get update failed"
    return 1
  fi
  if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y "${missing[@]}"; then
    _setia_err "apt-get install failed for: ${missing[*]}"
    return 1
  fi
}

# ---------------------------------------------------------------------------
# Internal helpers
# ---------------------------------------------------------------------------

# Run a command as the postgres system user when we are root (initdb and
# postgres refuse to run as root); as ourselves otherwise.
_setia_as_pg() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True if PID runs and is not a zombie. kill -0 alone is not enough: where
# PID 1 reaps lazily (containers, VMs with a minimal init) a dead daemon
# stays a zombie for a while and kill -0 still succeeds.
_setia_alive() {
  local pid=$1 state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# Print a TCP port on 127.0.0.1 that the kernel considers free right now.
_setia_free_port() {
  local port i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    port=$(python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()') || return 1
    if _setia_port_free "$port"; then
      printf '%s\n' "$port"
      return 0
    fi
  done
  _setia_err "could not find a free TCP port"
  return 1
}

# True if nothing listens on 127.0.0.1:PORT (or 0.0.0.0:PORT, [::]:PORT).
_setia_port_free() {
  local port=$1
  [[ $port =~ ^[0-9]+$ ]] || return 1
  if command -v ss >/dev/null 2>&1; then
    [[ -z $(ss -Htln "sport = :$port" 2>/dev/null) ]] || return 1
  fi
  # Belt and braces: try to bind it.
  python3 - "$port" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# As the servers do: a port whose old connections are in TIME_WAIT is free.
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

# Reuse the port stored in FILE if it is still free, else pick a new one.
_setia_pick_port() {
  local file=$1 port=""
  [[ -f $file ]] && port=$(<"$file")
  if [[ $port =~ ^[0-9]+$ ]] && _setia_port_free "$port"; then
    printf '%s\n' "$port"
    return 0
  fi
  _setia_free_port
}

_setia_tail_log() {
  local file=$1 what=$2
  if [[ -f $file ]]; then
    _setia_err "last lines of $what log ($file):"
    tail -n 30 "$file" | sed 's/^/    /' >&2
  else
    _setia_err "no $what log at $file"
  fi
}

# export NAME="VALUE", double-quoted (readable, and parseable by simple
# KEY="VALUE" readers), with \ " $ ` escaped.
_setia_export_line() {
  local val=$2
  val=${val//\\/\\\\}
  val=${val//\"/\\\"}
  val=${val//\$/\\\$}
  val=${val//\`/\\\`}
  printf 'export %s="%s"\n' "$1" "$val"
}

_setia_abs_rundir() {
  local d=$1
  if [[ -z $d ]]; then
    _setia_err "RUNDIR argument is required"
    return 1
  fi
  case $d in
    /*) ;;
    *) d="$PWD/$d" ;;
  esac
  # normalise (no symlink resolution needed, -m: may not exist yet)
  realpath -m -- "$d"
}

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

_setia_pg_running() {          # RUNDIR PORT -> 0 if our postmaster runs and answers
  local rundir=$1 port=$2
  [[ -f $rundir/pg/data/postmaster.pid ]] || return 1
  _setia_as_pg "$SETIA_PG_BIN/pg_ctl" status -D "$rundir/pg/data" >/dev/null 2>&1 || return 1
  [[ $port =~ ^[0-9]+$ ]] || return 1
  "$SETIA_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 5 >/dev/null 2>&1
}

_setia_pg_postmaster_pid() {    # RUNDIR -> pid of a live postmaster, or fail
  local pid
  pid=$(head -n 1 "$1/pg/data/postmaster.pid" 2>/dev/null) || return 1
  _setia_alive "$pid" || return 1
  # A stale postmaster.pid may name a pid reused by something else.
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres ]] || return 1
  printf '%s\n' "$pid"
}

_setia_pg_stop() {
  local rundir=$1 pgdata=$1/pg/data pid i
  [[ -f $pgdata/PG_VERSION ]] || return 0
  # No live postmaster (never started, stopped, or killed leaving a stale
  # postmaster.pid): remove the stale lock files. postgres would do it
  # itself, but it tests the old pid with kill(pid, 0), which succeeds on a
  # not-yet-reaped zombie ("lock file ... already exists").
  if ! pid=$(_setia_pg_postmaster_pid "$rundir"); then
    rm -f "$pgdata/postmaster.pid" "$rundir"/pg/.s.PGSQL.*
    return 0
  fi
  _setia_as_pg "$SETIA_PG_BIN/pg_ctl" stop -D "$pgdata" -m fast -w -t 60 >/dev/null 2>&1 && return 0
  _setia_as_pg "$SETIA_PG_BIN/pg_ctl" stop -D "$pgdata" -m immediate -w -t 30 >/dev/null 2>&1 && return 0
  # pg_ctl waits for postmaster.pid to go away; a killed postmaster whose
  # zombie lingers confuses it. Judge by the process itself.
  for ((i = 0; i < 50; i++)); do
    _setia_alive "$pid" || return 0
    sleep 0.1
  done
  _setia_err "could not stop PostgreSQL (pid $pid) in $pgdata"
  _setia_tail_log "$rundir/pg/postgres.log" PostgreSQL
  return 1
}

_setia_pg_init() {
  local rundir=$1 pgdir=$1/pg pgdata=$1/pg/data
  mkdir -p "$pgdir"
  if ((EUID == 0)); then
    chown postgres:postgres "$pgdir"
    # A previous run as another user, or a copied dir: make it ours again.
    [[ -d $pgdata ]] && chown -R postgres:postgres "$pgdata"
  fi
  # The socket directory must be reachable by clients running as other users.
  chmod 0755 "$pgdir"
  if ! _setia_as_pg test -w "$pgdir"; then
    _setia_err "the postgres user cannot write $pgdir; every parent directory of RUNDIR must be traversable (o+x) by postgres"
    return 1
  fi

  if [[ -d $pgdata && ! -f $pgdata/PG_VERSION ]]; then
    _setia_log "removing incomplete PostgreSQL data directory $pgdata"
    rm -rf -- "$pgdata"
  fi
  if [[ ! -f $pgdata/PG_VERSION ]]; then
    _setia_log "initdb $pgdata"
    if ! _setia_as_pg "$SETIA_PG_BIN/initdb" -D "$pgdata" -U postgres \
          --auth-local=trust --auth-host=trust -E UTF8 --no-locale \
          >"$pgdir/initdb.log" 2>&1; then
      _setia_err "initdb failed"
      _setia_tail_log "$pgdir/initdb.log" initdb
      return 1
    fi
    # Our settings live in setia.conf (rewritten at every start, e.g. when
    # the port changes); postgresql.conf only includes it.
    printf "\ninclude_if_exists = 'setia.conf'\n" \
      | _setia_as_pg tee -a "$pgdata/postgresql.conf" >/dev/null
  fi
  # Private cluster, loopback only, no passwords.
  _setia_as_pg tee "$pgdata/pg_hba.conf" >/dev/null <<'EOF'
# Private Setia test/demo cluster: loopback only, trust.
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
host    all       all   ::1/128        trust
EOF
}

_setia_pg_write_conf() {
  local rundir=$1 port=$2
  _setia_as_pg tee "$rundir/pg/data/setia.conf" >/dev/null <<EOF
# Written by deploy/services.sh at every start; edits are lost.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$rundir/pg'
max_connections = 200
# Keep durability real: the daemon's "commit before PUBACK" guarantee is
# what the tests check.
fsync = on
synchronous_commit = on
full_page_writes = on
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
log_min_messages = warning
EOF
}

_setia_pg_start() {
  local rundir=$1 pgdata=$1/pg/data port attempt
  _setia_pg_init "$rundir" || return 1
  for attempt in 1 2 3; do
    port=$(_setia_pick_port "$rundir/pg.port") || return 1
    _setia_pg_write_conf "$rundir" "$port"
    # (A stale postmaster.pid was removed by _setia_pg_stop before.)
    _setia_log "starting PostgreSQL on 127.0.0.1:$port"
    if _setia_as_pg "$SETIA_PG_BIN/pg_ctl" start -D "$pgdata" -l "$rundir/pg/postgres.log" \
          -w -t "$SETIA_SERVICE_TIMEOUT" >/dev/null 2>&1; then
      if "$SETIA_PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t "$SETIA_SERVICE_TIMEOUT"; then
        printf '%s\n' "$port" >"$rundir/pg.port"
        return 0
      fi
      _setia_pg_stop "$rundir" || true
    fi
    ((attempt < 3)) || break
    if tail -n 20 "$rundir/pg/postgres.log" 2>/dev/null | grep -q 'Address already in use'; then
      _setia_log "port $port was taken meanwhile, retrying with another one"
      rm -f "$rundir/pg.port"
    else
      # e.g. "pre-existing shared memory block is still in use": backends of
      # a killed postmaster are still exiting. Give them a moment.
      _setia_log "PostgreSQL did not start, retrying"
      sleep 2
    fi
  done
  _setia_err "PostgreSQL did not start or does not accept connections on 127.0.0.1:$port"
  _setia_tail_log "$rundir/pg/postgres.log" PostgreSQL
  return 1
}

_setia_pg_bootstrap() {         # create role and database setia (idempotent)
  local port=$1
  local psql=("$SETIA_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres)
  if ! "${psql[@]}" -d postgres >/dev/null <<'EOF'
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'setia') THEN
    CREATE ROLE setia LOGIN CREATEDB;
  ELSE
    ALTER ROLE setia LOGIN CREATEDB;
  END IF;
END
$$;
EOF
  then
    _setia_err "could not create role setia"
    return 1
  fi
  if [[ $("${psql[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'setia'") != 1 ]]; then
    "${psql[@]}" -d postgres -c 'CREATE DATABASE setia OWNER setia' >/dev/null \
      || { _setia_err "could not create database setia"; return 1; }
  fi
}

# ---------------------------------------------------------------------------
# Mosquitto
# ---------------------------------------------------------------------------

_setia_mqtt_pid() {             # print the pid of our running broker, or fail
  local rundir=$1 pid comm
  [[ -f $rundir/mosquitto.pid ]] || return 1
  pid=$(<"$rundir/mosquitto.pid")
  _setia_alive "$pid" || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == mosquitto ]] || return 1
  # And it is the broker started with our config (pids get reused).
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$rundir/mosquitto.conf" || return 1
  printf '%s\n' "$pid"
}

_setia_mqtt_answers() {
  local port=$1
  [[ $port =~ ^[0-9]+$ ]] || return 1
  timeout 5 mosquitto_pub -h 127.0.0.1 -p "$port" -i "setia-probe-$$" \
    -t setia/_probe -m ping -q 0 >/dev/null 2>&1
}

_setia_mqtt_running() {         # RUNDIR PORT
  _setia_mqtt_pid "$1" >/dev/null && _setia_mqtt_answers "$2"
}

_setia_mqtt_stop() {
  local rundir=$1 pid i
  if pid=$(_setia_mqtt_pid "$rundir"); then
    kill -TERM "$pid" 2>/dev/null || true
    # On SIGTERM mosquitto writes its persistence file; give it time.
    for ((i = 0; i < 100; i++)); do
      _setia_alive "$pid" || break
      sleep 0.1
    done
    if _setia_alive "$pid"; then
      _setia_log "mosquitto $pid did not exit on SIGTERM, killing it"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
  fi
  rm -f "$rundir/mosquitto.pid"
  return 0
}

_setia_mqtt_write_conf() {
  local rundir=$1 port=$2 user=$3
  cat >"$rundir/mosquitto.conf" <<EOF
# Written by deploy/services.sh at every start; edits are lost.
# Private broker for Setia tests and the demo. Production example:
# deploy/mosquitto/setia.conf.

listener $port 127.0.0.1
allow_anonymous true

# When started as root, mosquitto drops privileges to this user (default
# "mosquitto") early in its startup. We keep the drop, as in
# production, rather than "user root": services.sh chowns the persistence
# directory, the log file and the pid file to mosquitto beforehand (all three
# are written after the drop). As non-root this setting is ignored.
user $user
pid_file $rundir/mosquitto.pid

# Sessions (persistent subscriptions and queued QoS 1 messages) survive a
# broker restart, as they do with Debian's default config.
persistence true
persistence_location $rundir/mosquitto/

# No cap on the per-client queue. The default of 1000 SILENTLY DROPS further
# QoS 1 messages for a subscriber that is offline or behind ("Outgoing
# messages are being dropped for client ..." in the log only): a naive
# consumer got ~2k of 20k events (docs/operations.md, Mosquitto). Load tests and
# daemon-restart tests queue far more than 1000 sales.
max_queued_messages 0

# Default, stated explicitly: this is also the Receive Maximum announced to
# MQTT v5 clients, and paho C's publisher slows to <600 msg/s when its QoS 1
# window exceeds it (docs/operations.md, Mosquitto).
max_inflight_messages 20

# Send small packets at once: with Nagle's algorithm on, a PUBLISH written
# right after another waits for the peer's delayed ACK (up to 40 ms), which
# bench/README.md measured as most of setiad's time per sale.
set_tcp_nodelay true

log_dest file $rundir/mosquitto.log
log_type error
log_type warning
log_type notice
log_type information
log_timestamp_format %Y-%m-%dT%H:%M:%S
EOF
}

_setia_mqtt_start() {
  local rundir=$1 port attempt i mark user=mosquitto
  mkdir -p "$rundir/mosquitto"
  touch "$rundir/mosquitto.log" "$rundir/mosquitto.out"
  if ((EUID == 0)); then
    if id -u mosquitto >/dev/null 2>&1; then
      chown -R mosquitto:mosquitto "$rundir/mosquitto"
      chown mosquitto:mosquitto "$rundir/mosquitto.log"
    else
      user=root   # no mosquitto user (not the Debian package): stay root
    fi
  else
    user=$(id -un)
  fi
  for attempt in 1 2 3; do
    port=$(_setia_pick_port "$rundir/mqtt.port") || return 1
    _setia_mqtt_write_conf "$rundir" "$port" "$user"
    # mosquitto 2.0.11 writes the pid file AFTER dropping privileges, and
    # exits with "Unable to write pid file" if it cannot. Pre-create it,
    # owned by the broker's user. (It cannot unlink it at exit since RUNDIR
    # belongs to root; _setia_mqtt_pid checks the pid is alive and ours.)
    rm -f "$rundir/mosquitto.pid"
    : >"$rundir/mosquitto.pid"
    if ((EUID == 0)) && [[ $user != root ]]; then
      chown "$user:" "$rundir/mosquitto.pid"
    fi
    mark=$(wc -l <"$rundir/mosquitto.out")
    _setia_log "starting Mosquitto on 127.0.0.1:$port"
    # Not `mosquitto -d`: it sends stderr to /dev/null, which hides the
    # errors printed before the log file is open (bad config, pid file).
    # setsid: own session, so a Ctrl-C meant for the caller does not kill it;
    # the ( ... & ) subshell: not a job of the caller (no "Killed" notices).
    (setsid mosquitto -c "$rundir/mosquitto.conf" </dev/null >>"$rundir/mosquitto.out" 2>&1 &)
    for ((i = 0; i < SETIA_SERVICE_TIMEOUT * 5; i++)); do
      if _setia_mqtt_pid "$rundir" >/dev/null && _setia_mqtt_answers "$port"; then
        printf '%s\n' "$port" >"$rundir/mqtt.port"
        return 0
      fi
      # Broker gone (bad config, port taken): stop waiting.
      if ((i > 5)) && ! _setia_mqtt_pid "$rundir" >/dev/null; then
        break
      fi
      sleep 0.2
    done
    _setia_mqtt_stop "$rundir"
    if tail -n +"$((mark + 1))" "$rundir/mosquitto.out" | grep -q 'Address already in use' && ((attempt < 3)); then
      _setia_log "port $port was taken meanwhile, retrying with another one"
      rm -f "$rundir/mqtt.port"
      continue
    fi
    break
  done
  _setia_err "Mosquitto did not start or does not accept connections on 127.0.0.1:$port"
  _setia_tail_log "$rundir/mosquitto.out" "Mosquitto stdout/stderr"
  _setia_tail_log "$rundir/mosquitto.log" Mosquitto
  return 1
}

# ---------------------------------------------------------------------------
# Public: start / stop
# ---------------------------------------------------------------------------

# setia_services_start RUNDIR
# Starts (or reuses) the private PostgreSQL and Mosquitto of RUNDIR, writes
# RUNDIR/env and exports SETIA_PG_CONNINFO, SETIA_PG_PORT, SETIA_MQTT_URI,
# SETIA_MQTT_PORT, SETIA_RUNDIR in the calling shell.
setia_services_start() {
  local rundir pg_port mqtt_port
  rundir=$(_setia_abs_rundir "${1:-}") || return 1
  if [[ ! -x $SETIA_PG_BIN/initdb ]]; then
    _setia_err "$SETIA_PG_BIN/initdb not found: is the postgresql (15) package installed? (setia_install_deps)"
    return 1
  fi
  if ! command -v mosquitto >/dev/null 2>&1 && [[ -x /usr/sbin/mosquitto ]]; then
    PATH=$PATH:/usr/sbin
  fi
  if ! command -v mosquitto >/dev/null 2>&1 || ! command -v mosquitto_pub >/dev/null 2>&1; then
    _setia_err "mosquitto / mosquitto_pub not found: are mosquitto and mosquitto-clients installed? (setia_install_deps)"
    return 1
  fi
  if ((EUID == 0)) && ! id -u postgres >/dev/null 2>&1; then
    _setia_err "no postgres system user (install the postgresql package)"
    return 1
  fi

  mkdir -p "$rundir" || return 1
  chmod 0755 "$rundir"
  if ((EUID == 0)) && ! runuser -u postgres -- test -x "$rundir"; then
    _setia_err "the postgres user cannot reach $rundir; use a directory under /tmp (every parent must be o+x)"
    return 1
  fi

  # PostgreSQL: reuse if alive and answering, else (re)start cleanly.
  pg_port=$(cat "$rundir/pg.port" 2>/dev/null || true)
  if _setia_pg_running "$rundir" "$pg_port"; then
    _setia_log "reusing PostgreSQL on 127.0.0.1:$pg_port"
  else
    _setia_pg_stop "$rundir" || true   # a live but unresponsive postmaster
    _setia_pg_start "$rundir" || return 1
    pg_port=$(<"$rundir/pg.port")
  fi
  _setia_pg_bootstrap "$pg_port" || return 1

  # Mosquitto: same.
  mqtt_port=$(cat "$rundir/mqtt.port" 2>/dev/null || true)
  if _setia_mqtt_running "$rundir" "$mqtt_port"; then
    _setia_log "reusing Mosquitto on 127.0.0.1:$mqtt_port"
  else
    _setia_mqtt_stop "$rundir"
    _setia_mqtt_start "$rundir" || return 1
    mqtt_port=$(<"$rundir/mqtt.port")
  fi

  export SETIA_RUNDIR="$rundir"
  export SETIA_PG_PORT="$pg_port"
  export SETIA_PG_CONNINFO="host=127.0.0.1 port=$pg_port dbname=setia user=setia"
  export SETIA_MQTT_PORT="$mqtt_port"
  export SETIA_MQTT_URI="tcp://127.0.0.1:$mqtt_port"
  local v
  {
    echo "# Written by deploy/services.sh; source it to talk to the private services."
    for v in SETIA_RUNDIR SETIA_PG_PORT SETIA_PG_CONNINFO SETIA_MQTT_PORT SETIA_MQTT_URI SETIA_PG_BIN; do
      _setia_export_line "$v" "${!v}"
    done
  } >"$rundir/env"
  _setia_log "services up: PostgreSQL $SETIA_PG_CONNINFO; MQTT $SETIA_MQTT_URI (env: $rundir/env)"
}

# setia_services_stop RUNDIR: stop both services of RUNDIR; quiet if not running.
setia_services_stop() {
  local rundir rc=0
  rundir=$(_setia_abs_rundir "${1:-}") || return 1
  [[ -d $rundir ]] || return 0
  _setia_mqtt_stop "$rundir" || rc=1
  _setia_pg_stop "$rundir" || rc=1
  return "$rc"
}

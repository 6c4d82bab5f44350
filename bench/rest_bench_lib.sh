# shellcheck shell=bash
# bench/rest_bench_lib.sh -- what the benches that start their own setiad
# share (rest_bench.sh, console_bench.sh): an optimised build of setiad and
# setiactl, and a fresh private PostgreSQL + Mosquitto stopped on exit with
# the setiad they start. Sourced after setting BENCH_NAME (for messages),
# REPO, BUILD and BENCH_DIR.

say() { printf '\n== %s\n' "$*"; }
die() {
  printf '%s: ERROR: %s\n' "$BENCH_NAME" "$*" >&2
  exit 1
}

# Builds setiad and setiactl in $BUILD, refusing a debug or sanitized one
# (its figures would say nothing of a real setiad); sets SETIAD, SETIACTL.
bench_build() {
  say "build ($BUILD)"
  if [[ -f $BUILD/CMakeCache.txt ]]; then
    local build_type sanitize
    build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
    sanitize=$(sed -n 's/^SETIA_SANITIZE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
    case $build_type in
      Release | RelWithDebInfo) ;;
      *) die "$BUILD is configured as '${build_type:-no build type}'; benchmark an optimised build (BUILD_DIR=...)" ;;
    esac
    [[ $sanitize != ON ]] || die "$BUILD is built with SETIA_SANITIZE=ON; benchmark a build without sanitizers"
  else
    local generator=()
    command -v ninja >/dev/null && generator=(-G Ninja)
    cmake -S "$REPO" -B "$BUILD" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  cmake --build "$BUILD" --target setiad setiactl
  # shellcheck disable=SC2034 # read by the script that sourced this
  SETIAD=$BUILD/adapters/daemon/setiad
  # shellcheck disable=SC2034
  SETIACTL=$BUILD/adapters/cli/setiactl
}

# A fresh PostgreSQL + Mosquitto in $BENCH_DIR (wiped first); on exit the
# setiad of SETIAD_PID is stopped, then the services (logs kept).
bench_services() {
  say "services ($BENCH_DIR)"
  # shellcheck source=SCRIPTDIR/../deploy/services.sh
  source "$REPO/deploy/services.sh"
  SETIAD_PID=""
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  setia_services_stop "$BENCH_DIR" || true
  rm -rf -- "$BENCH_DIR"
  setia_services_start "$BENCH_DIR"
}

bench_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $SETIAD_PID ]] && kill -0 "$SETIAD_PID" 2>/dev/null; then
    kill -TERM "$SETIAD_PID" 2>/dev/null || true
    wait "$SETIAD_PID" 2>/dev/null || true
  fi
  setia_services_stop "$BENCH_DIR" || true
  ((rc == 0)) || printf '%s: FAILED (exit %d); logs in %s\n' "$BENCH_NAME" "$rc" "$BENCH_DIR" >&2
  exit "$rc"
}

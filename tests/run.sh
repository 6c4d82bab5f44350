#!/usr/bin/env bash
# tests/run.sh -- install what is missing, build, start a private PostgreSQL
# and Mosquitto, run every test (ctest), then fuzz the rule loader, the
# POS decoders and the REST request path (tests/fuzz/run.sh, 40 s each).
# Exits non-zero when a test failed or the fuzzer found something.
#
#   tests/run.sh                 # everything
#   tests/run.sh -R mqtt -V      # extra arguments go to ctest
#
# Environment:
#   SETIA_BUILD_DIR      build directory (default: build)
#   SETIA_TEST_RUNDIR    where the private services keep their state
#                        (default: /tmp/setia-test-<uid>-<hash of the repo path>)
#   SETIA_FUZZ_SECONDS   how long to fuzz each target (default: 40; 0 skips)
#   SETIA_FUZZ_BUILD_DIR the fuzz targets' clang build (default: build-fuzz)
#
# Idempotent: the build directory and the services' state are reused; a
# RUNDIR left behind by a killed run (dead pids) is restarted cleanly.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd -P)

# shellcheck source=SCRIPTDIR/../deploy/services.sh
source deploy/services.sh

phase() { printf '\n==> [setia tests] %s\n' "$*"; }

phase "dependencies (apt, only what is missing)"
setia_install_deps

BUILD_DIR=${SETIA_BUILD_DIR:-build}
phase "configure ($BUILD_DIR)"
gen=()
# Only choose a generator for a fresh build dir: cmake refuses to switch
# generators in an existing one.
if [[ ! -f $BUILD_DIR/CMakeCache.txt ]] && command -v ninja >/dev/null 2>&1; then
  gen=(-G Ninja)
fi
cmake -S . -B "$BUILD_DIR" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo

phase "build"
cmake --build "$BUILD_DIR" -j"$(nproc)"

RUNDIR=${SETIA_TEST_RUNDIR:-/tmp/setia-test-$(id -u)-$(printf '%s' "$REPO" | sha256sum | cut -c1-10)}
phase "services (private PostgreSQL + Mosquitto in $RUNDIR)"
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  printf '\n==> [setia tests] stopping services\n'
  setia_services_stop "$RUNDIR" || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
setia_services_start "$RUNDIR"
export SETIA_TEST_PG="$SETIA_PG_CONNINFO"
export SETIA_TEST_MQTT="$SETIA_MQTT_URI"

phase "ctest $*"
rc=0
ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 600 "$@" || rc=$?
if ((rc == 0)); then
  phase "ctest: all tests passed"
else
  phase "FAILED (ctest exit status $rc)"
fi

phase "fuzz the rule loader, the POS decoders and the REST request path (libFuzzer, ${SETIA_FUZZ_SECONDS:-40} s each)"
fuzz_rc=0
tests/fuzz/run.sh || fuzz_rc=$?
case $fuzz_rc in
  0) phase "fuzzing found nothing" ;;
  77) phase "fuzzing skipped (reason above)" ;;
  *)
    phase "fuzzing FAILED (tests/fuzz/run.sh exit status $fuzz_rc)"
    ((rc != 0)) || rc=1
    ;;
esac
exit "$rc"

#!/usr/bin/env bash
# tests/run.sh -- install what is missing, build with ASan + UBSan, start a
# private PostgreSQL and Mosquitto, run every test (ctest) under the
# sanitizers (the owner's console in headless Chromium among them:
# console_browser, its screenshots in $BUILD_DIR/screenshots), then fuzz
# the rule loader, the POS decoders and the REST request path
# (tests/fuzz/run.sh, 30 s each). Exits non-zero when a test
# failed, a sanitizer reported something or the fuzzer found something.
#
# One build, sanitized: the suite runs once, and every test (the daemon and
# setiactl the integration tests start included) is also a memory and
# undefined-behaviour check. A second, plain run would double the CI time
# and catch nothing more; the benchmarks and deploy/demo.sh build their own
# plain build/.
#
#   tests/run.sh                 # everything
#   tests/run.sh -R mqtt -V      # extra arguments go to ctest
#
# Environment:
#   SETIA_SANITIZE       ON (default): ASan + UBSan; OFF: a plain build
#   SETIA_BUILD_DIR      build directory (default: build-sanitize, or build
#                        when SETIA_SANITIZE=OFF)
#   SETIA_TEST_RUNDIR    where the private services keep their state
#                        (default: /tmp/setia-test-<uid>-<hash of the repo path>)
#   SETIA_FUZZ_SECONDS   how long to fuzz each target (default: 30; 0 skips)
#   SETIA_FUZZ_BUILD_DIR the fuzz targets' clang build (default: build-fuzz)
#
# Idempotent: the build directory and the services' state are reused; a
# RUNDIR left behind by a killed run (dead pids) is restarted cleanly.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd -P)

# shellcheck source=SCRIPTDIR/../deploy/services.sh
source deploy/services.sh

# Each phase says when it began (seconds since the start): where a CI
# run's time goes, phase by phase.
phase() { printf '\n==> [setia tests] %s (at %d s)\n' "$*" "$SECONDS"; }

phase "dependencies (apt, only what is missing)"
setia_install_deps

SANITIZE=${SETIA_SANITIZE:-ON}
case $SANITIZE in
  ON) BUILD_DIR=${SETIA_BUILD_DIR:-build-sanitize} ;;
  OFF) BUILD_DIR=${SETIA_BUILD_DIR:-build} ;;
  *)
    printf 'SETIA_SANITIZE must be ON or OFF, not %s\n' "$SANITIZE" >&2
    exit 2
    ;;
esac
phase "configure ($BUILD_DIR, sanitizers $SANITIZE)"
gen=()
# Only choose a generator for a fresh build dir: cmake refuses to switch
# generators in an existing one.
if [[ ! -f $BUILD_DIR/CMakeCache.txt ]] && command -v ninja >/dev/null 2>&1; then
  gen=(-G Ninja)
fi
cmake -S . -B "$BUILD_DIR" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSETIA_SANITIZE="$SANITIZE"

phase "build"
cmake --build "$BUILD_DIR" -j"$(nproc)"

RUNDIR=${SETIA_TEST_RUNDIR:-/tmp/setia-test-$(id -u)-$(printf '%s' "$REPO" | sha256sum | cut -c1-10)}
phase "services (private PostgreSQL + Mosquitto in $RUNDIR)"
# shellcheck disable=SC2317  # invoked by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -z ${fuzz_build_pid:-} ]] || kill "$fuzz_build_pid" 2>/dev/null || true
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

if [[ $SANITIZE == ON ]]; then
  # A finding fails the test that meets it (ASan stops by default; UBSan is
  # built not to recover), leaks included, with a stack to read.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:strict_init_order=1:check_initialization_order=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi

# The fuzz targets' clang build needs none of this and ctest leaves much of
# the two cores idle (the tests wait on the database and the broker): build
# them now, at the lowest priority, so that the tests barely notice. The
# fuzz phase below finds them built (or shows the build's errors).
fuzz_build_pid=
if [[ ${SETIA_FUZZ_SECONDS:-30} != 0 ]]; then
  phase "fuzz targets: built in the background while ctest runs (log: $BUILD_DIR/fuzz-build.log)"
  SETIA_FUZZ_BUILD_ONLY=1 nice -n 19 tests/fuzz/run.sh >"$BUILD_DIR/fuzz-build.log" 2>&1 &
  fuzz_build_pid=$!
fi

# -j: the tests that share the database and the broker are RUN_SERIAL
# (tests/integration/CMakeLists.txt); the others run side by side.
phase "ctest $*"
rc=0
ctest --test-dir "$BUILD_DIR" --output-on-failure --timeout 600 -j"$(nproc)" "$@" || rc=$?
if ((rc == 0)); then
  phase "ctest: all tests passed"
else
  phase "FAILED (ctest exit status $rc)"
fi

[[ -z $fuzz_build_pid ]] || wait "$fuzz_build_pid" || true
phase "fuzz the rule loader, the POS decoders and the REST request path (libFuzzer, ${SETIA_FUZZ_SECONDS:-30} s each)"
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

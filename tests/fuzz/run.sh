#!/usr/bin/env bash
# tests/fuzz/run.sh -- build the libFuzzer targets with clang 16 and fuzz
# each for a while, starting from its seed corpus in the repo:
#   rules_loader_fuzz    rule files        tests/fuzz/rules_corpus
#   sale_decoder_fuzz    POS sales         tests/fuzz/sale_corpus
#   refund_decoder_fuzz  refunds, lookups  tests/fuzz/refund_corpus
#   rest_request_fuzz    HTTP requests     tests/fuzz/rest_corpus
#
#   tests/fuzz/run.sh                        # 30 s each
#   SETIA_FUZZ_SECONDS=600 tests/fuzz/run.sh sale_decoder_fuzz
#   tests/fuzz/run.sh rules_loader_fuzz -only_ascii=1   # extra arguments go to libFuzzer
#
# Environment:
#   SETIA_FUZZ_BUILD_DIR  build directory (default: build-fuzz); the working
#                         corpora, the logs and any crash files are kept there
#   SETIA_FUZZ_SECONDS    how long to fuzz each target (default: 30; 0 skips)
#   SETIA_FUZZ_CXX        the compiler (default: clang++-16)
#   SETIA_FUZZ_BUILD_ONLY 1: build the targets and stop (tests/run.sh builds
#                         them in the background while ctest runs)
#
# Exit status: 0 nothing found, 1 a finding (crash, leak, timeout, out of
# memory, broken invariant; its input is saved and named below) or a failed
# build, 77 skipped (clang 16 or its libFuzzer runtime missing; tests/run.sh
# installs them). docs/rules.md and docs/pos-contract.md "Fuzzing" say what
# is checked (docs/fuzzing.md for the REST target).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BUILD_DIR=${SETIA_FUZZ_BUILD_DIR:-build-fuzz}
FUZZ_SECONDS=${SETIA_FUZZ_SECONDS:-30}
CXX=${SETIA_FUZZ_CXX:-clang++-16}
# target -> "seed corpus|dictionary|max input length|replay test"
declare -A TARGETS=(
  [rules_loader_fuzz]="tests/fuzz/rules_corpus|tests/fuzz/yaml.dict|65536|tests/unit/rules_fuzz_replay_test.cpp"
  [sale_decoder_fuzz]="tests/fuzz/sale_corpus|tests/fuzz/pos.dict|70000|tests/unit/pos_fuzz_replay_test.cpp"
  [refund_decoder_fuzz]="tests/fuzz/refund_corpus|tests/fuzz/pos.dict|70000|tests/unit/pos_fuzz_replay_test.cpp"
  [rest_request_fuzz]="tests/fuzz/rest_corpus|tests/fuzz/http.dict|80000|tests/unit/rest_fuzz_replay_test.cpp"
)
ORDER=(rules_loader_fuzz sale_decoder_fuzz refund_decoder_fuzz rest_request_fuzz)
if [[ $# -gt 0 && -n ${TARGETS[$1]:-} ]]; then
  ORDER=("$1")
  shift
fi

say() { printf '[fuzz] %s\n' "$*"; }

if [[ ! $FUZZ_SECONDS =~ ^[0-9]+$ ]]; then
  say "SETIA_FUZZ_SECONDS must be a whole number of seconds, not '$FUZZ_SECONDS'" >&2
  exit 2
fi
if ((FUZZ_SECONDS == 0)) && [[ ${SETIA_FUZZ_BUILD_ONLY:-0} != 1 ]]; then
  # libFuzzer would read -max_total_time=0 as "forever".
  say "skipped: SETIA_FUZZ_SECONDS=0"
  exit 77
fi
if ! command -v "$CXX" >/dev/null 2>&1; then
  say "skipped: $CXX not installed; libFuzzer needs clang, and clang 14 cannot"
  say "compile libstdc++ 12's <expected> (apt-get install clang-16 libclang-rt-16-dev)"
  exit 77
fi
if [[ ! -f $("$CXX" -print-runtime-dir)/libclang_rt.fuzzer-x86_64.a ]]; then
  say "skipped: $CXX has no libFuzzer runtime (apt-get install libclang-rt-16-dev)"
  exit 77
fi

say "build ($BUILD_DIR, $CXX)"
if [[ ! -f $BUILD_DIR/CMakeCache.txt ]]; then
  gen=()
  command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
  cmake -S tests/fuzz -B "$BUILD_DIR" "${gen[@]}" -DCMAKE_CXX_COMPILER="$CXX" >/dev/null
fi
start=$(date +%s)
cmake --build "$BUILD_DIR" --target "${ORDER[@]}" -j"$(nproc)"
say "built in $(($(date +%s) - start)) s"
[[ ${SETIA_FUZZ_BUILD_ONLY:-0} != 1 ]] || exit 0

# fuzz TARGET [libFuzzer arguments]: 0 nothing found, 1 a finding.
fuzz() {
  local target=$1 seeds dict max_len replay rc=0
  shift
  IFS='|' read -r seeds dict max_len replay <<<"${TARGETS[$target]}"
  # libFuzzer adds what it finds to the first corpus directory: a copy in
  # the build dir, so the repo's seeds are never written to. It grows from
  # run to run; delete it to start again from the seeds.
  local corpus=$BUILD_DIR/corpus-$target artifacts=$BUILD_DIR/artifacts-$target log=$BUILD_DIR/$target.log
  mkdir -p "$corpus" "$artifacts"
  cp -f "$seeds"/* "$corpus"/
  local stamp=$BUILD_DIR/.fuzz-start-$target
  touch "$stamp"

  say "$target: fuzzing for $FUZZ_SECONDS s (log: $log)"
  # -error_exitcode / -timeout_exitcode: libFuzzer's defaults (77, 70) would
  # collide with "skipped". The rule loader's own 1 MiB limit is checked by
  # a seed; the POS payloads' 64 KiB limit is inside max_len, and so are the
  # REST server's 8 KiB of headers and 64 KiB of body.
  "$BUILD_DIR/$target" "$corpus" \
    -max_total_time="$FUZZ_SECONDS" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
    -dict="$dict" -artifact_prefix="$artifacts"/ \
    -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 "$@" >"$log" 2>&1 || rc=$?

  # The log without the progress lines and the suggested dictionary.
  grep -vE '^(#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)|[[:space:]]+NEW_FUNC)' "$log" |
    sed '/^###### Recommended dictionary/,/^###### End of recommended dictionary/d' || true

  if ((rc == 0)); then
    say "$target: nothing found"
    return 0
  fi
  local found
  mapfile -t found < <(find "$artifacts" -maxdepth 1 -type f -newer "$stamp" \
    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
  say "$target: FAILED (libFuzzer exit status $rc)"
  if ((${#found[@]} == 0)); then
    say "no input was saved; see $log"
    return 1
  fi
  local f
  for f in "${found[@]}"; do
    say "input: $f"
  done
  say "reproduce:  $BUILD_DIR/$target ${found[0]}"
  say "minimise:   $BUILD_DIR/$target -minimize_crash=1 -runs=100000 -artifact_prefix=$artifacts/ ${found[0]}"
  say "then copy it (or the smallest minimized-from-* file) into $seeds/ with a name that says"
  say "what it is, so that the replay test ($replay) keeps it, and fix the bug."
  return 1
}

failed=0
for target in "${ORDER[@]}"; do
  fuzz "$target" "$@" || failed=1
done
exit "$failed"

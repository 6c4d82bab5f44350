#!/usr/bin/env bash
# tests/fuzz/run.sh -- build the rule loader's libFuzzer target with clang 16
# and fuzz it for a while, starting from the seed corpus in the repo.
#
#   tests/fuzz/run.sh                        # 60 s
#   SETIA_FUZZ_SECONDS=600 tests/fuzz/run.sh
#   tests/fuzz/run.sh -only_ascii=1          # extra arguments go to libFuzzer
#
# Environment:
#   SETIA_FUZZ_BUILD_DIR  build directory (default: build-fuzz); the working
#                         corpus, the log and any crash files are kept there
#   SETIA_FUZZ_SECONDS    how long to fuzz (default: 60; 0 skips)
#   SETIA_FUZZ_CXX        the compiler (default: clang++-16)
#
# Exit status: 0 nothing found, 1 a finding (crash, leak, timeout, out of
# memory, broken invariant; its input is saved and named below) or a failed
# build, 77 skipped (clang 16 or its libFuzzer runtime missing; tests/run.sh
# installs them). docs/rules.md "Fuzzing" says what is checked.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

BUILD_DIR=${SETIA_FUZZ_BUILD_DIR:-build-fuzz}
FUZZ_SECONDS=${SETIA_FUZZ_SECONDS:-60}
CXX=${SETIA_FUZZ_CXX:-clang++-16}
SEEDS=tests/fuzz/rules_corpus

say() { printf '[fuzz] %s\n' "$*"; }

if [[ ! $FUZZ_SECONDS =~ ^[0-9]+$ ]]; then
  say "SETIA_FUZZ_SECONDS must be a whole number of seconds, not '$FUZZ_SECONDS'" >&2
  exit 2
fi
if ((FUZZ_SECONDS == 0)); then
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
cmake --build "$BUILD_DIR" --target rules_loader_fuzz -j"$(nproc)"
say "built in $(($(date +%s) - start)) s"

# libFuzzer adds what it finds to the first corpus directory: a copy in the
# build dir, so the repo's seeds are never written to. It grows from run to
# run; delete it to start again from the seeds.
corpus=$BUILD_DIR/corpus
artifacts=$BUILD_DIR/artifacts
log=$BUILD_DIR/fuzz.log
mkdir -p "$corpus" "$artifacts"
cp -f "$SEEDS"/* "$corpus"/
stamp=$BUILD_DIR/.fuzz-start
touch "$stamp"

say "fuzzing for $FUZZ_SECONDS s (log: $log)"
rc=0
# -error_exitcode / -timeout_exitcode: libFuzzer's defaults (77, 70) would
# collide with "skipped". 64 KiB is plenty for a rule file; the loader's own
# 1 MiB limit is checked by a seed.
"$BUILD_DIR"/rules_loader_fuzz "$corpus" \
  -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -dict=tests/fuzz/yaml.dict -artifact_prefix="$artifacts"/ \
  -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 "$@" >"$log" 2>&1 || rc=$?

# The log without the progress lines and the suggested dictionary.
grep -vE '^(#[0-9]+[[:space:]]+(NEW|REDUCE|pulse|RELOAD)|[[:space:]]+NEW_FUNC)' "$log" |
  sed '/^###### Recommended dictionary/,/^###### End of recommended dictionary/d' || true

if ((rc == 0)); then
  say "nothing found"
  exit 0
fi
mapfile -t found < <(find "$artifacts" -maxdepth 1 -type f -newer "$stamp" \
  \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
say "FAILED (libFuzzer exit status $rc)"
if ((${#found[@]} == 0)); then
  say "no input was saved; see $log"
  exit 1
fi
for f in "${found[@]}"; do
  say "input: $f"
done
say "reproduce:  $BUILD_DIR/rules_loader_fuzz ${found[0]}"
say "minimise:   $BUILD_DIR/rules_loader_fuzz -minimize_crash=1 -runs=100000 -artifact_prefix=$artifacts/ ${found[0]}"
say "then copy it (or the smallest minimized-from-* file) into $SEEDS/ with a name that says"
say "what it is, e.g. $SEEDS/promo-window-overflow.yaml, so that the replay"
say "test (tests/unit/rules_fuzz_replay_test.cpp) keeps it, and fix the bug."
exit 1

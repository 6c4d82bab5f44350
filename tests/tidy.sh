#!/usr/bin/env bash
# tests/tidy.sh -- clang-tidy (16) over every source file of the main build,
# with the checks of .clang-tidy (a finding is an error; .clang-tidy says
# which folders pass them today). Not part of tests/run.sh: clang-tidy takes
# 10 to 15 s a file here, 174 files; run it before a change that touches
# many files.
#
#   tests/tidy.sh                        # every file, nproc in parallel
#   tests/tidy.sh adapters/rest          # files under these paths only
#
# Environment:
#   SETIA_TIDY_BUILD_DIR  a configured build dir whose compile_commands.json
#                         is used (default: build; configured if missing)
#
# clang 16 reads libstdc++ 12's <expected> only when told that concepts are
# C++20's (__cpp_concepts >= 202002L), and knows C++23 as -std=c++2b: the
# compile database is copied with both changes (the fuzz targets need the
# same, tests/fuzz/CMakeLists.txt).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$(pwd -P)
BUILD_DIR=${SETIA_TIDY_BUILD_DIR:-build}
TIDY=clang-tidy-16

command -v "$TIDY" >/dev/null 2>&1 || { echo "tidy: $TIDY not installed (apt-get install clang-tidy-16)" >&2; exit 77; }
if [[ ! -f $BUILD_DIR/compile_commands.json ]]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi

db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
sed 's/-std=c++23/-std=c++2b/g' "$BUILD_DIR/compile_commands.json" >"$db/compile_commands.json"

mapfile -t files < <(python3 - "$db/compile_commands.json" "$REPO" "$@" <<'PY'
import json, sys
db, repo, *only = sys.argv[1:]
for e in json.load(open(db)):
    f = e["file"]
    rel = f[len(repo) + 1:] if f.startswith(repo + "/") else None
    if rel is None or rel.startswith("build"):
        continue  # generated at configure time (the embedded migrations)
    if not only or any(rel.startswith(p.rstrip("/")) for p in only):
        print(f)
PY
)
echo "tidy: ${#files[@]} files, $(nproc) at a time"
printf '%s\n' "${files[@]}" |
  xargs -P "$(nproc)" -n 1 "$TIDY" -p "$db" --quiet \
    --extra-arg=-U__cpp_concepts --extra-arg=-D__cpp_concepts=202002L 2>/dev/null
echo "tidy: no finding"

#!/usr/bin/env bash
# deploy/systemd/check.sh BINARY [UNIT_FILE]
#
# Verifies deploy/systemd/setiad.service offline (no running systemd needed)
# on a copy whose ExecStart program is BINARY (e.g. the freshly built setiad;
# `systemd-analyze verify` fails when the ExecStart binary does not exist).
#
# Fails when systemd-analyze exits non-zero OR prints anything on stderr:
# systemd 252 exits 0 on unknown keys and bad values ("Unknown key
# 'ProtectSystm'") and only reports them on stderr. --man=no: otherwise it
# fails on Documentation=man: pages that are not installed.
# Also prints the offline security exposure score and fails above
# SETIA_UNIT_SECURITY_THRESHOLD (default 2.0; the unit scores 1.5).
#
# Exit status: 0 ok, 1 problems found, 2 usage, 77 systemd-analyze missing
# (ctest: set_tests_properties(... PROPERTIES SKIP_RETURN_CODE 77)).
set -euo pipefail

usage() { echo "usage: $0 BINARY [UNIT_FILE]" >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage

bin=$(realpath -ms -- "$1")
unit=${2:-$(dirname "${BASH_SOURCE[0]}")/setiad.service}
[[ -f $unit ]] || { echo "check.sh: no unit file $unit" >&2; exit 2; }
if [[ ! -x $bin ]]; then
  echo "check.sh: $bin is not an executable file" >&2
  exit 1
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "check.sh: systemd-analyze not found (apt-get install systemd); skipped" >&2
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf -- "$tmp"' EXIT
copy=$tmp/$(basename -- "$unit")

# Same unit, with the first word of ExecStart= replaced by BINARY.
n=0
while IFS= read -r line || [[ -n $line ]]; do
  if [[ $line == ExecStart=* ]]; then
    args=${line#ExecStart=}
    rest=""
    [[ $args == *" "* ]] && rest=" ${args#* }"
    line="ExecStart=$bin$rest"
    n=$((n + 1))
  fi
  printf '%s\n' "$line"
done <"$unit" >"$copy"
if ((n != 1)); then
  echo "check.sh: expected exactly one ExecStart= line in $unit, found $n" >&2
  exit 1
fi

status=0
rc=0
systemd-analyze verify --man=no "$copy" >"$tmp/out" 2>"$tmp/err" || rc=$?
if ((rc != 0)) || [[ -s $tmp/err ]]; then
  echo "check.sh: systemd-analyze verify FAILED for $unit (exit $rc):" >&2
  cat "$tmp/out" "$tmp/err" >&2
  status=1
else
  echo "check.sh: systemd-analyze verify: OK ($unit, ExecStart=$bin)"
fi

threshold=${SETIA_UNIT_SECURITY_THRESHOLD:-2.0}
# --threshold takes tenths as an integer (exposure 1.4 -> 14).
tenths=$(awk -v t="$threshold" 'BEGIN { printf "%d", t * 10 + 0.5 }')
rc=0
systemd-analyze security --offline=yes --threshold="$tenths" "$copy" >"$tmp/sec" 2>&1 || rc=$?
score=$(grep -E 'Overall exposure level' "$tmp/sec" | tail -n 1 \
  | sed -E 's/\x1b\[[0-9;]*m//g; s/^[^O]*(Overall exposure level)/\1/; s/[^[:alnum:][:punct:] ]+$//; s/ +$//' || true)
if ((rc != 0)); then
  echo "check.sh: systemd-analyze security: ${score:-no score} is over the threshold $threshold (or failed):" >&2
  grep -E '✗' "$tmp/sec" >&2 || cat "$tmp/sec" >&2
  status=1
else
  echo "check.sh: systemd-analyze security: ${score:-?} (threshold $threshold)"
fi
exit "$status"

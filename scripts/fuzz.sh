#!/usr/bin/env bash
# Run every fuzz target of corsdoctor for a short fixed time, one after the
# other, and report the executions of each: a fuzzer that does not reach
# thousands of executions per second explores nothing (issue 16).
#
#   scripts/fuzz.sh                 # every target, FUZZTIME each (default 10s)
#   FUZZTIME=30s scripts/fuzz.sh ./collect/har ./collect/iac/tf
#   MIN_RATE=1000 scripts/fuzz.sh   # exit 1 when a target runs slower (0: report only)
#
# Each target runs with -fuzzminimizetime FUZZMINIMIZE (default 100x: a
# hundred executions), so minimising new inputs does not eat the run. New crashers land in the package's
# testdata/fuzz/FuzzX/ as usual: commit them with the fix. Output: one line
# per target, "package target executions exec/s new-inputs result", then a
# summary; the raw log of a failing target is printed in full.
set -uo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-10s}"
minimize="${FUZZMINIMIZE:-100x}"
min_rate="${MIN_RATE:-0}"
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
  mapfile -t pkgs < <(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u)
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
printf '%-28s %-30s %12s %9s %5s  %s\n' package target executions exec/s new result
failed=0 slow=0 total=0
for pkg in "${pkgs[@]}"; do
  targets=$(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true)
  for t in $targets; do
    total=$((total + 1))
    start=$(date +%s.%N)
    go test "$pkg" -run '^$' -fuzz "^${t}\$" -fuzztime "$fuzztime" -fuzzminimizetime "$minimize" >"$log" 2>&1
    rc=$?
    end=$(date +%s.%N)
    # The last progress line: "fuzz: elapsed: 10s, execs: 123456 (12345/sec), new interesting: 3 (total: 40)".
    line=$(grep 'fuzz: elapsed:' "$log" | tail -1)
    execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' <<<"$line")
    secs=$(sed -n 's/.*elapsed: \([0-9]*\)s.*/\1/p' <<<"$line")
    new=$(sed -n 's/.*new interesting: \([0-9]*\).*/\1/p' <<<"$line")
    execs=${execs:-0} new=${new:-0}
    [ -z "$secs" ] || [ "$secs" = 0 ] && secs=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%d", b-a}')
    rate=$(( execs / (secs > 0 ? secs : 1) ))
    result=ok
    if [ $rc -ne 0 ]; then
      result=FAIL failed=$((failed + 1))
    elif [ "$min_rate" -gt 0 ] && [ "$rate" -lt "$min_rate" ]; then
      result=SLOW slow=$((slow + 1))
    fi
    printf '%-28s %-30s %12s %9s %5s  %s\n' "${pkg#./}" "$t" "$execs" "$rate" "$new" "$result"
    if [ $rc -ne 0 ]; then cat "$log"; fi
  done
done
echo "fuzz: $total targets, $fuzztime each: $failed failed, $slow below $min_rate exec/s"
[ $failed -eq 0 ] && [ $slow -eq 0 ]

#!/bin/sh
# Lint benchmark: 1,000 generated templates (mixed formats, ~50 resources
# each), linted by the corsdoctor binary. Prints wall time, CPU time and
# peak RSS (GNU time) for each run.
#
#   sh bench/lint.sh [runs]
set -eu
runs=${1:-5}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/corsdoctor" ./cmd/corsdoctor
go run ./bench/lintgen -n 1000 -r 50 -out "$dir/tree"
echo "tree: $(find "$dir/tree" -type f | wc -l) files, $(du -sh "$dir/tree" | cut -f1)"
i=0
while [ "$i" -lt "$runs" ]; do
	/usr/bin/time -f "wall %e s  user %U s  sys %S s  maxrss %M KB" "$dir/corsdoctor" lint "$dir/tree" --format json >/dev/null || true
	i=$((i + 1))
done

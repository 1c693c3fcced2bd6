#!/usr/bin/env bash
# Render screenshots of corsdoctor's web UI (corsdoctor serve) and HTML
# reports, light and dark, to a folder for review (default: screenshots/,
# git-ignored). Starts the lab and the UI on loopback ports, stops them
# when done. Needs Chromium (CHROME_PATH, /usr/bin/chromium or PATH).
#
#   scripts/screenshots.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-screenshots}"
mkdir -p "$out"
tmp="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/corsdoctor" ./cmd/corsdoctor
lab_port="${LAB_PORT:-7071}"
ui_port="${UI_PORT:-7072}"
"$tmp/corsdoctor" lab --addr "127.0.0.1:$lab_port" >"$tmp/lab.log" 2>&1 &
pids+=($!)
"$tmp/corsdoctor" serve --addr "127.0.0.1:$ui_port" >"$tmp/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  if grep -q "open http" "$tmp/serve.log" 2>/dev/null; then break; fi
  sleep 0.1
done

# Standalone reports: explain (offline), check and scan against the lab.
reports=()
"$tmp/corsdoctor" explain --url https://api.example.com/items --origin https://app.example.com -X DELETE \
  --preflight-response examples/preflight-trailing-slash.txt --html "$out/explain.html" >/dev/null || true
reports+=("$out/explain.html")
if "$tmp/corsdoctor" scan --help 2>/dev/null | grep -q -- "--html"; then
  "$tmp/corsdoctor" scan "http://127.0.0.1:$lab_port/app/no-vary" "http://127.0.0.1:$lab_port/app/wildcard-credentials" \
    --html "$out/scan.html" >/dev/null 2>&1 || true
  [ -s "$out/scan.html" ] && reports+=("$out/scan.html")
fi

go run ./bench/screenshots -ui "http://127.0.0.1:$ui_port" -lab "http://127.0.0.1:$lab_port" -out "$out" \
  -reports "$(IFS=,; echo "${reports[*]}")"

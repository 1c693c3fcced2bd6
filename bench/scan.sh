#!/bin/sh
# Measures `corsdoctor scan` against bench/scantarget on loopback, next to
# a bare net/http loop run just before each scan in the same invocation:
# requests per URL, throughput, its ratio to the latency bound and to the
# bare loop (run just before and just after each scan), CPU per request
# and peak memory (BENCHMARKS.md, "scan").
#
#   bench/scan.sh [TARGETS [LATENCY [CONCURRENCY]]]    (defaults: 5000 20ms 50)
#
# Environment:
#   MODES="adaptive thorough"  scan modes to run, one after the other
#   MIX=wild                   target mix: wild (scantarget.WildMix: half without
#                              CORS, 40% vulnerable) or cycle (every policy in turn)
#   HOSTS=1                    loopback ports (hosts) the targets are spread over
#   PER_HOST_RATE=             --per-host-rate, e.g. 20/s; the peak requests any
#                              host got within one second is printed
#
# The target server runs in its own process so its CPU is not counted.
set -eu
N=${1:-5000}
LAT=${2:-20ms}
C=${3:-50}
MODES=${MODES:-adaptive thorough}
MIX=${MIX:-wild}
HOSTS=${HOSTS:-1}
PHR=${PER_HOST_RATE:-}
tmp=$(mktemp -d)
trap 'kill "$spid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
spid=
go build -o "$tmp/corsdoctor" ./cmd/corsdoctor
go build -o "$tmp/scantarget" ./bench/scantarget/cmd/scantarget
# The ceiling of the machine at that minute: C goroutines, each sending one
# GET after another with a bare net/http client to the same target for 5 s.
# On a loaded VM timers fire late and goroutines wait for a core, so even
# this stays below C/LATENCY.
mkdir "$tmp/ceiling"
cat >"$tmp/ceiling/main.go" <<GO
package main

import ("fmt"; "io"; "net/http"; "os"; "strconv"; "sync"; "sync/atomic"; "time")

func main() {
	c, _ := strconv.Atoi(os.Args[2])
	cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: c}}
	var n atomic.Int64
	var wg sync.WaitGroup
	end := time.Now().Add(5 * time.Second)
	for i := 0; i < c; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(end) {
				resp, err := cl.Get(os.Args[1])
				if err != nil {
					panic(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%.0f\n", float64(n.Load())/5)
}
GO
(cd "$tmp/ceiling" && printf 'module ceiling\ngo 1.26\n' >go.mod && go build -o ceiling .)
"$tmp/scantarget" -addr 127.0.0.1:0 -hosts "$HOSTS" -latency "$LAT" -n "$N" -mix "$MIX" -targets "$tmp/targets.txt" >"$tmp/addr" 2>"$tmp/server.err" &
spid=$!
sleep 1
first=$(head -1 "$tmp/addr")
printf "machine: %s cores, load %s; targets=%s mix=%s hosts=%s latency=%s -c %s%s\n" "$(nproc)" \
	"$(cut -d' ' -f1-3 /proc/loadavg)" "$N" "$MIX" "$HOSTS" "$LAT" "$C" "${PHR:+ --per-host-rate $PHR}"
for mode in $MODES; do
	bare=$("$tmp/ceiling/ceiling" "$first/p/ok-none" "$C")
	curl -s "$first/_stats?reset=1" >/dev/null
	flags=""
	[ "$mode" = thorough ] && flags="--thorough"
	[ -n "$PHR" ] && flags="$flags --per-host-rate $PHR"
	# shellcheck disable=SC2086
	/usr/bin/time -f 'wall=%e user=%U sys=%S maxrss_kb=%M' -o "$tmp/time" \
		"$tmp/corsdoctor" scan -i "$tmp/targets.txt" -c "$C" --json -o "$tmp/out.jsonl" \
		--trusted-origin https://app.example.com --no-progress $flags 2>"$tmp/err" || true
	stats=$(curl -s "$first/_stats")
	# The bare loop again: the machine's ceiling drifts on a shared box,
	# so the scan is compared with the mean of the loop before and after.
	bare2=$("$tmp/ceiling/ceiling" "$first/p/ok-none" "$C")
	records=$(wc -l <"$tmp/out.jsonl")
	req=$(sed -n 's/.* with \([0-9]*\) requests.*/\1/p' "$tmp/err" | head -1)
	vuln=$(sed -n 's/.*: \([0-9]*\) vulnerable.*/\1/p' "$tmp/err" | head -1)
	peak=$(printf '%s' "$stats" | sed -n 's/.*"peak_per_host_per_second":\([0-9]*\).*/\1/p')
	peak10=$(printf '%s' "$stats" | sed -n 's/.*"peak_per_host_per_10s":\([0-9]*\).*/\1/p')
	awk -v mode="$mode" -v n="$N" -v rec="$records" -v req="$req" -v vuln="$vuln" -v c="$C" -v lat="$LAT" \
		-v bare="$bare" -v bare2="$bare2" -v hosts="$HOSTS" -v peak="$peak" -v peak10="$peak10" -v phr="$PHR" '
		/wall=/ {
			split($0, f, /[ =]/)
			wall = f[2]; cpu = f[4] + f[6]; rss = f[8]
			rps = req / wall
			b = (bare + bare2) / 2
			l = (lat ~ /ms$/ ? substr(lat, 1, length(lat) - 2) / 1000 : lat + 0)
			printf "%-9s records=%d vulnerable=%d requests=%d requests/URL=%.2f wall=%.1fs\n", mode, rec, vuln, req, req / n, wall
			if (l > 0) {
				bound = c / l
				printf "          throughput=%.0f req/s = %.0f%% of the %d/%s latency bound (%.0f req/s); bare net/http loop %.0f / %.0f req/s before / after, scan/bare = %.0f%%\n", rps, 100 * rps / bound, c, lat, bound, bare, bare2, 100 * rps / b
			} else {
				printf "          throughput=%.0f req/s; bare net/http loop %.0f / %.0f req/s before / after, scan/bare = %.0f%%\n", rps, bare, bare2, 100 * rps / b
			}
			printf "          cpu=%.2f s = %.1f us per request; peak RSS %.1f MB\n", cpu, 1e6 * cpu / req, rss / 1024
			if (hosts > 1) printf "          hosts=%d; the most requests one host got within 1 s: %s, within 10 s: %s%s\n", hosts, peak, peak10, (phr != "" ? " (--per-host-rate " phr ")" : "")
		}' "$tmp/time"
done
kill "$spid"
wait "$spid" 2>/dev/null || true
spid=
printf "server: "; sed -n "s/^scantarget: //p" "$tmp/server.err"

#!/bin/sh
# Measures `corsdoctor scan` against bench/scantarget on loopback: throughput,
# CPU per 1,000 requests/s and peak memory (BENCHMARKS.md, section "scan").
#
#   bench/scan.sh [TARGETS [LATENCY [CONCURRENCY]]]    (defaults: 5000 20ms 50)
#
# The target server runs in its own process so its CPU is not counted.
set -eu
N=${1:-5000}
LAT=${2:-20ms}
C=${3:-50}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/corsdoctor" ./cmd/corsdoctor
go build -o "$tmp/scantarget" ./bench/scantarget/cmd/scantarget
# The ceiling on this machine now: C goroutines, each sending one GET after
# another with a bare net/http client to the same target for 5 s. On a
# loaded VM timers fire late and goroutines wait for a core, so even this
# stays below C/LATENCY.
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
	fmt.Printf("bare net/http loop, same target, now: %.0f req/s\n", float64(n.Load())/5)
}
GO
(cd "$tmp/ceiling" && printf 'module ceiling\ngo 1.26\n' >go.mod && go build -o ceiling .)
"$tmp/scantarget" -addr 127.0.0.1:0 -latency "$LAT" -n "$N" -targets "$tmp/targets.txt" >"$tmp/addr" 2>&1 &
spid=$!
sleep 1
"$tmp/ceiling/ceiling" "$(head -1 "$tmp/addr")/p/ok-none" "$C"
/usr/bin/time -f 'wall=%e user=%U sys=%S maxrss_kb=%M' -o "$tmp/time" \
	"$tmp/corsdoctor" scan -i "$tmp/targets.txt" -c "$C" --json -o "$tmp/out.jsonl" \
	--trusted-origin https://app.example.com --no-progress 2>"$tmp/err" || true
kill "$spid"
wait "$spid" 2>/dev/null || true
printf "server (ceiling loop + scan): "; sed -n "s/^scantarget: //p" "$tmp/addr"
cat "$tmp/err"
cat "$tmp/time"
records=$(wc -l <"$tmp/out.jsonl")
req=$(sed -n 's/.* with \([0-9]*\) requests.*/\1/p' "$tmp/err" | head -1)
awk -v n="$N" -v rec="$records" -v req="$req" -v c="$C" -v lat="$LAT" '
	/wall=/ {
		split($0, f, /[ =]/)
		wall = f[2]; cpu = f[4] + f[6]; rss = f[8]
		rps = req / wall
		bound = c / (lat + 0 == 0 ? 1e-9 : (lat ~ /ms$/ ? substr(lat, 1, length(lat) - 2) / 1000 : lat + 0))
		printf "targets=%d records=%d requests=%d requests/target=%.1f\n", n, rec, req, req / n
		printf "throughput=%.0f req/s (%.0f%% of the %d/%s latency bound %.0f req/s)\n", rps, 100 * rps / bound, c, lat, bound
		printf "cpu=%.2f s = %.3f cores = %.3f cores per 1000 req/s\n", cpu, cpu / wall, (cpu / wall) / (rps / 1000)
		printf "peak RSS=%.1f MB\n", rss / 1024
	}' "$tmp/time"

// Command genhar writes a large synthetic Chrome HAR for corsdoctor's
// memory benchmark (BENCHMARKS.md, "har/logs"): pages of XHR/fetch calls
// with preflights, some blocked, and big response bodies (the part of
// real HARs that makes them huge), streamed so the generator itself needs
// no memory.
//
//	go run ./bench/genhar -size 500MiB -body 256KiB -o /tmp/big.har
package main

import (
	"bufio"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	size := flag.String("size", "100MiB", "approximate output size")
	body := flag.String("body", "64KiB", "response body size per entry (base64 text)")
	out := flag.String("o", "-", "output file ('-' for stdout)")
	flag.Parse()
	total, err1 := parseSize(*size)
	bodySize, err2 := parseSize(*body)
	if err1 != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "genhar: bad -size or -body")
		os.Exit(2)
	}
	w := os.Stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "genhar:", err)
			os.Exit(2)
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	defer bw.Flush()
	raw := make([]byte, bodySize*3/4)
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	text := base64.StdEncoding.EncodeToString(raw)
	page := "https://app.example.com"
	api := "https://api.example.com"
	fmt.Fprintf(bw, `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[{"startedDateTime":"2026-11-20T14:00:00.000Z","id":"page_1","title":"%s/","pageTimings":{}}],"entries":[`, page)
	t0 := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	var written int64
	for i := 0; written < total; i++ {
		ts := t0.Add(time.Duration(i) * 10 * time.Millisecond).Format(time.RFC3339Nano)
		id := strconv.Itoa((i / 4) % 1000)
		var e string
		switch i % 4 {
		case 0: // preflight
			e = entry("OPTIONS", api+"/items/"+id, page, ts, "preflight", 204, `{"name":"access-control-allow-origin","value":"`+page+`"},{"name":"access-control-allow-methods","value":"PUT"}`, "", `{"name":"access-control-request-method","value":"PUT"},`)
		case 1: // its actual request, blocked on every 10th
			acao := `{"name":"access-control-allow-origin","value":"` + page + `"}`
			if i%40 == 1 {
				acao = `{"name":"content-type","value":"application/json"}`
			}
			e = entry("PUT", api+"/items/"+id, page, ts, "fetch", 200, acao, text, "")
		default: // images and scripts, no CORS
			e = entry("GET", "https://cdn.example.net/img/"+id+".png", page, ts, "image", 200, `{"name":"content-type","value":"image/png"}`, text, "")
		}
		if i > 0 {
			bw.WriteString(",")
		}
		n, _ := bw.WriteString(e)
		written += int64(n)
	}
	bw.WriteString("]}}\n")
}

func entry(method, url, page, ts, typ string, status int, respHeaders, body, extraReq string) string {
	origin := ""
	if typ != "image" {
		origin = `{"name":"origin","value":"` + page + `"},`
	}
	var b strings.Builder
	fmt.Fprintf(&b, `{"_resourceType":"%s","_initiator":{"type":"script"},"pageref":"page_1","startedDateTime":"%s","time":12.5,`+
		`"request":{"method":"%s","url":"%s","httpVersion":"http/2.0","headers":[%s%s{"name":"referer","value":"%s/"},{"name":"accept","value":"*/*"}],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},`+
		`"response":{"status":%d,"statusText":"","httpVersion":"http/2.0","headers":[%s],"cookies":[],"content":{"size":%d,"mimeType":"application/octet-stream","encoding":"base64","text":"%s"},"redirectURL":"","headersSize":-1,"bodySize":%d,"_transferSize":%d,"_error":null},`+
		`"cache":{},"timings":{"blocked":1,"dns":-1,"ssl":-1,"connect":-1,"send":0.1,"wait":10,"receive":1.4}}`,
		typ, ts, method, url, extraReq, origin, page, status, respHeaders, len(body)*3/4, body, len(body), len(body))
	return b.String()
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suf string
		m   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}} {
		if strings.HasSuffix(s, u.suf) {
			s, mult = strings.TrimSuffix(s, u.suf), u.m
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(v * float64(mult)), nil
}

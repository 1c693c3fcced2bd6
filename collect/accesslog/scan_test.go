package accesslog

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/evidence"
)

func fileInput(path string) Input {
	return Input{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

func bytesInput(name string, b []byte) Input {
	return Input{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

func route(t *testing.T, st *evidence.LogStats, method, path string) evidence.RouteStats {
	t.Helper()
	for _, r := range st.Routes {
		if r.Method == method && r.Route == path {
			return r
		}
	}
	t.Fatalf("no route %s %s in %+v", method, path, st.Routes)
	return evidence.RouteStats{}
}

func TestScanFixtures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, file string
		format     Format
		records    int64
		malformed  int64
		method     string
		route      string
		total      int64
		failed     int64
		origins    bool
	}{
		{"API Gateway REST JSON, with a cut line and a stray line", "apigw-rest.log", APIGwJSON, 11, 2, "OPTIONS", "/items/{id}", 7, 6, true},
		{"API Gateway HTTP API JSON: routeKey, epoch milliseconds, numeric status", "apigw-http.log", APIGwJSON, 4, 0, "POST", "/orders", 2, 1, false},
		{"HTTP API $default route", "apigw-http.log", APIGwJSON, 4, 0, "OPTIONS", "$default", 1, 0, false},
		{"CloudWatch event wrappers with JSON and CLF messages", "cwl-wrapper.log", APIGwJSON, 2, 1, "OPTIONS", "/items", 1, 1, false},
		{"aws logs filter-log-events output", "cwl-events.json", CWLEvents, 2, 0, "PUT", "/items/{id}", 2, 1, false},
		{"CloudWatch export to S3", "cwl-export.log", APIGwJSON, 2, 0, "OPTIONS", "/items", 1, 1, false},
		{"API Gateway CLF template", "apigw-clf.log", CLF, 2, 0, "OPTIONS", "/items/{id}", 1, 1, false},
		{"nginx combined: ids normalised, query dropped, origin from Referer", "nginx.log", Nginx, 3, 0, "OPTIONS", "/api/items/{id}", 1, 1, true},
		{"nginx UUID segment", "nginx.log", Nginx, 3, 0, "GET", "/api/users/{id}", 1, 1, true},
		{"ALB", "alb.log", ALB, 2, 0, "OPTIONS", "/items/{id}", 1, 1, false},
		{"CloudFront standard log", "cloudfront.log", CloudFront, 2, 0, "OPTIONS", "/items", 1, 1, true},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			st, err := Scan([]Input{fileInput(filepath.Join("testdata", tc.file))}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Formats) != 1 || st.Formats[0] != string(tc.format) {
				t.Errorf("formats %v, want %s", st.Formats, tc.format)
			}
			if st.Records != tc.records || st.Malformed != tc.malformed {
				t.Errorf("records %d malformed %d, want %d and %d; bad: %v", st.Records, st.Malformed, tc.records, tc.malformed, st.Bad)
			}
			if int64(len(st.Bad)) != min(st.Malformed, maxBad) {
				t.Errorf("%d examples for %d malformed lines", len(st.Bad), st.Malformed)
			}
			for _, b := range st.Bad {
				if !strings.HasPrefix(b, filepath.Join("testdata", tc.file)+":") {
					t.Errorf("malformed example %q does not start with file:line", b)
				}
			}
			r := route(t, st, tc.method, tc.route)
			if r.Total != tc.total || r.Failed() != tc.failed {
				t.Errorf("%s %s: total %d failed %d, want %d and %d", tc.method, tc.route, r.Total, r.Failed(), tc.total, tc.failed)
			}
			if st.OriginsLogged != tc.origins {
				t.Errorf("origins logged %v, want %v", st.OriginsLogged, tc.origins)
			}
			if st.First.IsZero() || st.Last.Before(st.First) {
				t.Errorf("time span %v .. %v", st.First, st.Last)
			}
		})
	}
}

func TestScanDetailsREST(t *testing.T) {
	t.Parallel()
	st, err := Scan([]Input{fileInput("testdata/apigw-rest.log")}, Options{Deploys: []time.Time{time.Date(2026, 11, 20, 14, 2, 0, 0, time.UTC)}, Window: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	r := route(t, st, "OPTIONS", "/items/{id}")
	if want := time.Date(2026, 11, 20, 14, 2, 12, 0, time.UTC); !r.FirstError.Equal(want) {
		t.Errorf("first error %v, want %v", r.FirstError, want)
	}
	if r.FirstErrorAt.String() != "testdata/apigw-rest.log:4" {
		t.Errorf("first error at %s, want testdata/apigw-rest.log:4", r.FirstErrorAt)
	}
	if r.Errors["MISSING_AUTHENTICATION_TOKEN"] != 6 || r.Statuses[403] != 6 || r.Statuses[200] != 1 {
		t.Errorf("statuses %v, error types %v", r.Statuses, r.Errors)
	}
	if c := r.Origins["https://admin.example.com"]; c == nil || c.Total != 1 || c.Errors != 1 {
		t.Errorf("origins %v", r.Origins)
	}
	if r.Flips != 1 || r.OKAfterError != 0 {
		t.Errorf("flips %d, ok after error %d; want 1 and 0", r.Flips, r.OKAfterError)
	}
	if len(st.Deploys) != 1 {
		t.Fatalf("deploys %v", st.Deploys)
	}
	d := st.Deploys[0]
	if d.Before != (evidence.Count{Total: 3}) || d.After != (evidence.Count{Total: 8, Errors: 6}) {
		t.Errorf("deploy before %+v after %+v", d.Before, d.After)
	}
	var found bool
	for _, s := range st.Series {
		if s.Method == "OPTIONS" && s.Origin == "https://app.example.com" {
			found = true
			if s.Count != 5 || s.Class != "4xx" || len(s.PerMinute) != 3 || s.PerMinute[0].Count != 1 || s.PerMinute[2].Count != 2 {
				t.Errorf("series %+v", s)
			}
		}
	}
	if !found {
		t.Errorf("no OPTIONS series from https://app.example.com in %+v", st.Series)
	}
}

func TestScanSinceUntil(t *testing.T) {
	t.Parallel()
	st, err := Scan([]Input{fileInput("testdata/apigw-rest.log")}, Options{
		Since: time.Date(2026, 11, 20, 14, 2, 0, 0, time.UTC), Until: time.Date(2026, 11, 20, 14, 4, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 5 || st.Filtered != 6 {
		t.Errorf("records %d filtered %d, want 5 and 6", st.Records, st.Filtered)
	}
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestScanGzip(t *testing.T) {
	t.Parallel()
	plain, err := os.ReadFile("testdata/apigw-rest.log")
	if err != nil {
		t.Fatal(err)
	}
	// Enough lines that the compressed stream is long.
	var many bytes.Buffer
	for many.Len() < 1<<20 {
		many.Write(plain)
	}
	z := gz(t, many.Bytes())
	full, err := Scan([]Input{bytesInput("a.log.gz", z)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Truncated) != 0 || full.Records == 0 {
		t.Fatalf("complete gzip: truncated %v, %d records", full.Truncated, full.Records)
	}
	cut := z[:len(z)/2]
	half, err := Scan([]Input{bytesInput("cut.log.gz", cut)}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(half.Truncated) != 1 || !strings.HasPrefix(half.Truncated[0], "cut.log.gz: truncated at compressed byte ") {
		t.Fatalf("truncated = %v", half.Truncated)
	}
	// Only the fixture's own bad lines are malformed, not the line cut
	// by the truncation.
	var wantBad int64
	for _, l := range bytes.Split(many.Bytes(), []byte("\n"))[:half.Lines] {
		if !bytes.HasPrefix(l, []byte(`{"requestId":"c6af`)) {
			wantBad++
		}
	}
	if half.Malformed != wantBad {
		t.Errorf("%d malformed lines in %d read, want %d: the line cut by the truncation must not count", half.Malformed, half.Lines, wantBad)
	}
	if half.Records == 0 || half.Records >= full.Records {
		t.Errorf("truncated gzip kept %d records of %d", half.Records, full.Records)
	}
	head, err := Scan([]Input{bytesInput("head.gz", z[:5])}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(head.Truncated) != 1 || head.Records != 0 {
		t.Errorf("5-byte gzip: truncated %v, %d records", head.Truncated, head.Records)
	}
}

func TestScanParallelMergeEqualsSerial(t *testing.T) {
	t.Parallel()
	var ins []Input
	for _, f := range []string{"apigw-rest.log", "apigw-http.log", "nginx.log", "alb.log", "cloudfront.log", "cwl-events.json"} {
		ins = append(ins, fileInput(filepath.Join("testdata", f)))
	}
	a, err := Scan(ins, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Scan(ins, Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if a.Records != b.Records || len(a.Routes) != len(b.Routes) || len(a.Series) != len(b.Series) {
		t.Fatalf("serial %d records %d routes, parallel %d records %d routes", a.Records, len(a.Routes), b.Records, len(b.Routes))
	}
	for i := range a.Routes {
		x, y := a.Routes[i], b.Routes[i]
		if x.Method != y.Method || x.Route != y.Route || x.Total != y.Total || x.Failed() != y.Failed() || !x.FirstError.Equal(y.FirstError) {
			t.Errorf("route %d: serial %+v, parallel %+v", i, x, y)
		}
	}
}

func TestScanMissingFile(t *testing.T) {
	t.Parallel()
	_, err := Scan([]Input{fileInput("testdata/does-not-exist.log")}, Options{})
	if err == nil || !strings.Contains(err.Error(), "does-not-exist.log") {
		t.Fatalf("err = %v, want the file name", err)
	}
}

func TestLongLineIsMalformed(t *testing.T) {
	t.Parallel()
	line := `{"httpMethod":"GET","status":"200","resourcePath":"/x","pad":"` + strings.Repeat("a", bufSize+10) + "\"}\n"
	data := []byte(line + `{"httpMethod":"GET","status":"200","resourcePath":"/y"}` + "\n")
	st, err := Scan([]Input{bytesInput("long.log", data)}, Options{Format: APIGwJSON})
	if err != nil {
		t.Fatal(err)
	}
	if st.Malformed != 1 || st.Records != 1 || st.Lines != 2 {
		t.Errorf("malformed %d records %d lines %d, want 1, 1, 2", st.Malformed, st.Records, st.Lines)
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		head string
		want Format
	}{
		{"json line", `{"status":"200"}` + "\n", APIGwJSON},
		{"pretty events document", "{\n  \"events\": [\n", CWLEvents},
		{"export line", `2026-11-20T14:00:00.000Z {"status":"200"}`, APIGwJSON},
		{"alb", `h2 2026-11-20T14:00:00.186641Z app/x 1.2.3.4:1 - -1 -1 -1 460 - 0 0 "GET https://h:443/ HTTP/2.0" "-"`, ALB},
		{"cloudfront", "#Version: 1.0\n", CloudFront},
		{"clf", `1.2.3.4 - - [20/Nov/2026:14:00:00 +0000] "GET / HTTP/1.1" 200 1 req-id`, CLF},
		{"nginx combined", `1.2.3.4 - - [20/Nov/2026:14:00:00 +0000] "GET / HTTP/1.1" 200 1 "https://a.example/" "ua"`, Nginx},
		{"empty", "", APIGwJSON},
	} {
		if got := Detect([]byte(tc.head)); got != tc.want {
			t.Errorf("%s: Detect = %s, want %s", tc.desc, got, tc.want)
		}
	}
}

func TestBrokenEventsDocument(t *testing.T) {
	t.Parallel()
	doc := `{"events":[{"timestamp":1795183200000,"message":"{\"httpMethod\":\"GET\",\"resourcePath\":\"/a\",\"status\":\"200\"}"},{"timestamp":} ]}`
	st, err := Scan([]Input{bytesInput("events.json", []byte(doc))}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 1 || len(st.Truncated) != 1 || !strings.HasPrefix(st.Truncated[0], "events.json: invalid JSON at byte ") {
		t.Errorf("records %d, truncated %v", st.Records, st.Truncated)
	}
}

// TestNamesAreCapped is not parallel: it lowers the cap for its run.
func TestNamesAreCapped(t *testing.T) {
	defer func(n int) { maxNames = n }(maxNames)
	maxNames = 10
	var b strings.Builder
	for i := 0; i < 100; i++ {
		b.WriteString(`{"httpMethod":"GET","resourcePath":"/r` + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `","status":"404"}` + "\n")
	}
	st, err := Scan([]Input{bytesInput("many.log", []byte(b.String()))}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 100 || len(st.Routes) > maxNames {
		t.Fatalf("%d records, %d routes", st.Records, len(st.Routes))
	}
	r := route(t, st, "GET", other)
	if r.Total < 90 {
		t.Errorf("(other) holds %d requests", r.Total)
	}
}

// TestManyStatusesAndNames: a route with more statuses than the short
// list holds, and more distinct routes than the intern cache, count
// exactly.
func TestManyStatusesAndNames(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, `{"httpMethod":"GET","resourcePath":"/r%d","status":"200","requestTime":"20/Nov/2026:14:00:00 +0000"}`+"\n", i%700)
		fmt.Fprintf(&b, `{"httpMethod":"PUT","resourcePath":"/s","status":"%d","requestTime":"20/Nov/2026:14:00:00 +0000"}`+"\n", 400+i%40)
	}
	st, err := Scan([]Input{bytesInput("m.log", []byte(b.String()))}, Options{Format: APIGwJSON})
	if err != nil {
		t.Fatal(err)
	}
	s := route(t, st, "PUT", "/s")
	if len(s.Statuses) != 40 || s.Statuses[439] != 75 || s.Client != 3000 {
		t.Errorf("PUT /s: %d statuses, 439×%d, 4xx %d", len(s.Statuses), s.Statuses[439], s.Client)
	}
	if len(st.Routes) != 701 || route(t, st, "GET", "/r699").Total != 4 || route(t, st, "GET", "/r0").Total != 5 {
		t.Errorf("%d routes", len(st.Routes))
	}
}

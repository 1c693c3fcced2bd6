package accesslog

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// seedLines adds every fixture line to a fuzz corpus.
func seedLines(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if fi, err := os.Stat(name); err != nil || fi.IsDir() {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range bytes.Split(data, []byte("\n")) {
			f.Add(l)
		}
	}
	f.Add([]byte(`{"httpMethod":"GET","status":"200","a":[1,{"b":null}],"method":"PUT"}`))
	f.Add([]byte(`{"http\u004dethod":"G\u00c9T","status":2e2,"origin":"\ud83d\ude00"}`))
	f.Add([]byte(`{"status":"\xff\xfe","path":"/a\"b"}`))
	f.Add([]byte(`{"status":-0.5e-3}`))
}

// FuzzJSONFields checks the hand-written scanner against encoding/json:
// on every valid JSON object both extract the same values, and the
// scanner rejects what encoding/json rejects.
func FuzzJSONFields(f *testing.F) {
	seedLines(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var fs jsonFields
		err := scanJSON(b, &fs)
		valid := json.Valid(b)
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		isObj := valid && dec.Decode(&m) == nil && m != nil
		if !isObj {
			if err == nil && !valid {
				t.Fatalf("scanner accepted invalid JSON %q", b)
			}
			return
		}
		if err != nil {
			t.Fatalf("scanner rejected a valid object %q: %v", b, err)
		}
		// Compare slots fed by exactly one distinct key.
		keys := map[int][]string{}
		for k := range m {
			if s := slotOf([]byte(k)); s >= 0 {
				keys[s] = append(keys[s], k)
			}
		}
		for slot, ks := range keys {
			if len(ks) != 1 {
				continue
			}
			switch v := m[ks[0]].(type) {
			case string:
				if !fs.set[slot] || !fs.str[slot] || string(fs.v[slot]) != v {
					t.Fatalf("key %q: scanner %q (set %v), encoding/json %q", ks[0], fs.v[slot], fs.set[slot], v)
				}
			case json.Number:
				if !fs.set[slot] || fs.str[slot] || string(fs.v[slot]) != v.String() {
					t.Fatalf("key %q: scanner %q (set %v), encoding/json number %s", ks[0], fs.v[slot], fs.set[slot], v)
				}
			default:
				if fs.set[slot] {
					t.Fatalf("key %q: scanner kept %q for a %T", ks[0], fs.v[slot], v)
				}
			}
		}
	})
}

// FuzzParseLine runs every line parser on arbitrary input: no panic,
// and a parsed record is sane.
func FuzzParseLine(f *testing.F) {
	seedLines(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, format := range []Format{APIGwJSON, CLF, Nginx, ALB, CloudFront} {
			p := &parser{format: format}
			var rec Record
			err := p.parse(b, &rec)
			if err != nil {
				continue
			}
			if len(rec.Method) == 0 || rec.Status < 0 || rec.Status > 999_999_999 || len(rec.Route) == 0 {
				t.Fatalf("%s: accepted %q as %+v", format, b, rec)
			}
		}
	})
}

// FuzzTimes checks the hand-written time parsers against package time.
func FuzzTimes(f *testing.F) {
	f.Add("20/Nov/2026:14:02:11 +0000", "2026-11-20T14:02:11.123Z")
	f.Add("29/Feb/2024:23:59:59 -0730", "2024-02-29T23:59:59+05:30")
	f.Add("31/Apr/2026:00:00:00 +0000", "2026-04-31T00:00:00Z")
	f.Fuzz(func(t *testing.T, clf, iso string) {
		if ms, ok := parseCLFTime([]byte(clf)); ok {
			want, err := time.Parse("02/Jan/2006:15:04:05 -0700", clf)
			if err != nil {
				t.Fatalf("parseCLFTime accepted %q, time.Parse: %v", clf, err)
			}
			if want.UnixMilli() != ms {
				t.Fatalf("parseCLFTime(%q) = %d, want %d", clf, ms, want.UnixMilli())
			}
		}
		if ms, ok := parseISO([]byte(iso)); ok {
			want, err := time.Parse(time.RFC3339Nano, iso)
			if err != nil {
				// We also accept a space for the T and lower-case z.
				return
			}
			if want.UnixMilli() != ms && want.Year() >= 0 {
				t.Fatalf("parseISO(%q) = %d, want %d", iso, ms, want.UnixMilli())
			}
		}
	})
}

// FuzzScan runs a whole scan (format detection, the CloudWatch events
// document reader, CloudFront's #Fields state, aggregation) on arbitrary
// input: no panic, no error (bad content is counted or noted), and counts that add up.
func FuzzScan(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if fi, err := os.Stat(name); err != nil || fi.IsDir() {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"events":[{"timestamp":1,"message":"{\"httpMethod\":\"GET\",\"status\":\"500\"}"},{"message":7}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := Scan([]Input{bytesInput("f.log", b)}, Options{Deploys: []time.Time{time.Unix(1795183320, 0)}})
		if err != nil {
			// Bad content is counted or noted, never an error.
			t.Fatalf("scan error on in-memory input: %v", err)
		}
		if st.Records+st.Malformed > st.Lines {
			t.Fatalf("%d records + %d malformed > %d lines", st.Records, st.Malformed, st.Lines)
		}
		var sum int64
		for _, r := range st.Routes {
			sum += r.Total
			if r.Failed() > r.Total {
				t.Fatalf("route %+v fails more than it serves", r)
			}
		}
		if sum != st.Records {
			t.Fatalf("routes count %d records, scan %d", sum, st.Records)
		}
	})
}

package har

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
)

func bounded(t testing.TB, in string, maxString, maxEntry int) (string, Cuts) {
	t.Helper()
	b := newBound(strings.NewReader(in))
	b.maxString, b.maxEntry = maxString, maxEntry
	out, err := io.ReadAll(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(out), b.cuts
}

func TestBound(t *testing.T) {
	t.Parallel()
	entry := func(body string) string {
		return `{"log":{"entries":[{"request":{"url":"https://a.example/"},"response":{"content":{"text":` + body + `}}}]}}`
	}
	for _, tc := range []struct {
		desc, in, want   string
		strings, entries int
	}{
		{"untouched", entry(`"short"`), entry(`"short"`), 0, 0},
		{"long string cut with its length", entry(`"` + strings.Repeat("A", 40) + `"`), entry(`"` + strings.Repeat("A", 20) + `... [40 bytes, cut by corsdoctor]"`), 1, 0},
		{"never inside an escape", entry(`"` + strings.Repeat("A", 17) + `\u00e9BBBBBBBBBBBBBBBBBBBBBBB"`), entry(`"` + strings.Repeat("A", 17) + `\u00e9... [46 bytes, cut by corsdoctor]"`), 1, 0},
		{"never inside a character", entry(`"` + strings.Repeat("A", 19) + `ééééééééééé"`), entry(`"` + strings.Repeat("A", 19) + `é... [41 bytes, cut by corsdoctor]"`), 1, 0},
		{"escaped quote is not the end", entry(`"\"` + strings.Repeat("x", 30) + `\""`), entry(`"\"` + strings.Repeat("x", 18) + `... [34 bytes, cut by corsdoctor]"`), 1, 0},
		{"huge number keeps a valid number", entry(strings.Repeat("7", 300)), entry(strings.Repeat("7", 256)), 0, 0},
		{"whitespace run", entry(`"a"` + strings.Repeat(" ", 300)), entry(`"a"` + strings.Repeat(" ", 256)), 0, 0},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got, cuts := bounded(t, tc.in, 20, 1<<20)
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("output is not valid JSON: %s", got)
			}
			if cuts.Strings != tc.strings || cuts.Entries != tc.entries {
				t.Errorf("cuts = %+v", cuts)
			}
		})
	}
}

// TestBoundEntry: past the bound of one entry, the rest of each of its
// arrays and objects is skipped; the next entry starts afresh.
func TestBoundEntry(t *testing.T) {
	t.Parallel()
	msgs := strings.Repeat(`{"type":"receive","data":"0123456789"},`, 50)
	in := `{"log":{"entries":[` +
		`{"request":{"url":"https://a/"},"_webSocketMessages":[` + msgs + `{"last":1}],"response":{"status":200}},` +
		`{"request":{"url":"https://b/"},"response":{"status":204}}]}}`
	got, cuts := bounded(t, in, 1<<20, 200)
	if !json.Valid([]byte(got)) {
		t.Fatalf("output is not valid JSON: %s", got)
	}
	var doc struct {
		Log struct {
			Entries []map[string]any `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal([]byte(got), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Log.Entries) != 2 || cuts.Entries != 1 {
		t.Fatalf("%d entries, cuts %+v: %s", len(doc.Log.Entries), cuts, got)
	}
	first := doc.Log.Entries[0]
	if msgs, _ := first["_webSocketMessages"].([]any); len(msgs) >= 50 {
		t.Errorf("messages not cut: %d", len(msgs))
	}
	if _, ok := first["_corsdoctor_cut"]; !ok {
		t.Errorf("the cut entry does not say so: %v", first)
	}
	if req, _ := doc.Log.Entries[1]["request"].(map[string]any); req["url"] != "https://b/" {
		t.Errorf("second entry = %v", doc.Log.Entries[1])
	}
	if len(got) > 200+400 {
		t.Errorf("first entry kept %d bytes", len(got))
	}
}

// hugeBodyHAR streams a HAR whose one entry has a response body of n
// bytes, without holding it.
func hugeBodyHAR(n int64) io.Reader {
	head := `{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[{"startedDateTime":"2026-01-02T03:04:05Z","_resourceType":"fetch",` +
		`"request":{"method":"GET","url":"https://api.example.com/items","headers":[{"name":"Origin","value":"https://app.example.com"}]},` +
		`"response":{"status":200,"statusText":"OK","headers":[{"name":"Access-Control-Allow-Origin","value":"https://app.example.com"}],"content":{"size":1,"text":"`
	tail := `"}}}]}}`
	return io.MultiReader(strings.NewReader(head), io.LimitReader(repeatReader('A'), n), strings.NewReader(tail))
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// TestReadHugeBodyBoundedMemory: a 64 MiB response body costs the
// reader a few MiB, not the body's size (before: about four times it;
// BENCHMARKS.md measures a 300 MB one).
// It runs alone (not parallel), so that the allocation count is its own.
func TestReadHugeBodyBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rd, err := NewReader(hugeBodyHAR(64<<20), "huge.har")
	if err != nil {
		t.Fatal(err)
	}
	var entries []*Entry
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	runtime.ReadMemStats(&after)
	if len(entries) != 1 || entries[0].RespHeader("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Fatalf("entries = %+v", entries)
	}
	if rd.File.Cuts.Strings != 1 || rd.File.Cuts.Bytes < 63<<20 {
		t.Errorf("cuts = %+v", rd.File.Cuts)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("reading a 64 MiB body allocated %d MiB", alloc>>20)
	}
}

// TestRedactHugeBody: --redact streams the same file in bounded memory
// and writes a valid HAR.
func TestRedactHugeBody(t *testing.T) {
	var out bytes.Buffer
	if err := Redact(&out, hugeBodyHAR(16<<20), "huge.har"); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out.Bytes()) || out.Len() > 1<<20 {
		t.Fatalf("redacted copy: %d bytes, valid %v", out.Len(), json.Valid(out.Bytes()))
	}
}

// FuzzBound: valid JSON stays valid JSON, and is unchanged when nothing
// was cut.
func FuzzBound(f *testing.F) {
	for _, s := range []string{`{"a":"bbbbbbbbbbbbbbbbbbbbbbbbbbb"}`, `[1,2,3]`, `{"log":{"entries":[{"a":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}]}}`, `"\u00e9\\\""`, `{"x":{"y":[{"z":"` + strings.Repeat("q", 40) + `"}]}}`} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile("testdata/chromium.har"); err == nil && len(b) < 64<<10 {
		f.Add(b)
	}
	f.Add([]byte("}{0"))
	f.Fuzz(func(t *testing.T, in []byte) {
		got, cuts := bounded(t, string(in), 8, 48) // never panics, valid or not
		if !json.Valid(in) {
			return
		}
		if !json.Valid([]byte(got)) {
			t.Fatalf("bound(%q) = %q is not valid JSON", in, got)
		}
		if !cuts.Any() && cuts.Bytes == 0 && got != string(in) {
			t.Fatalf("bound(%q) = %q changed without a cut", in, got)
		}
	})
}

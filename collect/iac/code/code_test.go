package code

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAnalyze follows the response paths of one handler per language:
// status, Access-Control-Allow-Origin (and its literal value),
// credentials, escaping exceptions, with the line of each.
func TestAnalyze(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file, parser string
		want         []string
	}{
		{"handler.mjs", "js (esbuild + goja)", []string{
			"10 status=400 origin=no cred=no",
			"13 status=404 origin=yes:https://app.example.com cred=no",
			"18 thrown",
			"20 status=200 origin=yes:https://app.example.com cred=no",
		}},
		{"handler.ts", "ts (esbuild + goja)", []string{
			"11 status=400 origin=yes:* cred=yes",
			"13 status=200 origin=yes:* cred=yes",
		}},
		{"app.py", "python (token scan)", []string{
			"11 status= origin=yes cred=no",
			"17 status=400 origin=no cred=no",
			"21 thrown",
			"23 status=404 origin=yes cred=no",
			"24 status=200 origin=yes cred=no",
		}},
		{"main.go.src", "go/ast", []string{
			"15 status=400 origin=no cred=no",
			"18 thrown",
			"20 status=200 origin=yes:https://app.example.com cred=no",
		}},
		{"Handler.java", "java (token scan)", []string{
			"11 status=200 origin=yes:* cred=no",
			"15 status=500 origin=no cred=no",
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			name := filepath.Join("testdata", tc.file)
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f := Analyze(strings.TrimSuffix(name, ".src"), b) // .src: not a package of this module
			if f.ParseError != "" {
				t.Fatal(f.ParseError)
			}
			if f.Parser != tc.parser {
				t.Errorf("parser %q, want %q", f.Parser, tc.parser)
			}
			var got []string
			for _, r := range f.Responses {
				if r.Thrown {
					got = append(got, fmt.Sprintf("%d thrown", r.Source.Line))
					continue
				}
				o := r.AllowOrigin.String()
				if r.AllowOriginValue != "" {
					o += ":" + r.AllowOriginValue
				}
				got = append(got, fmt.Sprintf("%d status=%s origin=%s cred=%s", r.Source.Line, r.Status, o, r.AllowCredentials))
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("responses (-want +got):\n%s", d)
			}
		})
	}
}

// FuzzAnalyze: any bytes, any language, no panic, bounded output.
func FuzzAnalyze(f *testing.F) {
	for _, n := range []string{"handler.mjs", "handler.ts", "app.py", "main.go.src", "Handler.java"} {
		if b, err := os.ReadFile(filepath.Join("testdata", n)); err == nil {
			f.Add(n, b)
		}
	}
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		exts := []string{".js", ".mjs", ".ts", ".py", ".go", ".java"}
		name = "f" + exts[len(name)%len(exts)]
		fa := Analyze(name, src)
		if len(fa.Responses) > len(src)+1 {
			t.Fatalf("%d responses from %d bytes", len(fa.Responses), len(src))
		}
	})
}

// TestClients reads the headers front-end calls set: fetch init objects
// (through consts), axios configs, setRequestHeader, in JS and TS.
func TestClients(t *testing.T) {
	t.Parallel()
	src := `import axios from "axios";
const auth = { Authorization: "Bearer " + token, "x-tenant-id": tenant };
export async function save(item: Item) {
  await fetch("/items", { method: "post", headers: { ...auth, "Content-Type": "application/json" }, credentials: "include" });
  await axios.put("/items/1", item, { headers: { "x-request-id": id() } });
  xhr.setRequestHeader("X-Trace", "1");
  await fetch("/plain");
}
`
	var got []string
	for _, c := range Clients("web/api.ts", []byte(src)) {
		got = append(got, fmt.Sprintf("%d %s %s %v cred=%v", c.Source.Line, c.Method, c.URL, c.Headers, c.Credentials))
	}
	want := []string{
		"4 POST /items [Authorization x-tenant-id Content-Type] cred=true",
		"5 PUT /items/1 [x-request-id] cred=false",
		"6   [X-Trace] cred=false",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("clients (-want +got):\n%s", d)
	}
}

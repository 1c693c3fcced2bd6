package lab

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/rules"
)

func TestCatalogue(t *testing.T) {
	t.Parallel()
	cs := Catalogue()
	if len(cs) < 15 {
		t.Fatalf("%d cases, the lab needs at least 15", len(cs))
	}
	paths := map[string]bool{}
	contrast := 0
	for _, c := range cs {
		t.Run(c.Path, func(t *testing.T) {
			if paths[c.Path] {
				t.Errorf("duplicate path")
			}
			paths[c.Path] = true
			if c.Title == "" || c.Description == "" || c.Group == "" || c.Method == "" || c.Origin == "" || c.Platform == "" {
				t.Errorf("incomplete case: %+v", c)
			}
			if c.Verdict != Allowed && c.Verdict != Blocked {
				t.Errorf("verdict %q", c.Verdict)
			}
			if c.Rule != "" && rules.ByID(c.Rule) == nil {
				t.Errorf("expected rule %s is not registered", c.Rule)
			}
			if c.Verdict == Blocked && c.Rule == "" {
				t.Errorf("a blocked case must name the rule that diagnoses it")
			}
			if _, ok := Lookup(c.Path); !ok {
				t.Errorf("Lookup does not find the case")
			}
		})
		if c.Contrast() {
			contrast++
		}
	}
	if contrast < 3 {
		t.Errorf("%d correctly configured endpoints, want at least 3 for contrast", contrast)
	}
}

func TestIndexListsEveryCase(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	page := string(b)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("index Content-Type %q", resp.Header.Get("Content-Type"))
	}
	for _, c := range Catalogue() {
		// html/template escapes '?' in attributes but not in text.
		if !strings.Contains(page, ">"+strings.ReplaceAll(c.Path, "&", "&amp;")+"<") {
			t.Errorf("index does not list %s", c.Path)
		}
		if !strings.Contains(page, escapeHTML(c.Title)) {
			t.Errorf("index does not describe %s", c.Path)
		}
	}
}

func escapeHTML(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&#39;", `"`, "&#34;")
	return r.Replace(s)
}

// TestPlatformImitation checks that each endpoint's responses give away
// the platform it imitates.
func TestPlatformImitation(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range Catalogue() {
		t.Run(c.Path, func(t *testing.T) {
			var rs []*evidence.Response
			for _, m := range []string{http.MethodOptions, http.MethodGet} {
				req, _ := http.NewRequest(m, srv.URL+c.Path, nil)
				req.Header.Set("Origin", c.Origin)
				req.Header.Set("Access-Control-Request-Method", "PUT")
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				rs = append(rs, &evidence.Response{Status: resp.StatusCode, Header: resp.Header, Body: b})
			}
			if got := evidence.DetectPlatform(rs...).Platform; got != c.Platform {
				t.Errorf("detected %q, the case imitates %q", got, c.Platform)
			}
		})
	}
}

func TestFallback(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(Handler())
	defer srv.Close()
	for _, tc := range []struct {
		desc, path string
		status     int
		cors       bool
	}{
		{"API Gateway REST: Missing Authentication Token", "/aws/rest/nope", 403, false},
		{"framework 404 through CORS middleware", "/app/nope", 404, true},
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+tc.path, nil)
		req.Header.Set("Origin", DevOrigin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status || (resp.Header.Get("Access-Control-Allow-Origin") != "") != tc.cors {
			t.Errorf("%s: %d ACAO=%q", tc.desc, resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
	}
}

func TestOtherHost(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"127.0.0.1:8080": "localhost:8080", "localhost:9": "127.0.0.1:9", "example.com": "localhost"} {
		if got := otherHost(in); got != want {
			t.Errorf("otherHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckCommand(t *testing.T) {
	t.Parallel()
	c, ok := Lookup("/aws/rest/proxy-no-headers")
	if !ok {
		t.Fatal("case missing")
	}
	want := `corsdoctor check http://127.0.0.1:8080/aws/rest/proxy-no-headers --origin http://localhost:5173 -X PUT -H 'Content-Type: application/json' --data '{"name":"v"}'`
	if got := c.CheckCommand("http://127.0.0.1:8080"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	env, _ := Lookup("/app/dev-only-allowlist?env=prod")
	if got := strings.Join(env.CheckArgs("http://h"), " "); !strings.Contains(got, "--origin https://app.example.com --origin http://localhost:5173") {
		t.Errorf("AlsoOrigins missing: %s", got)
	}
}

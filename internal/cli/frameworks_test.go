package cli

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	jub0bs "github.com/jub0bs/cors"
	rscors "github.com/rs/cors"
)

// Real frameworks, real servers on loopback: FastAPI/Starlette, Django
// with django-cors-headers, Flask with Flask-CORS (Debian packages),
// Express with cors (npm, testdata/frameworks/express, installed by
// .ci/run), nginx in front of an application, and Go with rs/cors and
// jub0bs/cors. Each runs the configurations users report, and a correct
// one; check must detect the platform, rank the cause first and give the
// fix in the platform's terms. A missing framework skips locally and fails
// in CI (CI=true).

const pageOrigin = "http://localhost:5173"

// frameworkCase is one check of a running server.
type frameworkCase struct {
	desc string
	path string
	args []string // after the URL and --origin
	// origin overrides pageOrigin.
	origin string
	// rule is the first-ranked finding; "" means the request is allowed
	// with no error finding.
	rule     string
	platform string
	fixHas   []string
	fixNot   []string
}

func needTool(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and %s is unavailable: %v", what, err)
	}
	t.Skipf("skipping: %s unavailable: %v", what, err)
}

// python finds an interpreter that imports the modules (Debian's
// /usr/bin/python3 first: another python3 on PATH may lack them).
func python(t *testing.T, modules string) string {
	t.Helper()
	var last error
	for _, p := range []string{"/usr/bin/python3", "python3"} {
		out, err := exec.Command(p, "-c", "import "+modules).CombinedOutput()
		if err == nil {
			return p
		}
		last = fmt.Errorf("%s: %v: %s", p, err, strings.TrimSpace(string(out)))
	}
	needTool(t, "python3 with "+modules, last)
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startServer runs cmd in its own process group, waits until port
// accepts connections, and stops the group when the test ends.
func startServer(t *testing.T, name string, port int, cmd *exec.Cmd) {
	t.Helper()
	var logMu sync.Mutex
	var log strings.Builder
	w := writerFunc(func(p []byte) (int, error) {
		logMu.Lock()
		defer logMu.Unlock()
		if log.Len() < 64<<10 {
			log.Write(p)
		}
		return len(p), nil
	})
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Env = append(os.Environ(), "PAGE_ORIGIN="+pageOrigin, "PYTHONDONTWRITEBYTECODE=1", "NODE_ENV=development")
	if err := cmd.Start(); err != nil {
		needTool(t, name, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case err := <-exited:
			logMu.Lock()
			defer logMu.Unlock()
			t.Fatalf("%s exited before listening (%v):\n%s", name, err, log.String())
		default:
		}
		if time.Now().After(deadline) {
			logMu.Lock()
			defer logMu.Unlock()
			t.Fatalf("%s did not listen on %d within 60 s:\n%s", name, port, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// runFrameworkCases checks every case against base.
func runFrameworkCases(t *testing.T, base string, cases []frameworkCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			origin := c.origin
			if origin == "" {
				origin = pageOrigin
			}
			args := append([]string{"check", base + c.path, "--origin", origin, "--repeat", "0", "--timeout", "20s", "--json"}, c.args...)
			out, errOut, code := run(t, "", args...)
			if code == 2 {
				t.Fatalf("check failed (exit 2): %s", errOut)
			}
			var doc struct {
				Results []struct {
					Allowed  bool   `json:"allowed"`
					Platform string `json:"platform"`
					Findings []struct {
						ID, Severity, Detail, Fix string
					} `json:"findings"`
				} `json:"results"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Results) != 1 {
				t.Fatalf("bad JSON (%v): %s", err, out)
			}
			r := doc.Results[0]
			if c.platform != "" && r.Platform != c.platform {
				t.Errorf("platform %q, want %q", r.Platform, c.platform)
			}
			if c.rule == "" {
				if !r.Allowed || code != 0 {
					t.Errorf("want allowed with exit 0, got allowed=%v exit %d: %s", r.Allowed, code, out)
				}
				for _, f := range r.Findings {
					if f.Severity == "error" {
						t.Errorf("correct setup, but %s: %s", f.ID, f.Detail)
					}
				}
				return
			}
			if len(r.Findings) == 0 {
				t.Fatalf("no finding, want %s (allowed=%v)", c.rule, r.Allowed)
			}
			f := r.Findings[0]
			if f.ID != c.rule {
				t.Fatalf("first-ranked %s (%s), want %s", f.ID, f.Detail, c.rule)
			}
			for _, s := range c.fixHas {
				if !strings.Contains(f.Fix, s) {
					t.Errorf("fix lacks %q: %s", s, f.Fix)
				}
			}
			for _, s := range c.fixNot {
				if strings.Contains(f.Fix, s) {
					t.Errorf("fix points the wrong way (%q): %s", s, f.Fix)
				}
			}
		})
	}
}

func frameworkDir(name string) string {
	d, _ := filepath.Abs(filepath.Join("testdata", "frameworks", name))
	return d
}

func TestFrameworkFastAPI(t *testing.T) {
	t.Parallel()
	py := python(t, "fastapi, uvicorn, starlette")
	port := freePort(t)
	startServer(t, "uvicorn", port, exec.Command(py, "-m", "uvicorn", "app:app", "--app-dir", frameworkDir("fastapi"),
		"--host", "127.0.0.1", "--port", fmt.Sprint(port), "--log-level", "warning"))
	put := []string{"-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}"}
	runFrameworkCases(t, fmt.Sprintf("http://127.0.0.1:%d", port), []frameworkCase{
		{desc: "correct CORSMiddleware", path: "/correct/items", args: put},
		{desc: "allow_origins with a trailing slash", path: "/slash/items", args: put, rule: "CD1035", platform: "fastapi",
			fixHas: []string{"allow_origins=['" + pageOrigin + "']"}, fixNot: []string{"204"}},
		{desc: "allow_methods left at GET", path: "/methods/items", args: put, rule: "CD1035", platform: "fastapi",
			fixHas: []string{"allow_methods=['GET', 'POST', 'PUT']"}},
		{desc: "no CORSMiddleware", path: "/none/items", args: put, rule: "CD1002", platform: "fastapi",
			fixHas: []string{"CORSMiddleware"}},
		{desc: "unhandled exception", path: "/correct/fail", rule: "CD1025", platform: "fastapi",
			fixHas: []string{"exception_handler"}},
	})
}

func TestFrameworkDjango(t *testing.T) {
	t.Parallel()
	py := python(t, "django, corsheaders")
	port := freePort(t)
	cmd := exec.Command(py, "manage.py", "runserver", fmt.Sprintf("127.0.0.1:%d", port), "--noreload")
	cmd.Dir = frameworkDir("django")
	startServer(t, "django runserver", port, cmd)
	put := []string{"-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}"}
	runFrameworkCases(t, fmt.Sprintf("http://127.0.0.1:%d", port), []frameworkCase{
		{desc: "origin in CORS_ALLOWED_ORIGINS", path: "/items/", args: put},
		{desc: "origin not in CORS_ALLOWED_ORIGINS", path: "/items/", origin: "https://app.example.com", args: put, rule: "CD1035", platform: "django",
			fixHas: []string{"CORS_ALLOWED_ORIGINS = ['https://app.example.com']"}, fixNot: []string{"pip install"}},
		{desc: "authentication middleware above CorsMiddleware", path: "/secure/items/", args: append([]string{"-H", "Authorization: Bearer t"}, put...),
			rule: "CD1003", platform: "django", fixHas: []string{"CorsMiddleware"}},
	})
}

func TestFrameworkFlask(t *testing.T) {
	t.Parallel()
	py := python(t, "flask, flask_cors")
	port := freePort(t)
	cmd := exec.Command(py, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", fmt.Sprint(port))
	cmd.Dir = frameworkDir("flask")
	startServer(t, "flask run", port, cmd)
	put := []string{"-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}"}
	runFrameworkCases(t, fmt.Sprintf("http://127.0.0.1:%d", port), []frameworkCase{
		{desc: "Flask-CORS with the origin", path: "/cors/items", args: put},
		{desc: "Flask-CORS without the origin", path: "/cors/items", origin: "https://app.example.com", args: put, rule: "CD1036", platform: "flask",
			fixHas: []string{"origins=['https://app.example.com']"}},
		{desc: "no Flask-CORS on the route", path: "/plain/items", args: put, rule: "CD1036", platform: "flask",
			fixHas: []string{"CORS(app"}},
	})
}

func TestFrameworkExpress(t *testing.T) {
	t.Parallel()
	dir := frameworkDir("express")
	node, err := exec.LookPath("node")
	needTool(t, "node", err)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "cors")); err != nil {
		needTool(t, "express and cors (npm ci in "+dir+")", err)
	}
	port := freePort(t)
	cmd := exec.Command(node, "app.js", fmt.Sprint(port))
	cmd.Dir = dir
	startServer(t, "node app.js", port, cmd)
	put := []string{"-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}"}
	runFrameworkCases(t, fmt.Sprintf("http://127.0.0.1:%d", port), []frameworkCase{
		{desc: "cors() with the origin", path: "/ok/items", args: put},
		{desc: "origin callback raising an Error", path: "/cb/items", origin: "https://app.example.com", rule: "CD1035", platform: "express",
			fixHas: []string{"callback(null, false)"}, fixNot: []string{"logs"}},
		{desc: "static allowlist without the origin", path: "/list/items", args: put, rule: "CD1035", platform: "express",
			fixHas: []string{"origin: ['" + pageOrigin + "']"}},
		{desc: "auth before cors()", path: "/auth/items", args: append([]string{"-H", "Authorization: Bearer t"}, put...), rule: "CD1003", platform: "express",
			fixHas: []string{"before the auth middleware"}},
	})
}

func TestFrameworkNginx(t *testing.T) {
	t.Parallel()
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		nginx, err = exec.LookPath("/usr/sbin/nginx")
	}
	needTool(t, "nginx", err)
	// The application behind nginx: it sets its own CORS header on
	// /dup/ (the reported duplicate) and nothing elsewhere.
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/dup/") {
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"ok":true}`))
	}))
	t.Cleanup(app.Close)
	prefix := t.TempDir()
	for _, d := range []string{"body", "proxy", "fastcgi", "uwsgi", "scgi"} {
		if err := os.MkdirAll(filepath.Join(prefix, d), 0o777); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.Chmod(prefix, 0o777)
	tmpl, err := os.ReadFile(filepath.Join(frameworkDir("nginx"), "nginx.conf.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	conf := strings.NewReplacer("{{PREFIX}}", prefix, "{{PORT}}", fmt.Sprint(port), "{{UPSTREAM}}", app.URL).Replace(string(tmpl))
	confPath := filepath.Join(prefix, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	startServer(t, "nginx", port, exec.Command(nginx, "-p", prefix, "-c", confPath, "-g", "daemon off;"))
	big := strings.Repeat("x", 4096)
	runFrameworkCases(t, fmt.Sprintf("http://127.0.0.1:%d", port), []frameworkCase{
		{desc: "allowlist map with always", path: "/ok/items", args: []string{"-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}"}},
		{desc: "nginx and the application both add the header", path: "/dup/items", rule: "CD1005", platform: "nginx",
			fixHas: []string{"proxy_hide_header"}},
		{desc: "body over client_max_body_size, add_header without always", path: "/upload/items", args: []string{"-X", "POST", "-H", "Content-Type: text/plain", "--data", big},
			rule: "CD1038", platform: "nginx", fixHas: []string{"client_max_body_size", "always"}},
	})
}

func TestFrameworkGo(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/items", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[{"id":1}]`))
	})
	serve := func(h http.Handler) string {
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	rsOK := serve(rscors.New(rscors.Options{AllowedOrigins: []string{pageOrigin}, AllowedMethods: []string{"GET", "PUT"},
		AllowedHeaders: []string{"Content-Type", "Authorization"}}).Handler(mux))
	rsNoAuth := serve(rscors.New(rscors.Options{AllowedOrigins: []string{pageOrigin}, AllowedMethods: []string{"GET", "PUT"}}).Handler(mux))
	jOK, err := jub0bs.NewMiddleware(jub0bs.Config{Origins: []string{pageOrigin}, Methods: []string{"PUT"}, RequestHeaders: []string{"Content-Type"}})
	if err != nil {
		t.Fatal(err)
	}
	jubOK := serve(jOK.Wrap(mux))
	auth := []string{"-H", "Authorization: Bearer t"}
	put := []string{"-X", "PUT", "-H", "Content-Type: application/json", "--data", "{}"}
	t.Run("rs/cors", func(t *testing.T) {
		runFrameworkCases(t, rsOK, []frameworkCase{{desc: "correct", path: "/items", args: append(append([]string{}, auth...), put...)}})
		runFrameworkCases(t, rsNoAuth, []frameworkCase{{desc: "Authorization not in AllowedHeaders", path: "/items", args: auth, rule: "CD1035", platform: "go",
			fixHas: []string{`AllowedHeaders: []string{"authorization"}`}, fixNot: []string{"Answer OPTIONS"}}})
	})
	t.Run("jub0bs/cors", func(t *testing.T) {
		runFrameworkCases(t, jubOK, []frameworkCase{
			{desc: "correct", path: "/items", args: put},
			// jub0bs/cors v0.14 answers a bare 403, which other Go servers can
			// send too: the fix names jub0bs/cors, the platform stays unnamed.
			{desc: "origin not allowed: 403 without CORS headers is no authentication", path: "/items", origin: "https://app.example.com", args: put, rule: "CD1035",
				fixHas: []string{`Origins: []string{"https://app.example.com"}`}, fixNot: []string{"authentication", "authorizationType"}},
		})
	})
}

// Package webui is corsdoctor's local web UI (corsdoctor serve): a form
// that runs a check against a live URL from one or more origins, and, when
// Chromium is available, the same request in a real browser; each result
// is shown as the HTML report shows it (sequence diagram, CORS checks,
// highlighted headers, ranked diagnosis and fixes), and kept in a history
// for the server's lifetime. Other tools (lint, scan, aws) can add pages.
//
// The server is meant for the loopback interface. It refuses requests
// whose Host header is not an IP literal or localhost on the bound port
// (DNS rebinding), requires a CSRF token on every POST, answers with a
// strict Content-Security-Policy, and serves no file except its embedded
// assets. Pages never hold a secret that the Document did not already
// redact, and request headers typed in the form are redacted when echoed.
package webui

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/report"
)

//go:embed assets/ui.css assets/ui.js assets/ui.tmpl
var assets embed.FS

// CheckRequest is what the form asks for.
type CheckRequest struct {
	URL     string
	Origins []string
	Method  string
	// Headers are "Name: value" lines as the page's code sets them.
	Headers     []string
	Data        string
	Credentials bool
	Expose      []string
	Platform    string
	// Browser also runs the request in headless Chromium.
	Browser bool
}

// Outcome is what a runner produced: a Document of results (check,
// browser) or a findings Page (lint, scan, aws), and curl commands per
// result index.
type Outcome struct {
	Doc  *report.Document
	Page *report.Page
	Curl map[int][]string
	// Blocked is true when any request was blocked or any finding was
	// made; the history marks it.
	Blocked bool
	// Summary describes the run in the history (a tool's title when
	// empty).
	Summary string
}

// InputError is a Tool's refusal of its form's values: the form is shown
// again with the message and the values typed (but Secret fields), and
// nothing is added to the history.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// InputErrorf formats an InputError.
func InputErrorf(format string, a ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, a...)}
}

// Tool is an extra page: a form of text fields and a runner.
type Tool struct {
	// Name is the URL path element (/tools/NAME) and must be a short word.
	Name  string
	Title string
	Help  string
	// Fields are the form's inputs, in order.
	Fields []Field
	Run    func(ctx context.Context, values map[string]string) (*Outcome, error)
}

// Field is one input of a Tool's form.
type Field struct {
	Name, Label, Hint, Placeholder string
	// Multiline makes it a textarea.
	Multiline bool
	// Secret fields (cookies, tokens) are never echoed back in the form.
	Secret bool
}

// Config configures the UI.
type Config struct {
	// Check runs the live check (collect/probe). Required.
	Check func(ctx context.Context, req CheckRequest) (*Outcome, error)
	// Browser runs the request in headless Chromium; nil when Chromium is
	// not available (the form then says so).
	Browser func(ctx context.Context, req CheckRequest) (*Outcome, error)
	// BrowserNote explains why Browser is nil, shown beside the checkbox.
	BrowserNote string
	// Tools are extra pages (lint, scan, aws).
	Tools []Tool
	// Timeout bounds one run; default 60 s.
	Timeout time.Duration
	// HistorySize is how many runs are kept; default 100.
	HistorySize int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Entry is one run kept in the history.
type Entry struct {
	ID       int
	Time     time.Time
	Kind     string // "check", "browser" or a tool name
	Summary  string
	Verdict  string
	Outcome  *Outcome
	Err      string
	Network  time.Duration // the runner's time (network round trips)
	Render   time.Duration // the time to render the result page body
	rendered []byte
}

// Server is the UI's HTTP handler with its history.
type Server struct {
	cfg   Config
	port  string
	csrf  string
	tmpl  *template.Template
	files map[string]asset

	mu      sync.Mutex
	history []*Entry
	nextID  int
}

type asset struct {
	body  []byte
	ctype string
}

// New builds a Server for a listener bound to addr (host:port): requests
// must name that port in their Host header.
func New(cfg Config, addr string) (*Server, error) {
	if cfg.Check == nil {
		return nil, errors.New("webui: Config.Check is required")
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("webui: address %q: %w", addr, err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.HistorySize <= 0 {
		cfg.HistorySize = 100
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	for _, t := range cfg.Tools {
		if t.Name == "" || strings.ContainsAny(t.Name, "/?#% ") || t.Run == nil {
			return nil, fmt.Errorf("webui: tool %q: needs a one-word name and a Run function", t.Name)
		}
	}
	tok := make([]byte, 32)
	if _, err := rand.Read(tok); err != nil {
		return nil, fmt.Errorf("webui: csrf token: %w", err)
	}
	s := &Server{cfg: cfg, port: port, csrf: hex.EncodeToString(tok), nextID: 1}
	s.tmpl, err = template.New("ui").Funcs(template.FuncMap{
		"ms": func(d time.Duration) string {
			return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
		},
		"tm": func(t time.Time) string { return t.Format("15:04:05") },
	}).ParseFS(assets, "assets/ui.tmpl")
	if err != nil {
		return nil, fmt.Errorf("webui: templates: %w", err)
	}
	uiCSS, _ := assets.ReadFile("assets/ui.css")
	uiJS, _ := assets.ReadFile("assets/ui.js")
	s.files = map[string]asset{
		"report.css": {[]byte(report.HTMLStyle()), "text/css; charset=utf-8"},
		"report.js":  {[]byte(report.HTMLScript()), "text/javascript; charset=utf-8"},
		"ui.css":     {uiCSS, "text/css; charset=utf-8"},
		"ui.js":      {uiJS, "text/javascript; charset=utf-8"},
	}
	return s, nil
}

// CSRFToken returns the token forms must carry (tests).
func (s *Server) CSRFToken() string { return s.csrf }

// ServeHTTP applies the security checks, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	// same-origin, not no-referrer: with no-referrer Chromium sends
	// "Origin: null" on the form post, which the origin check refuses.
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	if !s.hostAllowed(r.Host) {
		http.Error(w, "corsdoctor serve: refused: the Host header "+strconv.Quote(r.Host)+" is not this server's address (DNS rebinding protection); open http://127.0.0.1:"+s.port+"/", http.StatusMisdirectedRequest)
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodPost:
		if err := s.checkPost(w, r); err != nil {
			http.Error(w, "corsdoctor serve: refused: "+err.Error(), http.StatusForbidden)
			return
		}
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.route(w, r)
}

// hostAllowed accepts localhost or an IP literal on the bound port: a
// DNS-rebinding page reaches us under its own domain name, never these.
func (s *Server) hostAllowed(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil || port != s.port {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	return net.ParseIP(host) != nil
}

// checkPost verifies a state-changing request: same-origin by the Origin
// and Sec-Fetch-Site headers when the browser sends them, and the CSRF
// token always.
func (s *Server) checkPost(w http.ResponseWriter, r *http.Request) error {
	if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
		return fmt.Errorf("cross-origin form post from %q", o)
	}
	if sf := r.Header.Get("Sec-Fetch-Site"); sf != "" && sf != "same-origin" && sf != "none" {
		return fmt.Errorf("cross-site request (Sec-Fetch-Site: %s)", sf)
	}
	r.Body = http.MaxBytesReader(w, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return fmt.Errorf("form: %w", err)
	}
	tok := r.PostForm.Get("csrf")
	if tok == "" {
		return errors.New("missing CSRF token; reload the page")
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.csrf)) != 1 {
		return errors.New("wrong CSRF token (the server was restarted?); reload the page")
	}
	return nil
}

func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/" && r.Method != http.MethodPost:
		s.page(w, "index", s.view("check", nil, nil))
	case p == "/check" && r.Method == http.MethodPost:
		s.runCheck(w, r)
	case p == "/history" && r.Method != http.MethodPost:
		s.page(w, "history", s.view("history", nil, nil))
	case strings.HasPrefix(p, "/assets/") && r.Method != http.MethodPost:
		a, ok := s.files[strings.TrimPrefix(p, "/assets/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", a.ctype)
		w.Header().Set("Cache-Control", "max-age=60")
		w.Write(a.body)
	case strings.HasPrefix(p, "/results/") && r.Method != http.MethodPost:
		s.result(w, r, strings.TrimPrefix(p, "/results/"))
	case strings.HasPrefix(p, "/tools/"):
		s.tool(w, r, strings.TrimPrefix(p, "/tools/"))
	default:
		http.NotFound(w, r)
	}
}

// view is the data every page template gets.
type view struct {
	Nav         string
	CSRF        string
	History     []*Entry
	Entry       *Entry
	Body        template.HTML
	Tools       []Tool
	Tool        *Tool
	Form        *CheckRequest
	Values      map[string]string
	Error       string
	BrowserOK   bool
	BrowserNote string
}

func (s *Server) view(nav string, e *Entry, form *CheckRequest) *view {
	s.mu.Lock()
	hist := make([]*Entry, len(s.history))
	for i, h := range s.history {
		hist[len(hist)-1-i] = h // newest first
	}
	s.mu.Unlock()
	return &view{Nav: nav, CSRF: s.csrf, History: hist, Entry: e, Tools: s.cfg.Tools, Form: form,
		BrowserOK: s.cfg.Browser != nil, BrowserNote: s.cfg.BrowserNote}
}

func (s *Server) page(w http.ResponseWriter, name string, v *view) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, v); err != nil {
		http.Error(w, "corsdoctor serve: render: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// ParseForm reads a CheckRequest from form values.
func ParseForm(get func(string) string) CheckRequest {
	req := CheckRequest{
		URL:         strings.TrimSpace(get("url")),
		Method:      strings.TrimSpace(get("method")),
		Headers:     lines(get("headers")),
		Data:        get("data"),
		Credentials: get("credentials") != "",
		Platform:    strings.TrimSpace(get("platform")),
		Browser:     get("browser") != "",
	}
	for _, o := range strings.FieldsFunc(get("origins"), func(r rune) bool { return r == '\n' || r == ',' || r == ' ' || r == '\r' || r == '\t' }) {
		req.Origins = append(req.Origins, o)
	}
	for _, e := range strings.FieldsFunc(get("expose"), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' }) {
		req.Expose = append(req.Expose, e)
	}
	if req.Method == "" {
		req.Method = "GET"
	}
	return req
}

// Redacted returns req with secret header values masked, for echoing it.
func (req CheckRequest) Redacted() CheckRequest {
	out := req
	out.Headers = make([]string, len(req.Headers))
	for i, h := range req.Headers {
		name, value, ok := strings.Cut(h, ":")
		if ok {
			h = name + ": " + redact.Value(strings.TrimSpace(name), strings.TrimSpace(value))
		}
		out.Headers[i] = h
	}
	return out
}

func (s *Server) runCheck(w http.ResponseWriter, r *http.Request) {
	req := ParseForm(r.PostForm.Get)
	shown := req.Redacted()
	if req.URL == "" || len(req.Origins) == 0 {
		v := s.view("check", nil, &shown)
		v.Error = "Give the URL and at least one origin."
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.page(w, "index", v)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	kind, run := "check", s.cfg.Check
	if req.Browser {
		if s.cfg.Browser == nil {
			v := s.view("check", nil, &shown)
			v.Error = "The browser check is not available: " + s.cfg.BrowserNote
			w.WriteHeader(http.StatusUnprocessableEntity)
			s.page(w, "index", v)
			return
		}
		kind, run = "browser", s.cfg.Browser
	}
	start := time.Now()
	out, err := run(ctx, req)
	e := &Entry{Time: s.cfg.Now(), Kind: kind, Network: time.Since(start),
		Summary: req.Method + " " + req.URL + " from " + strings.Join(req.Origins, ", ")}
	s.finish(w, r, e, out, err)
}

// finish renders the outcome once, stores the entry and redirects to it
// (post/redirect/get, so a reload does not run the check again).
func (s *Server) finish(w http.ResponseWriter, r *http.Request, e *Entry, out *Outcome, err error) {
	// The history and a failed run's page print the summary and the error
	// outside any report: redact them as the reports are.
	e.Summary = redact.Text(e.Summary)
	if err != nil {
		e.Err, e.Verdict = redact.Text(err.Error()), "ERROR"
	} else {
		e.Outcome = out
		start := time.Now()
		var buf bytes.Buffer
		switch {
		case out == nil:
			e.Err, e.Verdict = "the runner returned nothing", "ERROR"
		case out.Doc != nil:
			err = report.HTMLFragment(&buf, *out.Doc, report.HTMLOptions{Title: "corsdoctor " + e.Kind, Curl: out.Curl})
			e.Verdict = docVerdict(*out.Doc)
		case out.Page != nil:
			err = report.HTMLPageFragment(&buf, *out.Page)
			e.Verdict = "CLEAN"
			if len(out.Page.Findings) > 0 {
				e.Verdict = strconv.Itoa(len(out.Page.Findings)) + " FINDINGS"
			}
		}
		if err != nil {
			e.Err, e.Verdict = "render: "+err.Error(), "ERROR"
		}
		e.rendered, e.Render = buf.Bytes(), time.Since(start)
	}
	s.mu.Lock()
	e.ID = s.nextID
	s.nextID++
	s.history = append(s.history, e)
	if len(s.history) > s.cfg.HistorySize {
		s.history = s.history[len(s.history)-s.cfg.HistorySize:]
	}
	s.mu.Unlock()
	http.Redirect(w, r, "/results/"+strconv.Itoa(e.ID), http.StatusSeeOther)
}

func docVerdict(doc report.Document) string {
	counts := map[string]int{}
	for _, r := range doc.Results {
		counts[report.Verdict(r)]++
	}
	for _, v := range []string{"ERROR", "BLOCKED", "INCOMPLETE"} {
		if counts[v] > 0 {
			if len(doc.Results) == 1 {
				return v
			}
			return fmt.Sprintf("%d/%d %s", counts[v], len(doc.Results), v)
		}
	}
	if len(doc.Results) == 0 {
		return "NO RESULT"
	}
	return "ALLOWED"
}

func (s *Server) entry(id string) *Entry {
	n, err := strconv.Atoi(id)
	if err != nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.history {
		if e.ID == n {
			return e
		}
	}
	return nil
}

// result serves /results/N, /results/N/report.html and /results/N.json.
func (s *Server) result(w http.ResponseWriter, r *http.Request, rest string) {
	id, suffix, _ := strings.Cut(rest, "/")
	asJSON := false
	if strings.HasSuffix(id, ".json") && suffix == "" {
		id, asJSON = strings.TrimSuffix(id, ".json"), true
	}
	e := s.entry(id)
	if e == nil || (suffix != "" && suffix != "report.html") {
		http.NotFound(w, r)
		return
	}
	switch {
	case asJSON:
		if e.Outcome == nil || e.Outcome.Doc == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		report.JSON(w, *e.Outcome.Doc)
	case suffix == "report.html":
		if e.Outcome == nil {
			http.NotFound(w, r)
			return
		}
		var buf bytes.Buffer
		var err error
		opt := report.HTMLOptions{Title: "corsdoctor " + e.Kind, Curl: e.Outcome.Curl, Generated: e.Time}
		if e.Outcome.Doc != nil {
			err = report.HTML(&buf, *e.Outcome.Doc, opt)
		} else if e.Outcome.Page != nil {
			err = report.HTMLPage(&buf, *e.Outcome.Page, opt)
		}
		if err != nil {
			http.Error(w, "render: "+err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="corsdoctor-%d.html"`, e.ID))
		// The file carries its own CSP (inline script admitted by hash).
		w.Header().Del("Content-Security-Policy")
		w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
		w.Write(buf.Bytes())
	default:
		v := s.view("result", e, nil)
		v.Body = template.HTML(e.rendered) // produced by html/template
		s.page(w, "result", v)
	}
}

func (s *Server) tool(w http.ResponseWriter, r *http.Request, name string) {
	var t *Tool
	for i := range s.cfg.Tools {
		if s.cfg.Tools[i].Name == name {
			t = &s.cfg.Tools[i]
		}
	}
	if t == nil {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		v := s.view("tool:"+t.Name, nil, nil)
		v.Tool = t
		s.page(w, "tool", v)
		return
	}
	vals := map[string]string{}
	for _, f := range t.Fields {
		vals[f.Name] = r.PostForm.Get(f.Name)
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	start := time.Now()
	out, err := t.Run(ctx, vals)
	var ie *InputError
	if errors.As(err, &ie) {
		v := s.view("tool:"+t.Name, nil, nil)
		v.Tool, v.Error, v.Values = t, ie.Msg, map[string]string{}
		for _, f := range t.Fields {
			if !f.Secret {
				v.Values[f.Name] = vals[f.Name]
			}
		}
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.page(w, "tool", v)
		return
	}
	e := &Entry{Time: s.cfg.Now(), Kind: t.Name, Network: time.Since(start), Summary: t.Title}
	if out != nil && out.Summary != "" {
		e.Summary = out.Summary
	}
	s.finish(w, r, e, out, err)
}

// Serve serves the UI on ln until ctx is cancelled, then shuts down.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      s.cfg.Timeout + 30*time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
		return nil
	}
}

// IsLoopback reports whether addr's host is a loopback address or
// "localhost".
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

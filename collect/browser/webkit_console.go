package browser

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// WebKitConsole runs requests in WebKitGTK's MiniBrowser outside
// automation, with the WebKitSettings property
// enable-write-console-messages-to-stdout set, to capture the console
// lines WebKit prints (to stderr), character for character. (A WebDriver session
// cannot: see WebKitBrowser.) The page of each origin is a small worker
// that asks corsdoctor's proxy for the next request, runs it, and logs a
// marker before and after, so the lines in between are that request's.
//
// It is the source of the WebKit console texts the differential suite
// compares with package cors; `corsdoctor browser --engine webkit` drives
// WebKit through WebDriver instead.
type WebKitConsole struct {
	cfg     Config
	x       *xserver
	proxy   *proxy
	mini    string
	data    string
	version string

	run   sync.Mutex
	mu    sync.Mutex
	procs map[string]*consoleProc // origin -> MiniBrowser showing its worker
	jobs  map[string]chan consoleJob
	next  int
	wait  map[int]chan jsResult
}

type consoleJob struct {
	ID   int             `json:"id"`
	Spec json.RawMessage `json:"spec"`
}

// consoleProc is one MiniBrowser and the console lines it printed.
type consoleProc struct {
	proc  *process
	mu    sync.Mutex
	lines []consoleLine
	last  time.Time
	wake  chan struct{}
}

// consoleQuiet is how long after a request's end no console line may come
// before its lines are taken as complete.
const consoleQuiet = 15 * time.Millisecond

// consoleLine is one line of WebKit's console on stdout:
// "[URL:LINE:COLUMN: ]CONSOLE SOURCE LEVEL message" (messages raised
// outside a script, like the CORS ones, have no location).
type consoleLine struct {
	Source, Level, Text string
}

var consoleRe = regexp.MustCompile(`^(?:.*?:\d+:\d+: )?CONSOLE ((?:[A-Z]+ )*?)(LOG|WARN|WARNING|ERROR|DEBUG|INFO) (.*)$`)

// parseConsoleLine reads one stdout line; ok is false for other output.
func parseConsoleLine(s string) (consoleLine, bool) {
	m := consoleRe.FindStringSubmatch(s)
	if m == nil {
		return consoleLine{}, false
	}
	src := strings.TrimSpace(m[1])
	if src == "" {
		src = "CONSOLEAPI"
	}
	return consoleLine{Source: src, Level: m[2], Text: m[3]}, true
}

// StartWebKitConsole starts Xvfb and the proxy; MiniBrowsers start on
// first use of an origin.
func StartWebKitConsole(ctx context.Context, cfg Config) (c *WebKitConsole, err error) {
	mini := cfg.ExecPath
	if mini == "" {
		if mini, err = FindMiniBrowser(); err != nil {
			return nil, err
		}
	}
	c = &WebKitConsole{cfg: cfg, mini: mini, procs: map[string]*consoleProc{}, jobs: map[string]chan consoleJob{}, wait: map[int]chan jsResult{}}
	defer func() {
		if err != nil {
			c.Close()
			c = nil
		}
	}()
	if c.proxy, err = startProxy(cfg, cfg.Origins); err != nil {
		return c, err
	}
	c.proxy.extra = c.serveWorker
	if c.x, err = startXvfb(ctx); err != nil {
		return c, err
	}
	if c.data, err = os.MkdirTemp("", "corsdoctor-webkit-"); err != nil {
		return c, err
	}
	vc := exec.Command(mini, "--version")
	vc.Env = webkitEnv(c.x.display)
	if out, err := vc.Output(); err == nil {
		if f := strings.Fields(string(out)); len(f) > 0 {
			c.version = "WebKitGTK/" + f[len(f)-1]
		}
	}
	return c, nil
}

// workerHTML runs the requests the proxy hands out, one at a time.
const workerHTML = `<!doctype html><meta charset=utf-8><title>corsdoctor worker</title><script>
const run = (s) => %s;
(async () => {
  for (;;) {
    let job;
    try {
      const r = await fetch("/__corsdoctor/job", {cache: "no-store"});
      if (r.status !== 200) continue;
      job = await r.json();
    } catch (e) { await new Promise(f => setTimeout(f, 100)); continue; }
    console.log("corsdoctor-begin " + job.id);
    let out;
    try { out = await run(job.spec); } catch (e) { out = {ok: false, error: String(e)}; }
    console.log("corsdoctor-end " + job.id);
    try { await fetch("/__corsdoctor/result?id=" + job.id, {method: "POST", body: JSON.stringify(out)}); } catch (e) {}
  }
})();
</script>`

// serveWorker answers the worker's own requests on every origin; the
// null origin's worker is cross-origin to them, hence the CORS headers.
func (c *WebKitConsole) serveWorker(origin string, w http.ResponseWriter, r *http.Request) bool {
	if !strings.HasPrefix(r.URL.Path, "/__corsdoctor/") {
		return false
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Path {
	case "/__corsdoctor/worker":
		if r.URL.Query().Get("sandbox") != "" {
			w.Header().Set("Content-Security-Policy", "sandbox allow-scripts")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		body := strings.TrimSuffix(strings.TrimPrefix(fetchJS, "(async (s) => "), ")(%s)")
		fmt.Fprintf(w, workerHTML, "(async () => "+body+")()")
	case "/__corsdoctor/job":
		key := origin
		if r.URL.Query().Get("o") != "" {
			key = r.URL.Query().Get("o")
		}
		if o := r.Header.Get("Origin"); o == cors.Null {
			key = cors.Null
		}
		ch := c.jobChan(key)
		select {
		case j := <-ch:
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(j)
		case <-time.After(10 * time.Second):
			w.WriteHeader(http.StatusNoContent)
		case <-r.Context().Done():
		}
	case "/__corsdoctor/result":
		id, _ := strconv.Atoi(r.URL.Query().Get("id"))
		var res jsResult
		data, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
		json.Unmarshal(data, &res)
		c.mu.Lock()
		ch := c.wait[id]
		delete(c.wait, id)
		c.mu.Unlock()
		if ch != nil {
			ch <- res
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		if r.URL.Path == PagePath {
			return false
		}
		http.NotFound(w, r)
	}
	return true
}

func (c *WebKitConsole) jobChan(origin string) chan consoleJob {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := c.jobs[origin]
	if ch == nil {
		ch = make(chan consoleJob, 1)
		c.jobs[origin] = ch
	}
	return ch
}

// browserFor starts the MiniBrowser that shows origin's worker.
func (c *WebKitConsole) browserFor(origin string) (*consoleProc, error) {
	c.mu.Lock()
	p := c.procs[origin]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	page := origin + "/__corsdoctor/worker"
	if origin == cors.Null {
		page = "http://" + NullHost + "/__corsdoctor/worker?sandbox=1"
	}
	home, err := os.MkdirTemp(c.data, "profile-")
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(c.mini, "--enable-write-console-messages-to-stdout=true",
		"--proxy=http://"+c.proxy.Addr(), "--ignore-tls-errors", page)
	cmd.Env = append(webkitEnv(c.x.display), "HOME="+home, "XDG_DATA_HOME="+home+"/data", "XDG_CACHE_HOME="+home+"/cache", "XDG_CONFIG_HOME="+home+"/config")
	// Despite the setting's name, WebKitGTK 2.50 writes the lines to
	// stderr (unbuffered), which is what is read here.
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	out := c.cfg.Output
	if out == nil {
		out = io.Discard
	}
	cmd.Stdout = out
	proc, err := startProcess(cmd)
	if err != nil {
		return nil, fmt.Errorf("webkit: start %s: %w", c.mini, err)
	}
	p = &consoleProc{proc: proc, wake: make(chan struct{}, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			text := sc.Text()
			l, ok := parseConsoleLine(text)
			if !ok {
				// A message with a line break goes on over the next lines.
				p.mu.Lock()
				if n := len(p.lines); n > 0 && time.Since(p.last) < 5*time.Millisecond && !strings.HasPrefix(text, "(") && !strings.HasPrefix(text, "**") {
					p.lines[n-1].Text += "\n" + text
					p.mu.Unlock()
					continue
				}
				p.mu.Unlock()
				fmt.Fprintln(out, text)
			}
			if ok {
				p.mu.Lock()
				p.lines = append(p.lines, l)
				p.last = time.Now()
				p.mu.Unlock()
				select {
				case p.wake <- struct{}{}:
				default:
				}
			}
		}
	}()
	c.mu.Lock()
	c.procs[origin] = p
	c.mu.Unlock()
	return p, nil
}

// Version is e.g. "WebKitGTK/2.50.6".
func (c *WebKitConsole) Version() string { return c.version }

// Engine is cors.WebKit.
func (c *WebKitConsole) Engine() cors.Engine { return cors.WebKit }

// Close ends every MiniBrowser, Xvfb and the proxy, and removes the
// profiles. It is safe to call more than once.
func (c *WebKitConsole) Close() error {
	c.run.Lock()
	defer c.run.Unlock()
	c.mu.Lock()
	procs := c.procs
	c.procs = map[string]*consoleProc{}
	c.mu.Unlock()
	for _, p := range procs {
		p.proc.kill(2 * time.Second)
	}
	c.x.close()
	c.x = nil
	if c.proxy != nil {
		c.proxy.close()
		c.proxy = nil
	}
	if c.data != "" {
		removeAll(c.data)
		c.data = ""
	}
	return nil
}

// Run makes the request from a worker page at req.Origin and reports
// what WebKit did, console lines included.
func (c *WebKitConsole) Run(ctx context.Context, req Request) (*Observation, error) {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	c.run.Lock()
	defer c.run.Unlock()
	if c.proxy == nil {
		return nil, errors.New("webkit: browser is closed")
	}
	p, err := c.browserFor(req.Origin)
	if err != nil {
		return nil, err
	}
	spec, err := specJS(req)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.next++
	id := c.next
	done := make(chan jsResult, 1)
	c.wait[id] = done
	c.mu.Unlock()
	run := startRun(c.proxy, req)
	defer run.end()
	key := req.Origin
	select {
	case c.jobChan(key) <- consoleJob{ID: id, Spec: json.RawMessage(spec)}:
	case <-ctx.Done():
		return nil, fmt.Errorf("webkit: the worker page of %s took no request: %w", req.Origin, ctx.Err())
	}
	var res jsResult
	select {
	case res = <-done:
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.wait, id)
		c.mu.Unlock()
		return nil, fmt.Errorf("webkit: fetch %s: %w", req.URL, ctx.Err())
	}
	// WebKit checks CORS in its network process, which sends the console
	// lines to the web process on its own: they can follow the end
	// marker. The request's lines are those after its begin marker, once
	// no line came for consoleQuiet after the end marker.
	beginMark := "corsdoctor-begin " + strconv.Itoa(id)
	endMark := "corsdoctor-end " + strconv.Itoa(id)
	var lines []consoleLine
	var endAt time.Time
	for {
		p.mu.Lock()
		n := len(p.lines)
		last := p.last
		if endAt.IsZero() && indexLine(p.lines, endMark) >= 0 {
			endAt = time.Now()
		}
		if !endAt.IsZero() && time.Since(last) >= consoleQuiet && time.Since(endAt) >= consoleQuiet {
			start := indexLine(p.lines, beginMark)
			for _, l := range p.lines[start+1 : n] {
				if l.Text != endMark {
					lines = append(lines, l)
				}
			}
			p.lines = p.lines[:0]
			p.mu.Unlock()
			break
		}
		p.mu.Unlock()
		select {
		case <-p.wake:
		case <-time.After(10 * time.Millisecond):
		case <-ctx.Done():
			return nil, fmt.Errorf("webkit: console of %s: %w", req.URL, ctx.Err())
		}
	}
	obs := run.observation(ctx, cors.WebKit, c.version, req, res, noLines, 5*time.Millisecond, time.Second)
	obs.ConsoleRead = true
	for _, l := range lines {
		obs.ConsoleAll = append(obs.ConsoleAll, ConsoleEntry{Source: strings.ToLower(l.Source), Level: strings.ToLower(l.Level), Text: l.Text})
		if obs.Console == "" && l.Level == "ERROR" {
			obs.Console = l.Text
		}
	}
	return obs, nil
}

func indexLine(lines []consoleLine, text string) int {
	for i, l := range lines {
		if l.Text == text {
			return i
		}
	}
	return -1
}

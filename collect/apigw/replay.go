package apigw

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	smithycbor "github.com/aws/smithy-go/encoding/cbor"
)

// Record and replay: a run's AWS answers kept in a directory, redacted,
// so that a user can attach a run to a bug report and a real run becomes
// a regression test (--record DIR, --replay DIR). The Recorder and the
// Replayer are aws.HTTPClients: the SDK clients, their retries and the
// AWS Health call go through them unchanged.
//
// A directory holds manifest.json (the run's clock, region and options)
// and calls.jsonl: one answered request per line, keyed by method, path,
// query, X-Amz-Target and the request body in a canonical form (JSON
// with sorted keys; CBOR decoded to that JSON), in the order they were
// answered. Replaying serves the answers of each key in their order, the
// last one again when a key is asked more often; a request that was
// never recorded is answered with a ReplayMissingException (the step
// reports it as missing evidence).

// ReplayManifest describes a recorded run.
type ReplayManifest struct {
	Version int `json:"version"`
	// Tool is the corsdoctor version that recorded it.
	Tool string `json:"tool"`
	// Now is the run's clock: a replay reuses it, so the windows (and
	// the requests) are the recorded ones.
	Now    time.Time `json:"now"`
	Region string    `json:"region"`
	// The run's options: a replay makes the same requests only with
	// them.
	APIID        string   `json:"api_id"`
	Stage        string   `json:"stage,omitempty"`
	Since        string   `json:"since"`
	Origins      []string `json:"origins,omitempty"`
	AppLogGroups []string `json:"app_log_groups,omitempty"`
	TestInvoke   bool     `json:"test_invoke,omitempty"`
}

// replayCall is one line of calls.jsonl.
type replayCall struct {
	Key     string            `json:"key"`
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	// Body is the answer as text; BodyB64 when it is binary (CBOR).
	Body    string `json:"body,omitempty"`
	BodyB64 string `json:"body_b64,omitempty"`
}

// replayHeaders are the answer headers the SDK's deserializers read.
var replayHeaders = []string{"Content-Type", "X-Amzn-Errortype", "X-Amzn-Query-Error", "Smithy-Protocol", "Content-Disposition"}

// Recorder passes requests to Next and keeps every answer, redacted.
type Recorder struct {
	Next aws.HTTPClient

	mu    sync.Mutex
	calls []replayCall
	red   *replayRedactor
}

// NewRecorder records the answers next gives (http.DefaultClient when nil).
func NewRecorder(next aws.HTTPClient) *Recorder {
	if next == nil {
		next = http.DefaultClient
	}
	return &Recorder{Next: next, red: newReplayRedactor()}
}

// Do sends the request and records its answer.
func (r *Recorder) Do(req *http.Request) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, err
	}
	key := requestKey(req, body)
	resp, err := r.Next.Do(req)
	if err != nil {
		return resp, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	c := replayCall{Status: resp.StatusCode, Headers: map[string]string{}}
	for _, h := range replayHeaders {
		if v := resp.Header.Get(h); v != "" {
			c.Headers[h] = v
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c.Key = r.red.text(key)
	if isBinary(resp.Header.Get("Content-Type")) {
		c.BodyB64 = base64.StdEncoding.EncodeToString(b)
	} else {
		c.Body = r.red.text(string(b))
	}
	r.calls = append(r.calls, c)
	return resp, nil
}

// Write stores the recording in dir (created if needed).
func (r *Recorder) Write(dir string, m ReplayManifest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m.Version = 1
	for i, g := range m.AppLogGroups {
		m.AppLogGroups[i] = r.red.text(g)
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), append(mb, '\n'), 0o644); err != nil {
		return err
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	for _, c := range r.calls {
		if err := enc.Encode(c); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "calls.jsonl"), out.Bytes(), 0o644)
}

// Replayer answers requests from a recording.
type Replayer struct {
	mu    sync.Mutex
	calls map[string][]replayCall
	used  map[string]int
	red   *replayRedactor
}

// LoadReplay reads a directory written by Recorder.Write. Errors name
// the file and line.
func LoadReplay(dir string) (*Replayer, ReplayManifest, error) {
	var m ReplayManifest
	mb, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, m, fmt.Errorf("replay: %w", err)
	}
	if err := json.Unmarshal(mb, &m); err != nil {
		return nil, m, fmt.Errorf("replay: %s: %w", filepath.Join(dir, "manifest.json"), err)
	}
	if m.Version != 1 || m.Now.IsZero() || m.Region == "" || m.APIID == "" {
		return nil, m, fmt.Errorf("replay: %s: want version 1 with now, region and api_id, got version %d", filepath.Join(dir, "manifest.json"), m.Version)
	}
	if _, err := time.ParseDuration(m.Since); err != nil {
		return nil, m, fmt.Errorf("replay: %s: since: %w", filepath.Join(dir, "manifest.json"), err)
	}
	name := filepath.Join(dir, "calls.jsonl")
	f, err := os.Open(name)
	if err != nil {
		return nil, m, fmt.Errorf("replay: %w", err)
	}
	defer f.Close()
	rp := &Replayer{calls: map[string][]replayCall{}, used: map[string]int{}, red: newReplayRedactor()}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 128<<20)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var c replayCall
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, m, fmt.Errorf("replay: %s:%d: %w", name, line, err)
		}
		if c.Key == "" || c.Status < 100 || c.Status > 599 {
			return nil, m, fmt.Errorf("replay: %s:%d: want a key and an HTTP status", name, line)
		}
		if c.BodyB64 != "" {
			if _, err := base64.StdEncoding.DecodeString(c.BodyB64); err != nil {
				return nil, m, fmt.Errorf("replay: %s:%d: body_b64: %w", name, line, err)
			}
		}
		rp.calls[c.Key] = append(rp.calls[c.Key], c)
	}
	if err := sc.Err(); err != nil {
		return nil, m, fmt.Errorf("replay: %s: %w", name, err)
	}
	return rp, m, nil
}

// Do answers from the recording.
func (r *Replayer) Do(req *http.Request) (*http.Response, error) {
	body, err := readBody(req)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	key := r.red.text(requestKey(req, body))
	cs := r.calls[key]
	i := r.used[key]
	r.used[key]++
	r.mu.Unlock()
	resp := &http.Response{Header: http.Header{}, Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}
	if len(cs) == 0 {
		msg := "no recorded answer for " + key
		resp.StatusCode = http.StatusBadRequest
		resp.Header.Set("Content-Type", "application/json")
		resp.Header.Set("X-Amzn-Errortype", "ReplayMissingException")
		b, _ := json.Marshal(map[string]string{"__type": "ReplayMissingException", "message": msg})
		resp.Body = io.NopCloser(bytes.NewReader(b))
		resp.ContentLength = int64(len(b))
		return resp, nil
	}
	c := cs[min(i, len(cs)-1)]
	resp.StatusCode = c.Status
	resp.Status = fmt.Sprintf("%d %s", c.Status, http.StatusText(c.Status))
	for k, v := range c.Headers {
		resp.Header.Set(k, v)
	}
	b := []byte(c.Body)
	if c.BodyB64 != "" {
		b, _ = base64.StdEncoding.DecodeString(c.BodyB64)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	return resp, nil
}

// Unused lists the recorded keys a replay never asked for (a run that
// differs from the recorded one).
func (r *Replayer) Unused() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k := range r.calls {
		if r.used[k] == 0 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// readBody reads a request body and puts it back for the next reader.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return b, nil
}

// requestKey identifies a request whatever its signature and the order
// of its members: method, path, sorted query, X-Amz-Target, canonical
// body.
func requestKey(req *http.Request, body []byte) string {
	q := req.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var qs []string
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			qs = append(qs, k+"="+v)
		}
	}
	key := req.Method + " " + req.URL.EscapedPath()
	if len(qs) > 0 {
		key += "?" + strings.Join(qs, "&")
	}
	if t := req.Header.Get("X-Amz-Target"); t != "" {
		key += " " + t
	}
	if len(body) > 0 {
		key += " " + canonicalBody(body, req.Header.Get("Content-Type"))
	}
	return key
}

// canonicalBody renders a request body as JSON with sorted keys (CBOR
// decoded first: the SDK encodes its maps in Go's random order).
func canonicalBody(b []byte, contentType string) string {
	var v any
	if isBinary(contentType) {
		cv, err := smithycbor.Decode(b)
		if err != nil {
			return base64.StdEncoding.EncodeToString(b)
		}
		v = cborJSON(cv)
	} else {
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return string(b)
		}
	}
	out, err := json.Marshal(v)
	if err != nil {
		return string(b)
	}
	return string(out)
}

func isBinary(contentType string) bool { return strings.Contains(contentType, "cbor") }

// cborJSON converts a decoded CBOR value to a JSON-encodable one.
func cborJSON(v smithycbor.Value) any {
	switch x := v.(type) {
	case smithycbor.Map:
		m := map[string]any{}
		for k, e := range x {
			m[k] = cborJSON(e)
		}
		return m
	case smithycbor.List:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = cborJSON(e)
		}
		return out
	case smithycbor.String:
		return string(x)
	case smithycbor.Uint:
		return uint64(x)
	case smithycbor.NegInt:
		return -int64(x)
	case smithycbor.Float32:
		return float32(x)
	case smithycbor.Float64:
		return float64(x)
	case smithycbor.Bool:
		return bool(x)
	case *smithycbor.Tag:
		return map[string]any{"tag": x.ID, "value": cborJSON(x.Value)}
	case smithycbor.Slice:
		return base64.StdEncoding.EncodeToString(x)
	case *smithycbor.Nil, *smithycbor.Undefined:
		return nil
	}
	return fmt.Sprint(v)
}

// replayRedactor replaces what identifies an account or a person, and
// credentials, consistently across a recording (the same account id
// always becomes the same placeholder, so keys still match): AWS account
// ids (any 12-digit number), access key ids, IAM/STS principal names in
// ARNs, user names and e-mail addresses, IPv4 addresses, and the values
// of credential headers and token members.
type replayRedactor struct {
	mu   sync.Mutex
	seen map[string]string
	n    map[string]int
}

func newReplayRedactor() *replayRedactor {
	return &replayRedactor{seen: map[string]string{}, n: map[string]int{}}
}

var (
	reDigits    = regexp.MustCompile(`[0-9]+`)
	reAccessKey = regexp.MustCompile(`\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{16}\b`)
	rePrincipal = regexp.MustCompile(`(arn:aws[a-z-]*:(?:iam|sts)::[0-9]{12}:(?:user|role|assumed-role|federated-user|group)/)([^"\\,\s]+)`)
	reEmail     = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	// reEmailPlaceholder matches what text writes for an e-mail address.
	reEmailPlaceholder = regexp.MustCompile(`user-[0-9]+@example\.invalid`)
	reIPv4             = regexp.MustCompile(`\b([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\b`)
	reUserName         = regexp.MustCompile(`(\\?"(?:Username|userName|principalId|sessionName)\\?"\s*:\s*\\?")([^"\\]+)`)
	reSecretVal        = regexp.MustCompile(`(?i)((?:authorization|x-amz-security-token|cookie|set-cookie|x-api-key|sessiontoken|secretaccesskey|accesstoken|idtoken)\\?"?\s*[:=]\s*\\?"?)([^,"\\}\s]+(?:\s[^,"\\}\s]+)?)`)
)

// placeholder returns the stable replacement of v: the n-th value of a
// kind gets make(n).
func (r *replayRedactor) placeholder(kind, v string, make func(n int) string) string {
	k := kind + "\x00" + v
	if p, ok := r.seen[k]; ok {
		return p
	}
	r.n[kind]++
	p := make(r.n[kind])
	r.seen[k] = p
	return p
}

// text redacts s. It is idempotent: placeholders are left alone, so a
// replay that redacts its requests (built from redacted answers) finds
// the recorded keys.
func (r *replayRedactor) text(s string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s = reSecretVal.ReplaceAllString(s, "${1}[redacted]")
	s = reAccessKey.ReplaceAllStringFunc(s, func(k string) string {
		if strings.Contains(k, "REDACTED") {
			return k
		}
		return r.placeholder("key", k, func(n int) string { return fmt.Sprintf("%sREDACTED%08d", k[:4], n) })
	})
	s = rePrincipal.ReplaceAllStringFunc(s, func(a string) string {
		m := rePrincipal.FindStringSubmatch(a)
		if strings.HasPrefix(m[2], "principal-") {
			return a
		}
		return m[1] + r.placeholder("principal-", m[2], func(n int) string { return fmt.Sprintf("principal-%d", n) })
	})
	s = reUserName.ReplaceAllStringFunc(s, func(a string) string {
		m := reUserName.FindStringSubmatch(a)
		if strings.HasPrefix(m[2], "user-") || strings.HasPrefix(m[2], "principal-") {
			return a
		}
		return m[1] + r.placeholder("user", m[2], func(n int) string { return fmt.Sprintf("user-%d", n) })
	})
	// E-mail placeholders are kept out of the match: an address glued to
	// a placeholder ("a@b.cc" + "user-1@example.invalid") would otherwise
	// read as a new address on the next pass.
	s = outside(s, reEmailPlaceholder, func(seg string) string {
		return reEmail.ReplaceAllStringFunc(seg, func(e string) string {
			return r.placeholder("email", e, func(n int) string { return fmt.Sprintf("user-%d@example.invalid", n) })
		})
	})
	s = reIPv4.ReplaceAllStringFunc(s, func(ip string) string {
		if strings.HasPrefix(ip, "192.0.2.") {
			return ip // the documentation range: placeholders
		}
		return r.placeholder("ip", ip, func(n int) string { return fmt.Sprintf("192.0.2.%d", n%250+1) })
	})
	// Account ids last (a 12-digit number; the placeholders above have
	// none).
	s = reDigits.ReplaceAllStringFunc(s, func(d string) string {
		if len(d) != 12 || strings.HasPrefix(d, "00000000") {
			return d // not an account id, or a placeholder
		}
		return r.placeholder("acct", d, func(n int) string { return fmt.Sprintf("%012d", n) })
	})
	return s
}

// outside applies f to the parts of s that re does not match and keeps
// the matches as they are.
func outside(s string, re *regexp.Regexp, f func(string) string) string {
	locs := re.FindAllStringIndex(s, -1)
	if locs == nil {
		return f(s)
	}
	var b strings.Builder
	prev := 0
	for _, l := range locs {
		b.WriteString(f(s[prev:l[0]]))
		b.WriteString(s[l[0]:l[1]])
		prev = l[1]
	}
	b.WriteString(f(s[prev:]))
	return b.String()
}

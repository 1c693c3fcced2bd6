package cli

import (
	"bytes"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/paste"
)

// pasted is what --curl or --fetch gave a command besides the request
// flags it filled: the URL and page origin (used when the command line
// does not give them), the cookie the browser sent, and notes on how the
// paste was read (header names only, never values).
type pasted struct {
	URL, Origin string
	Cookie      string
	Insecure    bool
	Notes       []string
	req         *paste.Request
}

const pasteHint = "in DevTools' Network panel, right-click the request, Copy, then Copy as cURL (bash or cmd), Copy as PowerShell or Copy as fetch; pass it as --curl \"$(pbpaste)\" or pipe it: pbpaste | corsdoctor check --curl -"

// loadPaste reads --curl or --fetch and fills the request flags the
// command line did not give: flags always override the paste. It returns
// nil when neither flag is set.
func (f *RequestFlags) loadPaste(app *App) (*pasted, error) {
	flag, text := "--curl", f.Curl
	switch {
	case f.Curl != "" && f.Fetch != "":
		return nil, Usagef("--curl and --fetch: give one pasted request")
	case f.Fetch != "":
		flag, text = "--fetch", f.Fetch
	case f.Curl == "":
		return nil, nil
	}
	if text == "-" {
		b, _, err := app.readInput("-")
		if err != nil {
			return nil, Usagef("%s: %v", flag, err)
		}
		text = string(b)
	}
	p, err := paste.Parse(text)
	if err != nil {
		return nil, WithHint(Usagef("%s: %v", flag, err), pasteHint)
	}
	changed := func(name string) bool { return f.fs != nil && f.fs.Changed(name) }
	var overridden []string
	if changed("request") {
		overridden = append(overridden, "-X")
	} else {
		f.Method = p.Method
	}
	// Headers: the paste's, except those a -H names, then the -H ones.
	given := map[string]bool{}
	for _, h := range f.Headers {
		if name, _, err := evidence.ParseHeaderFlag(h); err == nil {
			given[strings.ToLower(name)] = true
		}
	}
	var hs []string
	for _, h := range p.Headers {
		if given[strings.ToLower(h.Name)] {
			overridden = append(overridden, "-H "+h.Name)
			continue
		}
		hs = append(hs, h.Name+": "+h.Value)
	}
	f.Headers = append(hs, f.Headers...)
	if changed("data") {
		if p.HasBody {
			overridden = append(overridden, "--data")
		}
	} else if p.HasBody {
		f.PasteBody = append([]byte{}, p.Body...)
	}
	if !changed("body") && p.BodyKind != "" {
		f.Body = string(p.BodyKind)
	}
	if changed("credentials") || changed("credentials-mode") {
		if p.Credentials != "" {
			overridden = append(overridden, "credentials")
		}
	} else if p.Credentials != "" {
		f.CredentialsMode = string(p.Credentials)
	}
	if changed("mode") {
		if p.Mode != "" {
			overridden = append(overridden, "--mode")
		}
	} else if p.Mode != "" {
		f.Mode = string(p.Mode)
	}
	out := &pasted{URL: p.URL, Origin: p.Origin, Cookie: p.Cookie, Insecure: p.Insecure, req: p}
	out.Notes = append(out.Notes, "request read from the pasted "+string(p.Format)+" command")
	for _, n := range p.Notes {
		out.Notes = append(out.Notes, "paste: "+n)
	}
	if p.Mode == "" && !changed("mode") && !hasHeader(p.Browser, "origin") {
		out.Notes = append(out.Notes, "paste: no Origin or Sec-Fetch-Mode header (DevTools' provisional headers of a request that was blocked, or a no-cors request): mode read as cors; add --mode no-cors if the page used it")
	}
	if p.Credentials == "" && !changed("credentials") && !changed("credentials-mode") {
		out.Notes = append(out.Notes, "paste: no cookie was sent: credentials read as same-origin; add --credentials if the page uses credentials: 'include' (XMLHttpRequest withCredentials)")
	}
	for _, o := range overridden {
		out.override(o)
	}
	return out, nil
}

const overrideNote = "flags override the paste: "

// override records that a flag replaced what the paste said.
func (p *pasted) override(what string) {
	for i, n := range p.Notes {
		if strings.HasPrefix(n, overrideNote) {
			p.Notes[i] += ", " + what
			return
		}
	}
	p.Notes = append(p.Notes, overrideNote+what)
}

func hasHeader(hs []cors.Header, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

// pasteTarget resolves a command's URL and origin: the command line's,
// else the paste's. It reports a missing origin with a hint.
func (p *pasted) target(url, origin string) (string, string) {
	if p == nil {
		return url, origin
	}
	if url == "" {
		url = p.URL
	} else if url != p.URL {
		p.override("the URL")
	}
	if origin == "" {
		origin = p.Origin
	} else if p.Origin != "" && origin != p.Origin {
		p.override("--origin")
	}
	return url, origin
}

// missingOriginHint is the hint for a paste without a page origin.
const missingOriginHint = "the paste has no Origin or Referer header (DevTools leaves them out of some copies): add --origin https://your-app.example.com"

// notes returns the paste's notes for every result of a report.
func (p *pasted) notes(results int) map[int][]string {
	if p == nil || len(p.Notes) == 0 {
		return nil
	}
	m := map[int][]string{}
	for i := 0; i < results; i++ {
		m[i] = p.Notes
	}
	return m
}

// parseResponseText parses a pasted response: raw HTTP text with a status
// line (curl -i, curl -v, DevTools' raw HTTP/1.1 headers), or headers
// alone (DevTools' Copy response headers of an HTTP/2 response, a
// selection of the Headers pane) completed with status.
func parseResponseText(b []byte, display string, status int, statusFlag string) (*evidence.Response, error) {
	if !evidence.HasStatusLine(b) && len(bytes.TrimSpace(b)) > 0 {
		if status == 0 {
			return nil, WithHint(Usagef("%s: no status line (DevTools' Copy response headers and the Headers pane leave it out)", display),
				"add "+statusFlag+" CODE, the Status Code DevTools shows under General, e.g. "+statusFlag+" 200")
		}
		r, err := evidence.ParseHeaderLines(bytes.NewReader(b), display, status)
		if err != nil {
			return nil, Usagef("%v", err)
		}
		return r, nil
	}
	r, err := evidence.ParseResponse(bytes.NewReader(b), display)
	if err != nil {
		return nil, err
	}
	if status != 0 && r.Status != status {
		return nil, Usagef("%s: %s %d, but the response's status line says %d", display, statusFlag, status, r.Status)
	}
	return r, nil
}

// checkStatusFlags validates --status and --preflight-status.
func checkStatusFlags(opts *ExplainOptions) error {
	for _, s := range []struct {
		flag   string
		status int
		used   bool
	}{{"--status", opts.Status, len(opts.Responses) > 0}, {"--preflight-status", opts.PreflightStatus, opts.Preflight != ""}} {
		if s.status == 0 {
			continue
		}
		if s.status < 100 || s.status > 599 {
			return Usagef("%s: %d is not an HTTP status code", s.flag, s.status)
		}
		if !s.used {
			return Usagef("%s applies to a pasted response: give %s too", s.flag, map[string]string{"--status": "--response", "--preflight-status": "--preflight-response"}[s.flag])
		}
	}
	return nil
}

// applyPaste reads check's --curl/--fetch: URL and origin when the
// command line has none, and the cookie the browser sent, which check
// sends as the credential when the request's credentials mode is include.
func (opts *CheckOptions) applyPaste() error {
	if opts.pasted != nil {
		return nil
	}
	p, err := opts.Request.loadPaste(opts.App)
	if err != nil || p == nil {
		return err
	}
	opts.pasted = p
	var origin string
	if len(opts.Origins) > 0 {
		origin = opts.Origins[0]
	}
	opts.URL, origin = p.target(opts.URL, origin)
	if len(opts.Origins) == 0 && origin != "" {
		opts.Origins = []string{origin}
	}
	if p.Cookie != "" {
		if opts.Request.Credentials || opts.Request.CredentialsMode == "include" {
			opts.Request.Headers = append(opts.Request.Headers, "Cookie: "+p.Cookie)
			p.Notes = append(p.Notes, "paste: the browser's cookies are sent with the actual request (never with the preflight)")
		} else {
			p.Notes = append(p.Notes, "paste: the browser's cookies are not sent: the credentials mode is not include")
		}
	}
	if p.Insecure && strings.HasPrefix(strings.ToLower(opts.URL), "https:") && !opts.Insecure {
		p.Notes = append(p.Notes, "paste: the curl command has --insecure; check verifies certificates as the browser does (add --insecure to skip)")
	}
	return nil
}

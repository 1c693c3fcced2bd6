package request

import (
	"io"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/paste"
)

// Pasted is what --curl or --fetch gave a command besides the request
// flags it filled: the URL and page origin (used when the command line
// does not give them), the cookie the browser sent, and notes on how the
// paste was read (header names only, never values).
type Pasted struct {
	URL, Origin string
	Cookie      string
	Insecure    bool
	Notes       []string
	req         *paste.Request
}

const pasteHint = "in DevTools' Network panel, right-click the request, Copy, then Copy as cURL (bash or cmd), Copy as PowerShell or Copy as fetch; pass it as --curl \"$(pbpaste)\" or pipe it: pbpaste | corsdoctor check --curl -"

// LoadPaste reads Curl or Fetch (standard input when "-") and fills the
// request options the command line did not give (changed reports a flag
// given): flags always override the paste. It returns nil when neither
// is set.
func (f *Options) LoadPaste(stdin io.Reader, changed func(flag string) bool) (*Pasted, error) {
	flag, text := "--curl", f.Curl
	switch {
	case f.Curl != "" && f.Fetch != "":
		return nil, app.Usagef("--curl and --fetch: give one pasted request")
	case f.Fetch != "":
		flag, text = "--fetch", f.Fetch
	case f.Curl == "":
		return nil, nil
	}
	if text == "-" {
		b, _, err := app.ReadInput(stdin, "-")
		if err != nil {
			return nil, app.Usagef("%s: %v", flag, err)
		}
		text = string(b)
	}
	p, err := paste.Parse(text)
	if err != nil {
		return nil, app.WithHint(app.Usagef("%s: %v", flag, err), pasteHint)
	}
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
	out := &Pasted{URL: p.URL, Origin: p.Origin, Cookie: p.Cookie, Insecure: p.Insecure, req: p}
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
func (p *Pasted) override(what string) {
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

// Target resolves a command's URL and origin: the command line's, else
// the paste's (p may be nil).
func (p *Pasted) Target(url, origin string) (string, string) {
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

// MissingOriginHint is the hint for a paste without a page origin.
const MissingOriginHint = "the paste has no Origin or Referer header (DevTools leaves them out of some copies): add --origin https://your-app.example.com"

// NotesFor returns the paste's notes for every result of a report.
func (p *Pasted) NotesFor(results int) map[int][]string {
	if p == nil || len(p.Notes) == 0 {
		return nil
	}
	m := map[int][]string{}
	for i := 0; i < results; i++ {
		m[i] = p.Notes
	}
	return m
}

package cli

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
)

// RequestFlags are the flags that describe the page's request, shared by
// explain, check and browser.
type RequestFlags struct {
	Method          string
	Headers         []string
	Data            string
	Credentials     bool
	CredentialsMode string
	Expose          []string
	Initiator       string
	Mode            string
	Body            string
	UploadListeners bool
	Platform        string
	ShowSecrets     bool
	JSON            bool
	// Curl and Fetch hold a request pasted from DevTools (internal/paste);
	// loadPaste fills the fields above that the command line left unset.
	Curl, Fetch string

	fs        *pflag.FlagSet // to tell flags given from defaults
	pasteBody []byte         // the pasted body, used when --data is not given
}

// Register adds the request flags to fs.
func (f *RequestFlags) Register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.Method, "request", "X", "GET", "request method, as the page's code writes it (case matters: 'patch' is sent as is)")
	fs.StringArrayVarP(&f.Headers, "header", "H", nil, "request header the page sets, 'Name: value' (repeatable)")
	fs.StringVar(&f.Data, "data", "", "request body, or @FILE to read it from a file")
	fs.BoolVar(&f.Credentials, "credentials", false, "send credentials (fetch credentials: 'include', XHR withCredentials = true)")
	fs.StringVar(&f.CredentialsMode, "credentials-mode", "", "credentials mode: omit, same-origin or include (default same-origin; --credentials means include)")
	fs.StringArrayVar(&f.Expose, "expose", nil, "response header the page's JavaScript wants to read (repeatable)")
	fs.StringVar(&f.Initiator, "initiator", "fetch", "API making the request: fetch or xhr (changes the console text)")
	fs.StringVar(&f.Mode, "mode", "cors", "request mode: cors, no-cors or same-origin")
	fs.StringVar(&f.Body, "body", "", "body kind: none, simple (string, FormData, Blob) or stream (ReadableStream); default from --data")
	fs.BoolVar(&f.UploadListeners, "upload-listeners", false, "XMLHttpRequest has xhr.upload event listeners (forces a preflight)")
	fs.StringVar(&f.Platform, "platform", "", "server platform for fixes: "+platformNames()+" (default: detected)")
	fs.BoolVar(&f.ShowSecrets, "show-secrets", false, "print Authorization, Cookie, API keys and tokens instead of redacting them")
	fs.BoolVar(&f.JSON, "json", false, "print the JSON report (docs/json.md)")
	fs.StringVar(&f.Curl, "curl", "", "the request as DevTools copies it: Copy as cURL (bash or cmd) or Copy as PowerShell; '-' reads standard input; flags given as well override it (docs/paste.md)")
	fs.StringVar(&f.Fetch, "fetch", "", "the request as DevTools' Copy as fetch (or fetch (Node.js)) writes it; '-' reads standard input")
	f.fs = fs
}

func platformNames() string {
	names := make([]string, len(diag.Platforms))
	for i, p := range diag.Platforms {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

// ParseURL validates an absolute http(s) URL given on the command line.
func ParseURL(flag, raw string) (string, error) {
	if raw == "" {
		return "", Usagef("%s: missing URL", flag)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", Usagef("%s: invalid URL %q: %v", flag, raw, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", WithHint(Usagef("%s: %q is not an absolute URL", flag, raw), "write the full URL, e.g. https://api.example.com/items")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", Usagef("%s: unsupported scheme %q in %q (want http or https)", flag, u.Scheme, raw)
	}
	return raw, nil
}

// ParseOriginFlag validates a page origin given on the command line.
func ParseOriginFlag(raw string) (string, error) {
	o, err := cors.ParseOrigin(raw)
	if err != nil {
		e := Usagef("--origin: %v", err)
		if oe, ok := err.(*cors.OriginError); ok && oe.Suggest != "" {
			return "", WithHint(e, "use --origin "+oe.Suggest)
		}
		return "", e
	}
	return o, nil
}

// Build turns the flags into an engine request for url and origin. It
// returns the body bytes read from --data.
func (f *RequestFlags) Build(rawURL, origin string) (cors.Request, []byte, error) {
	req := cors.Request{Origin: origin, URL: rawURL, Method: f.Method}
	for _, h := range f.Headers {
		name, value, err := evidence.ParseHeaderFlag(h)
		if err != nil {
			return req, nil, Usagef("-H: %v", err)
		}
		req.Headers = append(req.Headers, cors.Header{Name: name, Value: value})
	}
	var body []byte
	if f.Data != "" {
		if strings.HasPrefix(f.Data, "@") {
			b, err := readFileCapped(f.Data[1:], maxInputFile)
			if err != nil {
				return req, nil, Usagef("--data: %v", err)
			}
			body = b
		} else {
			body = []byte(f.Data)
		}
		req.Body = cors.BodySimple
	} else if f.pasteBody != nil {
		body = f.pasteBody
		req.Body = cors.BodySimple
	}
	switch f.Body {
	case "":
	case "none", "simple", "stream":
		req.Body = cors.Body(f.Body)
	default:
		return req, nil, Usagef("--body: unknown body kind %q (want none, simple or stream)", f.Body)
	}
	switch {
	case f.CredentialsMode != "" && f.Credentials && f.CredentialsMode != "include":
		return req, nil, Usagef("--credentials conflicts with --credentials-mode %s", f.CredentialsMode)
	case f.Credentials:
		req.Credentials = cors.CredentialsInclude
	case f.CredentialsMode != "":
		switch f.CredentialsMode {
		case "omit", "same-origin", "include":
			req.Credentials = cors.Credentials(f.CredentialsMode)
		default:
			return req, nil, Usagef("--credentials-mode: unknown mode %q (want omit, same-origin or include)", f.CredentialsMode)
		}
	default:
		req.Credentials = cors.CredentialsSameOrigin
	}
	switch f.Initiator {
	case "fetch", "":
		req.Initiator = cors.InitiatorFetch
	case "xhr", "XMLHttpRequest":
		req.Initiator = cors.InitiatorXHR
	default:
		return req, nil, Usagef("--initiator: unknown initiator %q (want fetch or xhr)", f.Initiator)
	}
	switch f.Mode {
	case "cors", "":
		req.Mode = cors.ModeCORS
	case "no-cors", "same-origin":
		req.Mode = cors.Mode(f.Mode)
	default:
		return req, nil, Usagef("--mode: unknown mode %q (want cors, no-cors or same-origin)", f.Mode)
	}
	req.UploadListeners = f.UploadListeners
	if f.UploadListeners && req.Initiator != cors.InitiatorXHR {
		return req, nil, WithHint(Usagef("--upload-listeners applies to XMLHttpRequest only"), "add --initiator xhr")
	}
	if f.Platform != "" {
		if _, err := diag.ParsePlatform(f.Platform); err != nil {
			return req, nil, Usagef("--platform: %v", err)
		}
	}
	if f.Method == "" {
		return req, nil, Usagef("-X: empty method")
	}
	for _, e := range f.Expose {
		if !cors.IsToken(e) {
			return req, nil, Usagef("--expose: invalid header name %q", e)
		}
	}
	return req, body, nil
}

// readInput reads a named input file, "-" meaning standard input
// (app.ReadInput).
func (a *App) readInput(name string) ([]byte, string, error) { return app.ReadInput(a.IO.In, name) }

const maxInputFile = app.MaxInputFile

// readFileCapped reads a file of at most max bytes; a larger one (or a
// device that never ends, /dev/zero) is an error, never a memory bomb.
func readFileCapped(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, max>>20)
	}
	return b, nil
}

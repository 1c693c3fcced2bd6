// Package request holds the page's request as explain, check, browser
// and the web UI describe it (method, headers, body, credentials,
// initiator, mode, exposed headers) and its validation into the engine's
// cors.Request, shared by their use cases.
package request

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app"
)

// Options describe the page's request (the request flags).
type Options struct {
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
	// the command fills the fields above that the command line left unset.
	Curl, Fetch string
	// PasteBody is the pasted body, used when Data is not given.
	PasteBody []byte
}

// ParseURL validates an absolute http(s) URL given on the command line.
func ParseURL(flag, raw string) (string, error) {
	if raw == "" {
		return "", app.Usagef("%s: missing URL", flag)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", app.Usagef("%s: invalid URL %q: %v", flag, raw, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", app.WithHint(app.Usagef("%s: %q is not an absolute URL", flag, raw), "write the full URL, e.g. https://api.example.com/items")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", app.Usagef("%s: unsupported scheme %q in %q (want http or https)", flag, u.Scheme, raw)
	}
	return raw, nil
}

// ParseOrigin validates a page origin given on the command line
// (--origin).
func ParseOrigin(raw string) (string, error) {
	o, err := cors.ParseOrigin(raw)
	if err != nil {
		e := app.Usagef("--origin: %v", err)
		if oe, ok := err.(*cors.OriginError); ok && oe.Suggest != "" {
			return "", app.WithHint(e, "use --origin "+oe.Suggest)
		}
		return "", e
	}
	return o, nil
}

// Build turns the flags into an engine request for url and origin. It
// returns the body bytes read from --data.
func (f *Options) Build(rawURL, origin string) (cors.Request, []byte, error) {
	req := cors.Request{Origin: origin, URL: rawURL, Method: f.Method}
	for _, h := range f.Headers {
		name, value, err := evidence.ParseHeaderFlag(h)
		if err != nil {
			return req, nil, app.Usagef("-H: %v", err)
		}
		req.Headers = append(req.Headers, cors.Header{Name: name, Value: value})
	}
	var body []byte
	if f.Data != "" {
		if strings.HasPrefix(f.Data, "@") {
			b, err := readFileCapped(f.Data[1:], app.MaxInputFile)
			if err != nil {
				return req, nil, app.Usagef("--data: %v", err)
			}
			body = b
		} else {
			body = []byte(f.Data)
		}
		req.Body = cors.BodySimple
	} else if f.PasteBody != nil {
		body = f.PasteBody
		req.Body = cors.BodySimple
	}
	switch f.Body {
	case "":
	case "none", "simple", "stream":
		req.Body = cors.Body(f.Body)
	default:
		return req, nil, app.Usagef("--body: unknown body kind %q (want none, simple or stream)", f.Body)
	}
	switch {
	case f.CredentialsMode != "" && f.Credentials && f.CredentialsMode != "include":
		return req, nil, app.Usagef("--credentials conflicts with --credentials-mode %s", f.CredentialsMode)
	case f.Credentials:
		req.Credentials = cors.CredentialsInclude
	case f.CredentialsMode != "":
		switch f.CredentialsMode {
		case "omit", "same-origin", "include":
			req.Credentials = cors.Credentials(f.CredentialsMode)
		default:
			return req, nil, app.Usagef("--credentials-mode: unknown mode %q (want omit, same-origin or include)", f.CredentialsMode)
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
		return req, nil, app.Usagef("--initiator: unknown initiator %q (want fetch or xhr)", f.Initiator)
	}
	switch f.Mode {
	case "cors", "":
		req.Mode = cors.ModeCORS
	case "no-cors", "same-origin":
		req.Mode = cors.Mode(f.Mode)
	default:
		return req, nil, app.Usagef("--mode: unknown mode %q (want cors, no-cors or same-origin)", f.Mode)
	}
	req.UploadListeners = f.UploadListeners
	if f.UploadListeners && req.Initiator != cors.InitiatorXHR {
		return req, nil, app.WithHint(app.Usagef("--upload-listeners applies to XMLHttpRequest only"), "add --initiator xhr")
	}
	if f.Platform != "" {
		if _, err := diag.ParsePlatform(f.Platform); err != nil {
			return req, nil, app.Usagef("--platform: %v", err)
		}
	}
	if f.Method == "" {
		return req, nil, app.Usagef("-X: empty method")
	}
	for _, e := range f.Expose {
		if !cors.IsToken(e) {
			return req, nil, app.Usagef("--expose: invalid header name %q", e)
		}
	}
	return req, body, nil
}

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

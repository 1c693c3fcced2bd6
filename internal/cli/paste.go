package cli

import (
	"bytes"
	"strings"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/app/request"
)

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

// loadPaste reads --curl or --fetch into the request flags the command
// line did not give (request.Options.LoadPaste).
func (f *RequestFlags) loadPaste(app *App) (*request.Pasted, error) {
	return f.Options.LoadPaste(app.IO.In, func(name string) bool { return f.fs != nil && f.fs.Changed(name) })
}

// missingOriginHint is the hint for a paste without a page origin.
const missingOriginHint = request.MissingOriginHint

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
	opts.URL, origin = p.Target(opts.URL, origin)
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

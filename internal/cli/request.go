package cli

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/app/request"
)

// RequestFlags are the flags that describe the page's request, shared by
// explain, check and browser.
type RequestFlags struct {
	request.Options
	fs *pflag.FlagSet // to tell flags given from defaults
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

// ParseURL validates an absolute http(s) URL given on the command line
// (request.ParseURL).
func ParseURL(flag, raw string) (string, error) { return request.ParseURL(flag, raw) }

// ParseOriginFlag validates a page origin given on the command line
// (request.ParseOrigin).
func ParseOriginFlag(raw string) (string, error) { return request.ParseOrigin(raw) }

// readInput reads a named input file, "-" meaning standard input
// (app.ReadInput).
func (a *App) readInput(name string) ([]byte, string, error) { return app.ReadInput(a.IO.In, name) }

const maxInputFile = app.MaxInputFile

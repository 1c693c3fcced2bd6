package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
	appexplain "github.com/corsdoctor/corsdoctor/internal/app/explain"
)

// ExplainOptions are explain's parsed flags.
type ExplainOptions struct {
	App       *App
	URL       string
	Origin    string
	Request   RequestFlags
	Preflight string
	Responses []string
	HTML      HTMLFlag
	// Status and PreflightStatus complete responses pasted without a
	// status line (DevTools' Copy response headers of HTTP/2 responses).
	Status, PreflightStatus int
	// NetworkError is the error the browser got instead of a response
	// (net::ERR_NAME_NOT_RESOLVED, mixed-content, ...).
	NetworkError string
	// Engine is --browser-engine.
	Engine EngineFlag
}

// NewCmdExplain builds `corsdoctor explain`.
func NewCmdExplain(app *App, runF func(*ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{App: app}
	cmd := &cobra.Command{
		Use:   "explain --url URL --origin ORIGIN [flags]",
		Short: "Evaluate a request offline, from pasted responses, exactly as Chromium would",
		Long: `explain runs corsdoctor's CORS engine offline: describe the page's request
with flags, give the responses as raw HTTP text (what curl -i or DevTools' raw view
shows), and it prints the browser's verdict, the exact Chromium console message,
Firefox's error, the cause and the fix. No network access.

Firefox and Safari (WebKit) are judged too: when their verdict differs from Chromium's,
explain says so ("blocked in Safari only") with each browser's console lines.
--browser-engine firefox (or webkit) makes that engine's verdict the report's; all shows
the three side by side (docs/engines.md).

Without --response it prints what the browser would send (preflight or not, and the
exact Access-Control-Request-* values). Give --response several times for a redirect
chain, in order.`,
		Example: `  corsdoctor explain --url https://api.example.com/items --origin https://app.example.com \
    -X PUT -H 'Content-Type: application/json' \
    --preflight-response preflight.txt --response response.txt

  curl -si -X OPTIONS https://api.example.com/items -H 'Origin: https://app.example.com' \
    -H 'Access-Control-Request-Method: PUT' | corsdoctor explain --url https://api.example.com/items \
    --origin https://app.example.com -X PUT --preflight-response -

  # the request and the preflight's headers as DevTools copies them
  pbpaste | corsdoctor explain --curl "$(cat request.txt)" --preflight-response - --preflight-status 204`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runExplain(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.URL, "url", "", "URL the page requests (required)")
	fs.StringVar(&opts.Origin, "origin", "", "the page's origin, e.g. https://app.example.com (required)")
	fs.StringVar(&opts.Preflight, "preflight-response", "", "file with the raw OPTIONS preflight response ('-' for stdin)")
	fs.StringArrayVar(&opts.Responses, "response", nil, "file with the raw response to the actual request ('-' for stdin); repeat for each redirect hop")
	fs.IntVar(&opts.Status, "status", 0, "status code of a --response pasted without its status line (DevTools' Copy response headers)")
	fs.IntVar(&opts.PreflightStatus, "preflight-status", 0, "status code of a --preflight-response pasted without its status line")
	fs.StringVar(&opts.NetworkError, "network-error", "", "the browser got no response but this error (net::ERR_NAME_NOT_RESOLVED, ERR_CONNECTION_REFUSED, ERR_CERT_..., ERR_BLOCKED_BY_CLIENT, mixed-content), for the next request after the responses given")
	opts.Request.Register(fs)
	opts.HTML.Register(fs)
	opts.Engine.Register(fs)
	return cmd
}

func runExplain(opts *ExplainOptions) error {
	app := opts.App
	pst, err := opts.Request.loadPaste(app)
	if err != nil {
		return err
	}
	opts.URL, opts.Origin = pst.Target(opts.URL, opts.Origin)
	url, err := ParseURL("--url", opts.URL)
	if err != nil {
		return err
	}
	if opts.Origin == "" {
		if pst != nil {
			return WithHint(Usagef("--origin: missing page origin"), missingOriginHint)
		}
		return WithHint(Usagef("--origin: missing page origin"), "add --origin https://your-app.example.com")
	}
	origin, err := ParseOriginFlag(opts.Origin)
	if err != nil {
		return err
	}
	req, _, err := opts.Request.Build(url, origin)
	if err != nil {
		return err
	}
	engines, err := opts.Engine.parse(cors.Chromium)
	if err != nil {
		return err
	}
	req.Engine = engines.Primary
	stdinUsed := 0
	if opts.Request.Curl == "-" || opts.Request.Fetch == "-" {
		stdinUsed++
	}
	if opts.Preflight == "-" {
		stdinUsed++
	}
	for _, r := range opts.Responses {
		if r == "-" {
			stdinUsed++
		}
	}
	if stdinUsed > 1 {
		return Usagef("only one of --curl, --fetch, --preflight-response and --response can read standard input ('-')")
	}
	if err := checkStatusFlags(opts); err != nil {
		return err
	}
	eo := appexplain.Options{Request: req, Engines: engines, NetworkError: opts.NetworkError, Expose: opts.Request.Expose,
		Platform: opts.Request.Platform, ShowSecrets: opts.Request.ShowSecrets, JSON: opts.Request.JSON, HTML: opts.HTML.Path}
	if pst != nil {
		eo.Notes = pst.Notes
	}
	if opts.Preflight != "" {
		if eo.Preflight, err = app.parseResponseFile(opts.Preflight, opts.PreflightStatus, "--preflight-status"); err != nil {
			return err
		}
	}
	for _, name := range opts.Responses {
		r, err := app.parseResponseFile(name, opts.Status, "--status")
		if err != nil {
			return err
		}
		eo.Responses = append(eo.Responses, r)
	}
	return appexplain.Run(eo, appexplain.IO{Out: app.IO.Out})
}

// parseResponseFile reads and parses one raw response file; status
// completes a response pasted without its status line (statusFlag names
// the flag giving it).
func (a *App) parseResponseFile(name string, status int, statusFlag string) (*evidence.Response, error) {
	b, display, err := a.readInput(name)
	if err != nil {
		return nil, Usagef("%v", err)
	}
	r, err := parseResponseText(b, display, status, statusFlag)
	if err != nil {
		var pe *evidence.ParseError
		if errors.As(err, &pe) {
			return nil, WithHint(Usagef("%v", err), "the file must hold a raw HTTP response: a status line (HTTP/1.1 200 OK) and header lines, as printed by curl -i")
		}
		return nil, err
	}
	return r, nil
}

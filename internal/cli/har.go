package cli

import (
	"github.com/spf13/cobra"

	apphar "github.com/corsdoctor/corsdoctor/internal/app/har"
)

// HAROptions are har's parsed flags.
type HAROptions struct {
	App *App
	apphar.Options
	// HTML and Engine are the flags that fill Options.HTML and
	// Options.Engine.
	HTML   HTMLFlag
	Engine EngineFlag
}

// NewCmdHAR builds `corsdoctor har`.
func NewCmdHAR(app *App, runF func(*HAROptions) error) *cobra.Command {
	opts := &HAROptions{App: app}
	cmd := &cobra.Command{
		Use:   "har FILE.har [flags]",
		Short: "Diagnose the cross-origin requests recorded in a HAR file (Chrome, Edge, Firefox)",
		Long: `har reads a HAR exported from the browser's DevTools (Network tab, "Save all as HAR",
or "Export HAR"), streaming it entry by entry, so files of any size are fine. It pairs
each preflight with its actual request, rebuilds every cross-origin exchange, evaluates
it exactly as the browser that recorded it does (Chrome and Edge as Chromium, Firefox
as Firefox, Safari as WebKit; --browser-engine overrides, all compares the three), says
when another browser would decide differently, and reports the blocked ones with cause
and fix; exchanges
that pass today but break with credentials or for another origin get warnings; responses
served by a service worker are flagged. When the browser kept no response for a failed
request (status 0), har says what can and cannot be concluded.

--redact writes a copy of the HAR safe to share instead (cookies, Authorization and
other tokens, query-string values and bodies removed): corsdoctor har --redact IN > OUT

Exit codes: 0 nothing blocked, 1 at least one exchange blocked, 2 unreadable input.`,
		Example: `  corsdoctor har app.example.com.har
  corsdoctor har session.har --json | jq '.results[] | select(.allowed | not)'
  corsdoctor har --redact session.har > session-redacted.har`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			if runF != nil {
				return runF(opts)
			}
			return runHAR(opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&opts.JSON, "json", false, "print the shared JSON report (docs/json.md)")
	opts.HTML.Register(fs)
	fs.BoolVar(&opts.ShowSecrets, "show-secrets", false, "show Authorization, Cookie and other secret values (redacted by default)")
	fs.BoolVar(&opts.Redact, "redact", false, "write a redacted copy of the HAR to standard output, and exit")
	fs.BoolVar(&opts.All, "all", false, "print every exchange in full, not only the failing ones and those with findings")
	fs.StringVar(&opts.Platform, "platform", "", "server platform for the fixes ("+platformNames()+"); detected from the response headers by default")
	opts.Engine.Register(fs)
	return cmd
}

func runHAR(opts *HAROptions) error {
	app := opts.App
	o := opts.Options
	o.HTML, o.Engine = opts.HTML.Path, opts.Engine.Value
	return apphar.Run(o, apphar.IO{In: app.IO.In, Out: app.IO.Out, ErrOut: app.IO.ErrOut})
}

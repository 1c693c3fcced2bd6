package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	appscan "github.com/corsdoctor/corsdoctor/internal/app/scan"
)

// ScanOptions are scan's parsed flags.
type ScanOptions struct {
	App *App
	appscan.Options

	// ctx, when set, replaces the command's context (tests interrupt
	// a scan through it).
	ctx context.Context
}

// NewCmdScan builds `corsdoctor scan`.
func NewCmdScan(app *App, runF func(*ScanOptions) error) *cobra.Command {
	opts := &ScanOptions{App: app}
	cmd := &cobra.Command{
		Use:   "scan [TARGET...] [-i FILE|-] [--openapi SPEC] [flags]",
		Short: "Audit live endpoints for CORS security misconfigurations, proving each finding",
		Long: `scan sends each target the requests a browser would send from attacker-controlled
pages (an arbitrary origin, null, look-alikes of the origins the server trusts,
third-party hosting domains) and reports every origin the browser would let read the
response, with the exact request sent, the response lines that show it, and the CORS
engine's verdict. The target's own origin and --trusted-origin values are learned
first, so correct allowlists are not reported.

The attacker chooses the page: for an http target that is not loopback the probes
come from plain-http pages (an https page could not read it: mixed content). The
probes adapt to the answers (reflection needs no look-alike, a server without CORS
only its preflight); --thorough sends every probe of every class.

A TARGET is a URL, or "METHOD URL". GET and HEAD targets are requested with GET/HEAD;
any other method is only preflighted (OPTIONS), never sent. Redirects are never
followed, and only the targets given are contacted.

Targets are streamed: -i reads one per line ('#' comments allowed; invalid lines are
reported with their line number and skipped). Results are printed as they complete;
--json prints one JSON object per target per line (JSON Lines), which --resume reads
back to skip finished targets after an interruption.

Exit codes: 0 no findings, 1 findings, 2 usage or input error, or targets that could
not be scanned (and no findings). See docs/scan.md.`,
		Example: `  corsdoctor scan https://api.example.com/me --trusted-origin https://app.example.com
  corsdoctor scan -i urls.txt -c 50 --per-host-rate 20/s --json -o results.jsonl
  corsdoctor scan -i urls.txt --json -o results.jsonl --resume results.jsonl
  corsdoctor scan --openapi openapi.yaml -H 'Cookie: session=...' --html scan.html`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Targets = args
			if opts.ctx == nil {
				opts.ctx = cmd.Context()
			}
			if runF != nil {
				return runF(opts)
			}
			return runScan(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&opts.Input, "input", "i", "", "file with one target per line ('-' for standard input)")
	fs.StringVar(&opts.OpenAPI, "openapi", "", "OpenAPI 3 or Swagger 2 document (JSON or YAML): scan every server x path x method")
	fs.IntVarP(&opts.Concurrency, "concurrency", "c", 20, "targets scanned at once")
	fs.StringVar(&opts.Rate, "rate", "", "at most R requests per second overall, e.g. 200/s (default unlimited)")
	fs.StringVar(&opts.PerHostRate, "per-host-rate", "", "at most R requests per second to each host, e.g. 10/s (default unlimited)")
	fs.DurationVar(&opts.Timeout, "timeout", 10*time.Second, "time limit for each request, connection to response headers")
	fs.IntVar(&opts.Retries, "retries", 2, "retries of a request after a connection reset or refusal (timeouts are not retried)")
	fs.StringArrayVarP(&opts.Headers, "header", "H", nil, "header sent with every request, 'Name: value' (repeatable), e.g. a session cookie")
	fs.StringArrayVar(&opts.Trusted, "trusted-origin", nil, "a legitimate front-end origin of the targets (repeatable); its look-alikes are tried")
	fs.BoolVar(&opts.JSON, "json", false, "print JSON Lines: one object per target, as results arrive")
	fs.StringVar(&opts.HTML, "html", "", "also write an HTML report of the findings to FILE")
	fs.StringVar(&opts.SARIF, "sarif", "", "also write the findings as SARIF 2.1.0 to FILE (GitHub code scanning)")
	fs.StringVarP(&opts.Output, "output", "o", "", "write the report to FILE instead of standard output (appended to when it is the --resume file)")
	fs.StringVar(&opts.Resume, "resume", "", "skip targets that already have a record in FILE (the --json output of an interrupted scan)")
	fs.BoolVar(&opts.ShowSecrets, "show-secrets", false, "print Authorization, Cookie, API keys and tokens instead of redacting them")
	fs.BoolVar(&opts.NoProgress, "no-progress", false, "no progress line on standard error (shown only when it is a terminal)")
	fs.BoolVar(&opts.Insecure, "insecure", false, "do not verify TLS certificates (targets with self-signed certificates)")
	fs.StringVar(&opts.CACert, "cacert", "", "PEM file of the certificate authorities to trust for https targets instead of the system's")
	fs.StringArrayVar(&opts.Resolve, "resolve", nil, "connect to ADDR for HOST:PORT instead of resolving HOST, 'HOST:PORT:ADDR' (repeatable), as curl --resolve")
	fs.BoolVar(&opts.Thorough, "thorough", false, "send every probe of every class (24-63 requests per target) instead of adapting to the answers")
	fs.StringSliceVar(&opts.Rules, "rules", []string{"all"}, "rules to run: all, IDs, or -ID to leave one out (all,-CD3014)")
	return cmd
}

func runScan(opts *ScanOptions) error {
	app := opts.App
	_, err := appscan.Run(opts.ctx, opts.Options, appscan.IO{In: app.IO.In, Out: app.IO.Out, ErrOut: app.IO.ErrOut, ErrTTY: app.IO.ErrTTY, Now: app.Now})
	return err
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/collect/browser"
	"github.com/corsdoctor/corsdoctor/internal/webui"
)

// ServeOptions are serve's parsed flags.
type ServeOptions struct {
	App       *App
	Addr      string
	NoBrowser bool
	Insecure  bool
	Timeout   time.Duration

	// Context stops the server when cancelled; nil means until SIGINT or
	// SIGTERM (tests cancel it).
	Context context.Context
	// Ready is called with the listening address once the server accepts
	// connections (tests).
	Ready func(addr string)
	// Check and Browser replace the live runners (tests).
	Check   func(ctx context.Context, req webui.CheckRequest) (*webui.Outcome, error)
	Browser func(ctx context.Context, req webui.CheckRequest) (*webui.Outcome, error)
}

// NewCmdServe builds `corsdoctor serve`.
func NewCmdServe(app *App, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{App: app}
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:7070]",
		Short: "Run the local web UI: check requests and see the preflight, the failing header and the fix",
		Long: `serve starts a local web UI. Its form takes a URL, one or more page origins, the
method, request headers, credentials and the response headers JavaScript must read; it
runs the same live check as 'corsdoctor check' (and, when Chromium is installed, the
request in headless Chromium) and shows each result as the HTML report does: a sequence
diagram page -> browser -> server with every CORS check green or red, the console
message, the response headers with the offending value highlighted, the ranked
diagnosis with the fix and a copy button, and curl commands. Runs are kept in a history
for the server's lifetime; each can be downloaded as a self-contained HTML report.

The UI binds to the loopback interface by default. It refuses requests whose Host
header is not localhost or an IP address on its port (DNS rebinding), requires a CSRF
token on every form, and serves no file but its own embedded assets. Binding to
another address (--addr 0.0.0.0:7070) lets anyone who can reach it make this machine
send requests: corsdoctor warns loudly on standard error when you do.`,
		Example: `  corsdoctor serve
  corsdoctor serve --addr 127.0.0.1:8088 --no-browser`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runServe(opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Addr, "addr", "127.0.0.1:7070", "address to listen on (host:port); keep a loopback address")
	fs.BoolVar(&opts.NoBrowser, "no-browser", false, "do not offer the headless Chromium check")
	fs.BoolVar(&opts.Insecure, "insecure", false, "skip TLS certificate verification of the checked URLs (weakens safety)")
	fs.DurationVar(&opts.Timeout, "timeout", 10*time.Second, "timeout of each request a check sends")
	return cmd
}

func runServe(opts *ServeOptions) error {
	app := opts.App
	if _, _, err := net.SplitHostPort(opts.Addr); err != nil {
		return WithHint(Usagef("--addr: %q is not host:port: %v", opts.Addr, err), "use --addr 127.0.0.1:7070")
	}
	if opts.Timeout <= 0 {
		return Usagef("--timeout: must be positive, got %s", opts.Timeout)
	}
	cfg := webui.Config{Check: opts.Check, Browser: opts.Browser, Timeout: 3*opts.Timeout + 30*time.Second, Now: app.Now}
	if cfg.Check == nil {
		cfg.Check = webui.LiveCheck(opts.Timeout, opts.Insecure, app.Now)
	}
	if cfg.Browser == nil {
		switch path, err := browser.FindChromium(); {
		case opts.NoBrowser:
			cfg.BrowserNote = "disabled with --no-browser"
		case err != nil:
			cfg.BrowserNote = "Chromium not found; " + browser.InstallCommand(runtime.GOOS)
		default:
			cfg.Browser = webui.LiveBrowser(opts.Timeout, path)
		}
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return Usagef("--addr: %v", err)
	}
	addr := ln.Addr().String()
	if webui.IsLoopback(addr) {
		// lint reads local files, aws uses this machine's AWS
		// credentials and scan sends requests from this machine to the
		// URLs given: offered only to the local user.
		cfg.Tools = append(cfg.Tools, webui.LintTool(), webui.AWSTool(app.Now), webui.ScanTool(opts.Timeout, opts.Insecure))
	}
	srv, err := webui.New(cfg, addr)
	if err != nil {
		ln.Close()
		return err
	}
	if !webui.IsLoopback(addr) {
		fmt.Fprintf(app.IO.ErrOut, "corsdoctor: WARNING: serving on %s, which is NOT a loopback address.\n", addr)
		fmt.Fprintf(app.IO.ErrOut, "corsdoctor: WARNING: anyone who can reach this port can make this machine send HTTP requests to any URL (including internal ones) and read the results.\n")
		fmt.Fprintf(app.IO.ErrOut, "corsdoctor: WARNING: stop it unless that is what you want; the default --addr 127.0.0.1:7070 is safe.\n")
	}
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	fmt.Fprintf(app.IO.Out, "corsdoctor serve: open http://%s/ (Ctrl-C to stop)\n", net.JoinHostPort(host, port))
	ctx := opts.Context
	if ctx == nil {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	if opts.Ready != nil {
		opts.Ready(addr)
	}
	if err := srv.Serve(ctx, ln); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

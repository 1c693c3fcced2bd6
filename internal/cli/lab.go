package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/lab"
)

// LabOptions are lab's parsed flags.
type LabOptions struct {
	App  *App
	Addr string
	// Ready, when set, is called with the lab's URL once it listens (tests).
	Ready func(url string)
}

// NewCmdLab builds `corsdoctor lab`.
func NewCmdLab(app *App, runF func(*LabOptions) error) *cobra.Command {
	opts := &LabOptions{App: app}
	cmd := &cobra.Command{
		Use:   "lab [--addr 127.0.0.1:0]",
		Short: "Serve the embedded lab: an API with one endpoint per CORS failure pattern",
		Long: `lab serves corsdoctor's embedded failing API until interrupted: one endpoint per
CORS failure pattern seen in the field (API Gateway missing OPTIONS and authorizers,
gateway errors without headers, Lambda proxy integrations, trailing slashes, comma
lists, duplicated headers, wildcard with credentials, caches without Vary, redirects,
...) and correctly configured endpoints for contrast. Open the printed URL in a
browser for the index; point corsdoctor check, or a real page, at any endpoint.

The default address is 127.0.0.1 with a free port; the lab never listens on other
interfaces unless --addr says so.`,
		Example: `  corsdoctor lab
  corsdoctor lab --addr 127.0.0.1:8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runLab(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	return cmd
}

func runLab(ctx context.Context, opts *LabOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return WithHint(Usagef("--addr: %v", err), "use --addr 127.0.0.1:0 to pick a free port")
	}
	url := "http://" + ln.Addr().String()
	out := opts.App.IO.Out
	fmt.Fprintf(out, "corsdoctor lab listening on %s (index: %s/)\n", url, url)
	fmt.Fprintf(out, "try: corsdoctor check %s/aws/rest/proxy-no-headers --origin http://localhost:5173 -X PUT -H 'Content-Type: application/json'\n", url)
	fmt.Fprintf(out, "press Ctrl-C to stop\n")
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if opts.Ready != nil {
		opts.Ready(url)
	}
	return lab.Serve(ctx, ln)
}

// Package cli wires corsdoctor's commands (cobra). Each command has an
// options struct, a NewCmdX(app, runF) constructor (runF lets tests
// intercept parsed flags) and a runX function doing the work against the
// App's IO. Exit codes are mapped in one place, ExitCode.
package cli

import (
	"errors"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/corsdoctor/corsdoctor/internal/app"
	"github.com/corsdoctor/corsdoctor/internal/termsafe"
	"github.com/corsdoctor/corsdoctor/report"
)

// Exit codes, the contract scripts rely on (docs/exit-codes.md).
const (
	ExitOK       = 0 // allowed / no findings
	ExitFindings = 1 // blocked, or findings at or above the threshold
	ExitUsage    = 2 // usage, input or network error: we could not look
)

// IO is a command's input and outputs. Out carries only the report.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// IsTTY is true when Out is a terminal.
	IsTTY bool
	// ErrTTY is true when ErrOut is a terminal (progress bars).
	ErrTTY bool
}

// App holds what commands share: IO, the clock, the environment, and
// lazily built clients added by the commands that need them.
type App struct {
	IO     *IO
	Now    func() time.Time
	Getenv func(string) string
}

// NewApp returns an App on the given IO with the real clock and environment.
func NewApp(io *IO) *App {
	return &App{IO: io, Now: time.Now, Getenv: os.Getenv}
}

// UsageError is a usage or input error (exit 2), with an optional hint
// giving the corrected command. It is the use cases' (internal/app).
type UsageError = app.UsageError

// Usagef builds a UsageError.
func Usagef(format string, a ...any) error { return app.Usagef(format, a...) }

// WithHint attaches a hint to a usage error.
func WithHint(err error, hint string) error { return app.WithHint(err, hint) }

// ErrFindings reports that the command ran and found blocked requests or
// findings: exit 1, and nothing more is printed.
var ErrFindings = app.ErrFindings

// ExitCode maps a command's error to the process exit code.
func ExitCode(err error) int {
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, ErrFindings):
		return ExitFindings
	}
	return ExitUsage
}

// PrintError writes the one-voice error lines to w.
func PrintError(w io.Writer, err error) {
	if err == nil || errors.Is(err, ErrFindings) {
		return
	}
	// Messages quote what servers, files and users gave: each line is
	// escaped for the terminal.
	for _, line := range strings.Split(err.Error(), "\n") {
		termsafe.Fprintf(w, "corsdoctor: error: %s\n", line)
	}
	var ue *UsageError
	if errors.As(err, &ue) && ue.Hint != "" {
		for _, line := range strings.Split(ue.Hint, "\n") {
			termsafe.Fprintf(w, "corsdoctor: hint: %s\n", line)
		}
	}
}

// NewRoot builds the command tree.
func NewRoot(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "corsdoctor",
		Short: "Diagnose CORS failures the way a browser sees them, and fix them",
		Long: `corsdoctor answers the question a browser answers: will the page get this
response, and if not, exactly why and how do I fix it? It evaluates requests with a
Chromium-faithful CORS engine, probes live APIs, reads API Gateway, infrastructure
code, HAR files and access logs, and audits CORS security.

Exit codes: 0 allowed/clean, 1 blocked or findings, 2 usage, input or network error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       report.Version,
	}
	root.SetIn(app.IO.In)
	root.SetOut(app.IO.Out)
	root.SetErr(app.IO.ErrOut)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return WithHint(err, "run '"+c.CommandPath()+" --help' for usage")
	})
	root.CompletionOptions.HiddenDefaultCmd = true
	root.AddCommand(commands(app)...)
	usageArgs(root)
	return root
}

// usageHint ends every usage error cobra finds (an unknown command, a
// wrong number of arguments) that the command did not hint itself.
const usageHint = "run 'corsdoctor --help' for usage"

// usageArgs makes the argument checks of c and its subcommands return a
// UsageError: a wrong argument count is a usage error by where it comes
// from, not by its wording. (Flag errors go through the root's
// FlagErrorFunc; no command has required flags.)
func usageArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			err := check(cmd, args)
			var ue *UsageError
			if err == nil || errors.As(err, &ue) {
				return err
			}
			return WithHint(err, usageHint)
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}

// commands is the one list of top-level commands, in the order of help.
// A new command is added here (docs/project-layout.md, "… a command").
func commands(app *App) []*cobra.Command {
	return []*cobra.Command{
		NewCmdAWS(app, nil),
		NewCmdBrowser(app, nil),
		NewCmdCheck(app, nil),
		NewCmdDemo(app, nil),
		NewCmdExplain(app, nil),
		NewCmdFix(app, nil),
		NewCmdHAR(app, nil),
		NewCmdLab(app, nil),
		NewCmdLint(app, nil),
		NewCmdLogs(app, nil),
		NewCmdRules(app, nil),
		NewCmdScan(app, nil),
		NewCmdServe(app, nil),
	}
}

// Run executes corsdoctor with args on io and returns the exit code.
func Run(args []string, io *IO) int {
	app := NewApp(io)
	root := NewRoot(app)
	root.SetArgs(args)
	err := root.Execute()
	var ue *UsageError
	if err != nil && !errors.As(err, &ue) {
		// An unknown top-level command fails the command lookup itself,
		// before any Args check: the lookup says so again.
		if _, _, lookup := root.Find(args); lookup != nil {
			err = WithHint(err, usageHint)
		}
	}
	PrintError(io.ErrOut, err)
	return ExitCode(err)
}

// Main runs corsdoctor on the process's standard streams.
func Main() int {
	io := &IO{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, IsTTY: isTerminal(os.Stdout), ErrTTY: isTerminal(os.Stderr)}
	return Run(os.Args[1:], io)
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Package isolate runs corsdoctor as a child process of the same
// executable under limits of time, memory and output, so that a hostile
// input (a stack overflow no recover() catches, a memory hog, a hang)
// ends the child and never the caller: serve's web UI runs lint this way.
package isolate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// exitUsage is corsdoctor's usage-error exit code (docs/exit-codes.md).
const exitUsage = 2

// Env marks a corsdoctor child process (serve's isolated tool runs).
// In the tests, TestMain sees it and runs the CLI instead of the tests.
const Env = "CORSDOCTOR_CHILD"

// Limits bound one child process.
type Limits struct {
	// Timeout kills the child after this long.
	Timeout time.Duration
	// MaxRSS kills the child when its resident memory exceeds it (Linux:
	// read from /proc; elsewhere only Timeout applies).
	MaxRSS int64
	// MaxOutput bounds what is kept of its standard output.
	MaxOutput int64
}

// ServeTool are the bounds of one tool run of serve (lint): one
// input can use at most this much, and never take the server down.
var ServeTool = Limits{Timeout: 2 * time.Minute, MaxRSS: 1 << 30, MaxOutput: 64 << 20}

// Error is a child process that did not end normally.
type Error struct {
	Tool   string
	Reason string
}

func (e *Error) Error() string { return e.Tool + " " + e.Reason }

// Run runs "corsdoctor args..." as a child process of this same
// executable, so that whatever the input does to it (a stack overflow,
// which no recover() catches, memory, time) ends the child, not the
// caller. It returns the child's standard output and exit code when the
// child exited on its own, and a *Error when it crashed or was
// killed.
func Run(ctx context.Context, lim Limits, args ...string) (stdout []byte, code int, err error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, 0, fmt.Errorf("cannot find the corsdoctor executable: %w", err)
	}
	if lim.Timeout <= 0 {
		lim.Timeout = ServeTool.Timeout
	}
	if lim.MaxOutput <= 0 {
		lim.MaxOutput = ServeTool.MaxOutput
	}
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), Env+"=1")
	out := limitedBuffer{buf: &bytes.Buffer{}, max: lim.MaxOutput}
	var errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &limitedBuffer{max: 64 << 10, buf: &errOut}
	if err := cmd.Start(); err != nil {
		return nil, 0, fmt.Errorf("starting %s: %w", exe, err)
	}
	overMemory := make(chan int64, 1)
	stopWatch := make(chan struct{})
	if lim.MaxRSS > 0 {
		go watchRSS(cmd.Process.Pid, lim.MaxRSS, cmd.Process, overMemory, stopWatch)
	}
	werr := cmd.Wait()
	close(stopWatch)
	tool := "the run"
	if len(args) > 0 {
		tool = args[0]
	}
	select {
	case rss := <-overMemory:
		return nil, 0, &Error{tool, fmt.Sprintf("stopped: it used %d MiB of memory, more than the %d MiB allowed for one run", rss>>20, lim.MaxRSS>>20)}
	default:
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, 0, &Error{tool, fmt.Sprintf("stopped: it ran longer than the %s allowed for one run", lim.Timeout)}
		}
		return nil, 0, ctx.Err()
	}
	var ee *exec.ExitError
	if werr != nil && !errors.As(werr, &ee) {
		return nil, 0, werr
	}
	if ee != nil && !ee.Exited() {
		return nil, 0, &Error{tool, "crashed (" + ee.String() + "): " + lastLine(errOut.String())}
	}
	code = cmd.ProcessState.ExitCode()
	if out.cut {
		return nil, code, &Error{tool, fmt.Sprintf("stopped: its report exceeds %d MiB", lim.MaxOutput>>20)}
	}
	if code > exitUsage || code == exitUsage && out.buf.Len() == 0 {
		// A Go runtime crash (stack overflow, out of memory) exits 2
		// with no report.
		return nil, code, &Error{tool, "failed: " + lastLine(errOut.String())}
	}
	return out.buf.Bytes(), code, nil
}

// watchRSS kills p when its resident set exceeds max.
func watchRSS(pid int, max int64, p *os.Process, over chan<- int64, stop <-chan struct{}) {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		rss, ok := rssOf(pid)
		if ok && rss > max {
			over <- rss
			p.Kill()
			return
		}
	}
}

// rssOf reads VmRSS of a process from /proc (Linux).
func rssOf(pid int) (int64, bool) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

// lastLine is the last non-empty line of s that is not a goroutine
// trace: the message of a Go crash.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "runtime: ") || strings.HasPrefix(l, "fatal error: ") {
			return l
		}
	}
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); l != "" {
			return strings.TrimPrefix(l, "corsdoctor: error: ")
		}
	}
	return "no message"
}

// limitedBuffer keeps the first max bytes written and discards the rest.
type limitedBuffer struct {
	buf *bytes.Buffer
	max int64
	cut bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - int64(b.buf.Len()); int64(len(p)) > room {
		b.cut = true
		if room > 0 {
			b.buf.Write(p[:room])
		}
		return len(p), nil
	}
	return b.buf.Write(p)
}

var _ io.Writer = (*limitedBuffer)(nil)

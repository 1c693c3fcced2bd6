package scan

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/corsdoctor/corsdoctor/report"
)

// The resume format is scan's --json output (JSON Lines, one
// report.ScanRecord per target): a rerun with --resume FILE skips the
// targets FILE has a complete record of, and appends to it when it is
// also the -o file.

// openOutput opens -o FILE; when it is also the --resume file, it is
// appended to, after ending a line cut short by the interruption.
func openOutput(name, resume string) (*os.File, error) {
	if resume == "" || !sameFile(name, resume) {
		return os.Create(name)
	}
	f, err := os.OpenFile(name, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			if _, err := f.Write([]byte{'\n'}); err != nil {
				f.Close()
				return nil, err
			}
		}
	}
	return f, nil
}

func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// resumeCounts are the outcomes recorded in a --resume file.
type resumeCounts struct{ vulnerable, failed int }

// readResume collects the targets recorded in a previous --json output,
// and counts their outcomes. Lines that are not complete records (an
// interrupted write) are ignored, so their targets are scanned again. A
// missing file is an empty one.
func readResume(name string) (map[string]bool, resumeCounts, error) {
	done := map[string]bool{}
	var counts resumeCounts
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return done, counts, nil
	}
	if err != nil {
		return nil, counts, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var r struct {
			Target string `json:"target"`
			Method string `json:"method"`
			Status string `json:"status"`
		}
		if json.Unmarshal(sc.Bytes(), &r) != nil || r.Target == "" || r.Status == "" {
			continue
		}
		key := r.Method + " " + r.Target
		if !done[key] {
			switch r.Status {
			case report.ScanVulnerable:
				counts.vulnerable++
			case report.ScanError:
				counts.failed++
			}
		}
		done[key] = true
	}
	if err := sc.Err(); err != nil {
		return nil, counts, fmt.Errorf("%s: %w", name, err)
	}
	return done, counts, nil
}

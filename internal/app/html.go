package app

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteHTML renders an --html report into a temporary file beside path
// and renames it, so a failed run never leaves half a report.
func WriteHTML(path string, render func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".corsdoctor-*.html")
	if err != nil {
		return Usagef("--html: %v", err)
	}
	defer os.Remove(tmp.Name())
	if err := render(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("--html %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("--html %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--html %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return Usagef("--html: %v", err)
	}
	return nil
}

package app

import (
	"fmt"
	"io"
	"os"
)

// MaxInputFile bounds an input file read whole (ReadInput).
const MaxInputFile = 8 << 20

// ReadInput reads a named input file, "-" meaning stdin, up to
// MaxInputFile bytes. It returns the display name for error locations.
func ReadInput(stdin io.Reader, name string) ([]byte, string, error) {
	display := name
	var r io.Reader
	if name == "-" {
		display, r = "<stdin>", stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, display, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxInputFile+1))
	if err != nil {
		return nil, display, fmt.Errorf("%s: %w", display, err)
	}
	if len(b) > MaxInputFile {
		return nil, display, fmt.Errorf("%s: larger than %d MiB", display, MaxInputFile>>20)
	}
	return b, display, nil
}

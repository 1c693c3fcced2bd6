package accesslog

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// Options control a scan.
type Options struct {
	// Format is Auto (detected per input) or a fixed format.
	Format Format
	// Since and Until keep records with Since <= time < Until (zero:
	// unbounded). Records without a time are kept.
	Since, Until time.Time
	// Deploys are deployment times to compare error rates around.
	Deploys []time.Time
	// Window is the span before and after each deployment (default 30m).
	Window time.Duration
	// Workers bounds parallel inputs (default GOMAXPROCS).
	Workers int
	// Read, when set, is increased by the bytes read from the inputs
	// (compressed bytes for .gz), as they are read: a progress line
	// compares it with the inputs' Size.
	Read *atomic.Int64
}

func (o *Options) window() time.Duration {
	if o.Window <= 0 {
		return 30 * time.Minute
	}
	return o.Window
}

// Input is one log source: a file, a .gz file, or standard input.
type Input struct {
	// Name is shown in locations (file:line).
	Name string
	// Open returns the raw bytes; compressed input is detected by its
	// magic number and decompressed by Scan.
	Open func() (io.ReadCloser, error)
	// Size is the input's size in bytes when known (a file), 0
	// otherwise; only progress reports read it.
	Size int64
}

// Scan reads every input in one streaming pass each, inputs in parallel,
// and returns the aggregate. Malformed lines are counted, never fatal;
// a truncated gzip stream is recorded in LogStats.Truncated and what
// was read before is kept. The error is non-nil only when an input
// cannot be opened or read at all.
func Scan(inputs []Input, opt Options) (*evidence.LogStats, error) {
	if opt.Format == "" {
		opt.Format = Auto
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(len(inputs), 1))
	aggs := make([]*aggregator, len(inputs))
	errs := make([]error, len(inputs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, workers)
	for i, in := range inputs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			a := newAggregator(&opt)
			errs[i] = a.scanInput(in, opt.Format, opt.Read)
			aggs[i] = a
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	total := newAggregator(&opt)
	for _, a := range aggs {
		total.merge(a)
	}
	st := total.stats()
	if len(opt.Deploys) > 0 {
		st.Window = opt.window()
	}
	return st, nil
}

// countingReader counts bytes read, to locate where compressed input
// ends, and adds them to the shared progress counter when there is one.
type countingReader struct {
	r        io.Reader
	n        int64
	progress *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.progress != nil && n > 0 {
		c.progress.Add(int64(n))
	}
	return n, err
}

const bufSize = 1 << 20

func (a *aggregator) scanInput(in Input, format Format, progress *atomic.Int64) error {
	rc, err := in.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	a.files = append(a.files, in.Name)
	cr := &countingReader{r: rc, progress: progress}
	br := bufio.NewReaderSize(cr, 64<<10)
	var r io.Reader = br
	compressed := false
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
				a.truncated = append(a.truncated, fmt.Sprintf("%s: gzip header truncated at byte %d", in.Name, cr.n))
				return nil
			}
			return fmt.Errorf("%s: %w", in.Name, err)
		}
		defer zr.Close()
		r, compressed = zr, true
	}
	lr := bufio.NewReaderSize(r, bufSize)
	if format == Auto {
		head, _ := lr.Peek(64 << 10)
		format = Detect(head)
	}
	a.formats[format] = true
	p := &parser{format: format}
	var rerr error
	if format == CWLEvents {
		rerr = a.scanEvents(lr, in.Name, p)
	} else {
		rerr = a.scanLines(lr, in.Name, p)
	}
	if rerr != nil {
		if errors.Is(rerr, io.ErrUnexpectedEOF) || (compressed && isGzipCorrupt(rerr)) {
			pos := fmt.Sprintf("byte %d", cr.n)
			if compressed {
				pos = fmt.Sprintf("compressed byte %d", cr.n)
			}
			a.truncated = append(a.truncated, fmt.Sprintf("%s: truncated at %s (after line %d); the lines before were analysed", in.Name, pos, a.lines))
			return nil
		}
		var se *json.SyntaxError
		if errors.As(rerr, &se) {
			a.truncated = append(a.truncated, fmt.Sprintf("%s: invalid JSON at byte %d (%v); the events before were analysed", in.Name, se.Offset, se))
			return nil
		}
		if format == CWLEvents {
			a.truncated = append(a.truncated, fmt.Sprintf("%s: %v; the events before were analysed", in.Name, rerr))
			return nil
		}
		return fmt.Errorf("%s: %w", in.Name, rerr)
	}
	return nil
}

func isGzipCorrupt(err error) bool {
	return errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader)
}

// scanLines is the hot loop: one line at a time from the buffer, no
// copies unless a line spans the buffer.
func (a *aggregator) scanLines(br *bufio.Reader, name string, p *parser) error {
	var rec Record
	lineNo := 0
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			lineNo++
			a.lines++
			a.malformedLine(name, lineNo, fmt.Errorf("line longer than %d bytes", bufSize))
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			continue
		}
		if err != nil && err != io.EOF && len(line) > 0 && line[len(line)-1] != '\n' {
			// The stream broke inside this line (truncated gzip): the
			// partial line is part of the truncation, not a malformed line.
			return err
		}
		if len(line) > 0 {
			lineNo++
			a.lines++
			if line[len(line)-1] == '\n' {
				line = line[:len(line)-1]
			}
			switch perr := p.parse(line, &rec); perr {
			case nil:
				a.add(&rec, name, lineNo)
			case errSkip:
			default:
				a.malformedLine(name, lineNo, perr)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// scanEvents reads `aws logs filter-log-events` (or get-log-events)
// output: {"events":[{"timestamp":..,"message":".."},...],...}, one event
// at a time. Locations are file:event-number.
func (a *aggregator) scanEvents(r io.Reader, name string, p *parser) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return jsonErr(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want a JSON object with an \"events\" array")
	}
	var rec Record
	n := 0
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return jsonErr(err)
		}
		key, _ := kt.(string)
		if key != "events" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return jsonErr(err)
			}
			continue
		}
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return fmt.Errorf("\"events\" is not an array")
		}
		for dec.More() {
			n++
			a.lines++
			var ev struct {
				Timestamp json.Number `json:"timestamp"`
				Message   *string     `json:"message"`
			}
			if err := dec.Decode(&ev); err != nil {
				var se *json.SyntaxError
				if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
					return jsonErr(err)
				}
				a.malformedLine(name, n, fmt.Errorf("event %d: %v", n, err))
				continue
			}
			if ev.Message == nil {
				a.malformedLine(name, n, fmt.Errorf("event %d: no message", n))
				continue
			}
			msg := bytes.TrimSpace([]byte(*ev.Message))
			rec = Record{}
			var perr error
			if len(msg) > 0 && msg[0] == '{' {
				perr = p.fromJSON(msg, &p.inner, &rec)
			} else if len(msg) > 0 {
				perr = p.parseCLF(msg, &rec)
			} else {
				perr = errors.New("empty message")
			}
			if perr != nil {
				a.malformedLine(name, n, fmt.Errorf("event %d: %v", n, perr))
				continue
			}
			if rec.Time == 0 {
				rec.Time, _ = parseAnyTime([]byte(ev.Timestamp.String()))
			}
			a.add(&rec, name, n)
		}
		if _, err := dec.Token(); err != nil {
			return jsonErr(err)
		}
	}
	return nil
}

func jsonErr(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// Detect guesses the format from the first bytes of an input.
func Detect(head []byte) Format {
	b := bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(b) == 0 {
		return APIGwJSON
	}
	first := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		first = b[:i]
	}
	first = bytes.TrimRight(first, "\r")
	switch {
	case bytes.HasPrefix(first, []byte("#Version:")) || bytes.HasPrefix(first, []byte("#Fields:")):
		return CloudFront
	case first[0] == '{':
		var f jsonFields
		if scanJSON(first, &f) == nil {
			return APIGwJSON
		}
		if bytes.Contains(b[:min(len(b), 4096)], []byte(`"events"`)) {
			return CWLEvents
		}
		return APIGwJSON
	}
	if _, ok := parseISO(firstField(first)); ok {
		return APIGwJSON // CloudWatch export: "<time> <message>"
	}
	switch string(firstField(first)) {
	case "http", "https", "h2", "grpcs", "ws", "wss":
		return ALB
	}
	if bytes.Count(first, []byte("\t")) >= 8 {
		return CloudFront
	}
	var p parser
	var rec Record
	if p.parseCLF(first, &rec) == nil && len(rec.Origin) > 0 {
		return Nginx
	}
	return CLF
}

func firstField(b []byte) []byte {
	if i := bytes.IndexAny(b, " \t"); i >= 0 {
		return b[:i]
	}
	return b
}

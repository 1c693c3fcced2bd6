// Package har reads HAR 1.2 files exported by Chrome, Edge and Firefox
// (DevTools, Network tab, "Save all as HAR"), streaming one entry at a
// time so that a file of any size is read in bounded memory, rebuilds
// every cross-origin exchange the page made (the preflight paired with
// its actual request, redirects chained) as evidence for the CORS engine,
// and writes redacted copies safe to share.
//
// What a HAR can and cannot show: Chrome records a CORS-blocked request
// with _error "net::ERR_FAILED" and, in older versions, status 0 and no
// response headers; the preflight is a separate entry (_resourceType
// "preflight") that keeps its response. When the failing response was
// not recorded the verdict is incomplete and corsdoctor says so.
//
// See http://www.softwareishard.com/blog/har-12-spec/ and
// https://w3c.github.io/web-performance/specs/HAR/Overview.html
package har

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Header is one recorded header line.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Entry is the part of a HAR entry corsdoctor reads. Bodies are never
// kept.
type Entry struct {
	// Index is the 1-based position in log.entries.
	Index   int
	Offset  int64 // byte offset of the entry in the file
	Pageref string
	Started time.Time

	ResourceType  string // Chrome's _resourceType
	InitiatorType string // Chrome's _initiator.type ("preflight", "script", ...)
	InitiatorURL  string

	Method      string
	URL         string
	ReqHeaders  []Header
	HasBody     bool
	HasCookies  bool
	Status      int
	StatusText  string
	HTTPVersion string
	RespHeaders []Header
	RedirectURL string

	// Error is Chrome's response._error (or entry _error).
	Error string
	// ServiceWorker names how a service worker was involved, "" if not.
	ServiceWorker string
	// FromCache is Chrome's _fromCache ("memory", "disk").
	FromCache string
	// Body is the start of the response body (at most maxBody bytes),
	// kept only for error statuses and preflights: error bodies name their
	// cause (evidence.Recognise).
	Body []byte
}

// maxBody bounds Entry.Body.
const maxBody = 4 << 10

// Header returns the first value of the request header name
// (case-insensitive).
func (e *Entry) Header(name string) string { return find(e.ReqHeaders, name) }

// RespHeader returns the first value of the response header name.
func (e *Entry) RespHeader(name string) string { return find(e.RespHeaders, name) }

func find(hs []Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// IsPreflight reports whether the entry is a CORS preflight: OPTIONS
// with Access-Control-Request-Method (or Chrome's preflight type).
func (e *Entry) IsPreflight() bool {
	if e.ResourceType == "preflight" || e.InitiatorType == "preflight" {
		return true
	}
	return strings.EqualFold(e.Method, "OPTIONS") && e.Header("Access-Control-Request-Method") != ""
}

// Page is one page of the recording.
type Page struct {
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Started time.Time `json:"startedDateTime"`
}

// File is what Read kept of a HAR file.
type File struct {
	Name    string
	Version string
	Creator string // "Chrome 126.0", "Firefox 133.0"
	Pages   []Page
	// Entries holds the entries that can matter for CORS: requests with
	// an Origin header, fetch/XHR, preflights, failures. Others are only
	// counted, and documents give their page's URL (PageURL).
	Entries []*Entry
	// Total is the number of entries in the file.
	Total int
	// PageURL maps a page id to the URL of its document.
	PageURL map[string]string
	// Truncated is set when the file ends early or turns invalid: the
	// entries before were read and are analysed.
	Truncated *TruncatedError
	// Cuts counts the strings and entries shortened to keep memory
	// bounded (MaxString, MaxEntry); bodies are never needed.
	Cuts Cuts
}

// TruncatedError locates where a HAR stops being readable.
type TruncatedError struct {
	File string
	// Offset is the byte where reading stopped; Entry the entry being
	// read then (1-based), 0 outside entries.
	Offset int64
	Entry  int
	Err    error
}

func (e *TruncatedError) Error() string {
	where := ""
	if e.Entry > 0 {
		where = fmt.Sprintf(" inside entry %d", e.Entry)
	}
	if errors.Is(e.Err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("%s: truncated: the file ends at byte %d%s; the %d complete entries before were analysed", e.File, e.Offset, where, max(e.Entry-1, 0))
	}
	return fmt.Sprintf("%s: byte %d%s: %v; the %d complete entries before were analysed", e.File, e.Offset, where, e.Err, max(e.Entry-1, 0))
}

func (e *TruncatedError) Unwrap() error { return e.Err }

// Limits that keep memory bounded on hostile input.
const (
	maxKeptEntries = 200_000
	maxHeaders     = 500
)

// raw is the decoding shape of an entry; unknown fields (bodies,
// timings, stacks) are skipped by the decoder.
type raw struct {
	Pageref      string          `json:"pageref"`
	Started      string          `json:"startedDateTime"`
	ResourceType string          `json:"_resourceType"`
	Initiator    json.RawMessage `json:"_initiator"`
	Error        *string         `json:"_error"`
	FromCache    string          `json:"_fromCache"`
	Request      struct {
		Method   string   `json:"method"`
		URL      string   `json:"url"`
		Headers  []Header `json:"headers"`
		BodySize int64    `json:"bodySize"`
		PostData *struct {
			MimeType string `json:"mimeType"`
		} `json:"postData"`
		Cookies []json.RawMessage `json:"cookies"`
	} `json:"request"`
	Response struct {
		Status        int      `json:"status"`
		StatusText    string   `json:"statusText"`
		HTTPVersion   string   `json:"httpVersion"`
		Headers       []Header `json:"headers"`
		RedirectURL   string   `json:"redirectURL"`
		Error         *string  `json:"_error"`
		ViaSW         bool     `json:"_fetchedViaServiceWorker"`
		SWSource      string   `json:"_serviceWorkerResponseSource"`
		SWRouterSrc   string   `json:"_serviceWorkerRouterActualSourceType"`
		BlockedReason string   `json:"_blockedReason"`
		Content       struct {
			Text     string `json:"text"`
			Encoding string `json:"encoding"`
		} `json:"content"`
	} `json:"response"`
}

type counting struct {
	r io.Reader
	n int64
}

func (c *counting) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Reader reads a HAR one entry at a time (see Next); the metadata
// (version, creator, pages, document URLs) accumulates in File as it is
// read. Memory stays bounded by the largest single entry.
type Reader struct {
	File File
	dec  *json.Decoder
	cr   *counting
	bd   *bound
	// state: 0 before the log object, 1 inside log, 2 inside entries,
	// 3 done.
	state  int
	sawLog bool
	entry  int
}

// NewReader starts reading a HAR; it fails when r does not start like a
// HAR (a JSON object).
func NewReader(r io.Reader, name string) (*Reader, error) {
	cr := &counting{r: r}
	bd := newBound(cr)
	rd := &Reader{cr: cr, bd: bd, dec: json.NewDecoder(bd), File: File{Name: name, PageURL: map[string]string{}}}
	if err := expectDelim(rd.dec, '{'); err != nil {
		return nil, fmt.Errorf("%s: not a HAR file (want a JSON object): %w", name, err)
	}
	return rd, nil
}

func (rd *Reader) fail(err error, entry int) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	off := rd.dec.InputOffset()
	if errors.Is(err, io.ErrUnexpectedEOF) {
		off = rd.cr.n
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	rd.state = 3
	t := &TruncatedError{File: rd.File.Name, Offset: off, Entry: entry, Err: err}
	if rd.File.Total > 0 || len(rd.File.Pages) > 0 || rd.File.Version != "" {
		rd.File.Truncated = t
	}
	return t
}

// Next returns the next entry, io.EOF after the last one, or an error.
// A *TruncatedError means the file ends early or turns invalid; when some
// of it was read, File.Truncated is set too and the entries returned
// before stay valid.
func (rd *Reader) Next() (*Entry, error) {
	e, err := rd.next()
	rd.File.Cuts = rd.bd.cuts
	return e, err
}

func (rd *Reader) next() (*Entry, error) {
	dec := rd.dec
	for {
		switch rd.state {
		case 3:
			return nil, io.EOF
		case 2:
			if dec.More() {
				rd.File.Total++
				off := dec.InputOffset()
				var re raw
				if err := dec.Decode(&re); err != nil {
					var ute *json.UnmarshalTypeError
					if !errors.As(err, &ute) {
						return nil, rd.fail(err, rd.File.Total)
					}
					// A field of an unexpected type ("status": "200", a
					// tool's own "_error" object): encoding/json skipped
					// that field and decoded the rest; keep the entry.
				}
				e := convert(&re, rd.File.Total, off)
				isDoc := e.ResourceType == "document" ||
					(e.ResourceType == "" && e.Method == "GET" && strings.HasPrefix(e.Header("Accept"), "text/html")) // Firefox
				if isDoc && rd.File.PageURL[e.Pageref] == "" && len(rd.File.PageURL) < maxKeptEntries {
					rd.File.PageURL[e.Pageref] = e.URL
				}
				return e, nil
			}
			if _, err := dec.Token(); err != nil {
				return nil, rd.fail(err, rd.File.Total)
			}
			rd.state = 1
		case 1:
			if !dec.More() {
				if _, err := dec.Token(); err != nil { // end of log
					return nil, rd.fail(err, 0)
				}
				rd.state = 0
				continue
			}
			k, err := dec.Token()
			if err != nil {
				return nil, rd.fail(err, 0)
			}
			if err := rd.logField(k); err != nil {
				return nil, err
			}
		case 0:
			if !dec.More() {
				if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
					return nil, rd.fail(err, 0)
				}
				rd.state = 3
				if !rd.sawLog {
					return nil, fmt.Errorf("%s: not a HAR file: no \"log\" object", rd.File.Name)
				}
				return nil, io.EOF
			}
			key, err := dec.Token()
			if err != nil {
				return nil, rd.fail(err, 0)
			}
			if key != "log" {
				if err := skip(dec); err != nil {
					return nil, rd.fail(err, 0)
				}
				continue
			}
			rd.sawLog = true
			if err := expectDelim(dec, '{'); err != nil {
				rd.state = 3
				return nil, fmt.Errorf("%s: \"log\" is not an object: %w", rd.File.Name, err)
			}
			rd.state = 1
		}
	}
}

// logField reads one member of the log object (entries switch to state 2).
func (rd *Reader) logField(k json.Token) error {
	dec, f := rd.dec, &rd.File
	switch k {
	case "version":
		var v any
		if err := dec.Decode(&v); err != nil {
			return rd.fail(err, 0)
		}
		f.Version = fmt.Sprint(v)
	case "creator", "browser":
		var c struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		}
		if err := dec.Decode(&c); err != nil {
			return rd.fail(err, 0)
		}
		if k == "creator" || f.Creator == "" {
			f.Creator = strings.TrimSpace(c.Name + " " + c.Version)
		}
	case "pages":
		if err := expectDelim(dec, '['); err != nil {
			return rd.fail(err, 0)
		}
		for dec.More() {
			var p Page
			if err := dec.Decode(&p); err != nil {
				return rd.fail(err, 0)
			}
			if len(f.Pages) < maxKeptEntries {
				f.Pages = append(f.Pages, p)
			}
		}
		if _, err := dec.Token(); err != nil {
			return rd.fail(err, 0)
		}
	case "entries":
		if err := expectDelim(dec, '['); err != nil {
			return rd.fail(err, 0)
		}
		rd.state = 2
	default:
		if err := skip(dec); err != nil {
			return rd.fail(err, 0)
		}
	}
	return nil
}

// Read reads a whole HAR from r, keeping the entries that can matter for
// CORS (see Keep; at most 200,000). name is used in locations. An error
// is returned when r is not a HAR at all; a file that ends early or turns
// invalid after some entries returns what was read with File.Truncated
// set. For files of any size, use NewReader and a Pairer instead.
func Read(r io.Reader, name string) (*File, error) {
	rd, err := NewReader(r, name)
	if err != nil {
		return nil, err
	}
	for {
		e, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if rd.File.Truncated != nil {
				break
			}
			return nil, err
		}
		if Keep(e) && len(rd.File.Entries) < maxKeptEntries {
			rd.File.Entries = append(rd.File.Entries, e)
		}
	}
	f := rd.File
	return &f, nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if got, ok := t.(json.Delim); !ok || got != d {
		return fmt.Errorf("want %q, got %v", d, t)
	}
	return nil
}

// skip discards the next value token by token (never the whole value at
// once, so a huge unknown field costs no memory).
func skip(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

func convert(re *raw, index int, off int64) *Entry {
	e := &Entry{
		Index: index, Offset: off, Pageref: re.Pageref, ResourceType: re.ResourceType,
		Method: strings.ToUpper(re.Request.Method), URL: re.Request.URL,
		ReqHeaders: cleanHeaders(re.Request.Headers), Status: re.Response.Status, StatusText: re.Response.StatusText,
		HTTPVersion: re.Response.HTTPVersion, RespHeaders: cleanHeaders(re.Response.Headers),
		RedirectURL: re.Response.RedirectURL, FromCache: re.FromCache,
		HasBody:    re.Request.BodySize > 0 || re.Request.PostData != nil,
		HasCookies: len(re.Request.Cookies) > 0,
	}
	if t := re.Response.Content.Text; t != "" && re.Response.Content.Encoding == "" && (e.Status >= 400 || e.Method == "OPTIONS") {
		e.Body = []byte(t[:min(len(t), maxBody)])
	}
	if t, err := time.Parse(time.RFC3339Nano, re.Started); err == nil {
		e.Started = t
	}
	if len(re.Initiator) > 0 && re.Initiator[0] == '{' {
		var in struct {
			Type string `json:"type"`
			URL  string `json:"url"`
		}
		if json.Unmarshal(re.Initiator, &in) == nil {
			e.InitiatorType, e.InitiatorURL = in.Type, in.URL
		}
	}
	switch {
	case re.Response.Error != nil:
		e.Error = *re.Response.Error
	case re.Error != nil:
		e.Error = *re.Error
	}
	if e.Error == "" && re.Response.BlockedReason != "" {
		e.Error = re.Response.BlockedReason
	}
	switch {
	case re.Response.SWSource != "":
		e.ServiceWorker = "service worker response source " + re.Response.SWSource
	case re.Response.ViaSW:
		e.ServiceWorker = "fetched via service worker"
	case re.Response.SWRouterSrc != "":
		e.ServiceWorker = "service worker router source " + re.Response.SWRouterSrc
	}
	return e
}

// cleanHeaders drops HTTP/2 pseudo-headers and bounds the count.
func cleanHeaders(hs []Header) []Header {
	out := hs[:0]
	for _, h := range hs {
		if strings.HasPrefix(h.Name, ":") || h.Name == "" {
			continue
		}
		if len(out) == maxHeaders {
			break
		}
		out = append(out, h)
	}
	return out
}

// Keep reports whether an entry can matter for CORS; the others are
// only counted.
func Keep(e *Entry) bool {
	switch {
	case e.IsPreflight():
		return true
	case e.ResourceType == "document":
		return false
	case e.ResourceType == "xhr" || e.ResourceType == "fetch" || e.ResourceType == "eventsource":
		return true
	case e.Header("Origin") != "":
		return true
	case e.Status == 0 || e.Error != "":
		return true
	case e.Status >= 300 && e.Status < 400 && e.RedirectURL != "":
		return true
	}
	return false
}

package accesslog

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Format names a log line format.
type Format string

// Formats accepted by --format.
const (
	Auto       Format = "auto"
	APIGwJSON  Format = "apigw-json" // API Gateway JSON access logs, CloudWatch wrappers and exports
	CLF        Format = "clf"        // common log format, incl. API Gateway's CLF template
	ALB        Format = "alb"
	CloudFront Format = "cloudfront"
	Nginx      Format = "nginx" // nginx combined
	// CWLEvents is `aws logs filter-log-events` / `get-log-events` output:
	// one JSON document with an "events" array, detected automatically.
	CWLEvents Format = "cwl-events"
)

// Formats lists the --format values.
var Formats = []Format{Auto, APIGwJSON, CLF, ALB, CloudFront, Nginx, CWLEvents}

// ParseFormat validates a --format value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown log format %q (want one of %s)", s, strings.Join(names, ", "))
}

// Record is one parsed log line. Byte slices alias the parser's buffers
// and are valid until the next line.
type Record struct {
	// Time is Unix milliseconds; 0 when the line has none.
	Time   int64
	Method []byte
	Route  []byte
	Status int
	// Origin is the page origin: an origin field, or the origin of the
	// Referer. Empty when not logged.
	Origin []byte
	// ErrType is API Gateway's $context.error.responseType when logged.
	ErrType []byte
}

// parser parses lines of one format for one input; it keeps per-input
// state (CloudFront's #Fields) and scratch buffers.
type parser struct {
	format Format
	outer  jsonFields
	inner  jsonFields
	route  []byte
	cfInit bool
	// last time string parsed and its value: consecutive lines share it.
	lastTime []byte
	lastMS   int64
	cf       cfCols
}

var (
	errSkip     = errors.New("skip") // comment or blank line: neither record nor malformed
	errNoStatus = errors.New("no status field")
	errNoMethod = errors.New("no HTTP method field")
)

// parse parses one line (without its newline) into rec.
func (p *parser) parse(line []byte, rec *Record) error {
	*rec = Record{}
	for len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if len(line) == 0 || (line[0] <= ' ' || line[0] >= 0x80) && len(bytes.TrimSpace(line)) == 0 {
		return errSkip
	}
	switch p.format {
	case APIGwJSON, CWLEvents:
		return p.parseAPIGw(line, rec)
	case CLF, Nginx:
		return p.parseCLF(line, rec)
	case ALB:
		return p.parseALB(line, rec)
	case CloudFront:
		return p.parseCloudFront(line, rec)
	}
	return fmt.Errorf("unknown format %q", p.format)
}

// parseAPIGw reads an API Gateway JSON access log line, a CloudWatch
// event wrapper {"timestamp":..,"message":".."} (whose message may be
// JSON or the CLF template), or a CloudWatch export line
// "2024-01-02T03:04:05.000Z {...}".
func (p *parser) parseAPIGw(line []byte, rec *Record) error {
	for len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
		line = line[1:]
	}
	if len(line) > 0 && line[0] != '{' {
		// CloudWatch export to S3: "<RFC 3339 time> <message>".
		sp := bytes.IndexByte(line, ' ')
		if sp < 0 {
			return errNotObject
		}
		ms, ok := parseISO(line[:sp])
		if !ok {
			return errNotObject
		}
		msg := bytes.TrimLeft(line[sp+1:], " ")
		var err error
		if len(msg) > 0 && msg[0] == '{' {
			err = p.fromJSON(msg, &p.inner, rec)
		} else {
			err = p.parseCLF(msg, rec)
		}
		if err == nil && rec.Time == 0 {
			rec.Time = ms
		}
		return err
	}
	f := &p.outer
	if err := scanJSON(line, f); err != nil {
		return err
	}
	if f.set[fMessage] && f.str[fMessage] && !f.set[fMethod] && !f.set[fRouteKey] {
		msg := bytes.TrimSpace(f.v[fMessage])
		var err error
		if len(msg) > 0 && msg[0] == '{' {
			err = p.fromJSON(msg, &p.inner, rec)
		} else {
			err = p.parseCLF(msg, rec)
		}
		if err != nil {
			return fmt.Errorf("message: %w", err)
		}
		if rec.Time == 0 && f.set[fTimestamp] {
			rec.Time, _ = parseAnyTime(f.v[fTimestamp])
		}
		return nil
	}
	return p.fields(f, rec)
}

func (p *parser) fromJSON(b []byte, f *jsonFields, rec *Record) error {
	if err := scanJSON(b, f); err != nil {
		return err
	}
	return p.fields(f, rec)
}

// fields turns extracted JSON fields into a record.
func (p *parser) fields(f *jsonFields, rec *Record) error {
	if !f.set[fStatus] {
		return errNoStatus
	}
	st, ok := atoi(f.v[fStatus])
	if !ok {
		return fmt.Errorf("status %q is not a number", f.v[fStatus])
	}
	rec.Status = st
	if f.set[fMethod] {
		rec.Method = f.v[fMethod]
	}
	switch {
	case f.set[fRouteKey]:
		rk := f.v[fRouteKey]
		// HTTP API routeKey: "GET /items/{id}", "ANY /{proxy+}", "$default".
		if sp := bytes.IndexByte(rk, ' '); sp > 0 {
			if len(rec.Method) == 0 {
				rec.Method = rk[:sp]
			}
			rk = rk[sp+1:]
		}
		rec.Route = rk
	case f.set[fResourcePath]:
		rec.Route = f.v[fResourcePath]
	case f.set[fPath]:
		rec.Route = p.normalize(f.v[fPath])
	default:
		rec.Route = dash
	}
	if len(rec.Route) == 0 {
		rec.Route = dash // "GET " or "": a route key without route (found by FuzzParseLine)
	}
	if len(rec.Method) == 0 || string(rec.Method) == "-" {
		return errNoMethod
	}
	switch {
	case f.set[fEpoch]:
		rec.Time, _ = parseAnyTime(f.v[fEpoch])
	case f.set[fTime]:
		rec.Time = p.cachedTime(f.v[fTime])
	case f.set[fTimestamp]:
		rec.Time, _ = parseAnyTime(f.v[fTimestamp])
	}
	if f.set[fOrigin] && f.str[fOrigin] {
		rec.Origin = p.cleanOrigin(f.v[fOrigin])
	}
	if f.set[fErrType] && f.str[fErrType] && string(f.v[fErrType]) != "-" {
		rec.ErrType = f.v[fErrType]
	}
	return nil
}

var dash = []byte("-")

// cachedTime parses a time string, reusing the previous result when the
// string repeats (log lines come in time order, many per second).
func (p *parser) cachedTime(b []byte) int64 {
	if len(p.lastTime) > 0 && string(b) == string(p.lastTime) {
		return p.lastMS
	}
	ms, _ := parseAnyTime(b)
	p.lastTime = append(p.lastTime[:0], b...)
	p.lastMS = ms
	return ms
}

// cleanOrigin keeps scheme://host[:port] of an origin or URL; "-" and
// empty values mean not logged.
func (p *parser) cleanOrigin(v []byte) []byte {
	if len(v) == 0 || string(v) == "-" {
		return nil
	}
	if string(v) == "null" {
		return v
	}
	i := bytes.Index(v, []byte("://"))
	if i <= 0 {
		return nil
	}
	for j, c := range v[i+3:] {
		if c == '/' || c == '?' || c == '#' {
			return v[:i+3+j]
		}
	}
	return v
}

// parseCLF reads the common log format and its extensions:
//
//	host ident user [time] "METHOD path proto" status bytes ["referer" "ua"] ...
//
// That covers nginx/Apache common and combined, and API Gateway's CLF
// template ($context.identity.sourceIp $context.identity.caller
// $context.identity.user [$context.requestTime] "$context.httpMethod
// $context.resourcePath $context.protocol" $context.status
// $context.responseLength $context.requestId).
func (p *parser) parseCLF(line []byte, rec *Record) error {
	i := 0
	for k := 0; k < 3; k++ { // host ident user
		j := bytes.IndexByte(line[i:], ' ')
		if j < 0 {
			return errors.New("too few fields for the common log format")
		}
		i += j + 1
		for i < len(line) && line[i] == ' ' {
			i++
		}
	}
	if i >= len(line) || line[i] != '[' {
		return errors.New(`want "[time]" as the fourth field`)
	}
	end := bytes.IndexByte(line[i:], ']')
	if end < 0 {
		return errors.New(`unterminated "[time]"`)
	}
	ms, ok := parseCLFTime(line[i+1 : i+end])
	if !ok {
		return fmt.Errorf("bad time %q", line[i+1:i+end])
	}
	rec.Time = ms
	i += end + 1
	i = skipSpaces(line, i)
	if i >= len(line) || line[i] != '"' {
		return errors.New(`want the quoted request line ("GET /path HTTP/1.1")`)
	}
	q := quoteEnd(line, i+1)
	if q < 0 {
		return errors.New("unterminated request line")
	}
	req := line[i+1 : q]
	i = skipSpaces(line, q+1)
	sp := bytes.IndexByte(req, ' ')
	if sp <= 0 {
		return fmt.Errorf("bad request line %q", req)
	}
	rec.Method = req[:sp]
	path := req[sp+1:]
	if sp2 := bytes.IndexByte(path, ' '); sp2 >= 0 {
		// HTTP API's CLF template logs $context.routeKey, which repeats
		// the method: "GET GET /items/{id} HTTP/1.1", "GET $default HTTP/1.1".
		if rest := path[sp2+1:]; string(path[:sp2]) == string(rec.Method) && len(rest) > 0 && (rest[0] == '/' || rest[0] == '$') {
			path = rest
			if sp3 := bytes.IndexByte(path, ' '); sp3 >= 0 {
				path = path[:sp3]
			}
		} else {
			path = path[:sp2]
		}
	}
	if len(path) > 0 && path[0] == '$' {
		rec.Route = path // "$default"
	} else {
		rec.Route = p.normalize(path)
	}
	// status
	j := i
	for j < len(line) && line[j] != ' ' {
		j++
	}
	st, ok := atoi(line[i:j])
	if !ok {
		return fmt.Errorf("bad status %q", line[i:j])
	}
	rec.Status = st
	i = skipSpaces(line, j)
	// bytes
	for i < len(line) && line[i] != ' ' {
		i++
	}
	i = skipSpaces(line, i)
	if i < len(line) && line[i] == '"' {
		q := quoteEnd(line, i+1)
		if q > 0 {
			rec.Origin = p.cleanOrigin(line[i+1 : q])
		}
	}
	return nil
}

func skipSpaces(b []byte, i int) int {
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}

// quoteEnd finds the closing quote, skipping backslash escapes.
func quoteEnd(b []byte, i int) int {
	for ; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// parseALB reads an Application Load Balancer access log entry:
//
//	type time elb client:port target:port request_processing_time
//	target_processing_time response_processing_time elb_status_code
//	target_status_code received_bytes sent_bytes "request" "user_agent" ...
func (p *parser) parseALB(line []byte, rec *Record) error {
	var fields [13][]byte
	i := 0
	for k := 0; k < 13; k++ {
		i = skipSpaces(line, i)
		if i >= len(line) {
			return fmt.Errorf("want at least 13 fields, got %d", k)
		}
		if line[i] == '"' {
			q := quoteEnd(line, i+1)
			if q < 0 {
				return errors.New("unterminated quoted field")
			}
			fields[k] = line[i+1 : q]
			i = q + 1
			continue
		}
		j := i
		for j < len(line) && line[j] != ' ' {
			j++
		}
		fields[k] = line[i:j]
		i = j
	}
	ms, ok := parseISO(fields[1])
	if !ok {
		return fmt.Errorf("bad time %q", fields[1])
	}
	rec.Time = ms
	st, ok := atoi(fields[8])
	if !ok {
		return fmt.Errorf("bad elb_status_code %q", fields[8])
	}
	rec.Status = st
	req := fields[12]
	sp := bytes.IndexByte(req, ' ')
	if sp <= 0 {
		return fmt.Errorf("bad request %q", req)
	}
	rec.Method = req[:sp]
	u := req[sp+1:]
	if sp2 := bytes.LastIndexByte(u, ' '); sp2 >= 0 {
		u = u[:sp2]
	}
	if k := bytes.Index(u, []byte("://")); k >= 0 {
		rest := u[k+3:]
		if s := bytes.IndexByte(rest, '/'); s >= 0 {
			u = rest[s:]
		} else {
			u = []byte("/")
		}
	}
	rec.Route = p.normalize(u)
	return nil
}

// cfCols are the CloudFront columns we read, by index.
type cfCols struct{ date, time, method, uri, status, referer, errType int }

var cfDefault = cfCols{date: 0, time: 1, method: 5, uri: 7, status: 8, referer: 9, errType: 13}

// parseCloudFront reads a CloudFront standard (legacy) log line; tab
// separated, columns named by the "#Fields:" header.
func (p *parser) parseCloudFront(line []byte, rec *Record) error {
	if line[0] == '#' {
		if rest, ok := bytes.CutPrefix(line, []byte("#Fields:")); ok {
			names := strings.Fields(string(rest))
			c := cfCols{-1, -1, -1, -1, -1, -1, -1}
			for i, n := range names {
				switch n {
				case "date":
					c.date = i
				case "time":
					c.time = i
				case "cs-method":
					c.method = i
				case "cs-uri-stem":
					c.uri = i
				case "sc-status":
					c.status = i
				case "cs(Referer)":
					c.referer = i
				case "x-edge-result-type":
					c.errType = i
				}
			}
			p.cf = c
			p.cfInit = true
		}
		return errSkip
	}
	if !p.cfInit {
		p.cf, p.cfInit = cfDefault, true
	}
	var cols [40][]byte
	n := 0
	for start := 0; n < len(cols); {
		j := bytes.IndexByte(line[start:], '\t')
		if j < 0 {
			cols[n] = line[start:]
			n++
			break
		}
		cols[n] = line[start : start+j]
		n++
		start += j + 1
	}
	get := func(i int) []byte {
		if i < 0 || i >= n {
			return nil
		}
		return cols[i]
	}
	if get(p.cf.status) == nil || get(p.cf.method) == nil {
		return fmt.Errorf("want tab-separated CloudFront fields, got %d", n)
	}
	st, ok := atoi(get(p.cf.status))
	if !ok {
		return fmt.Errorf("bad sc-status %q", get(p.cf.status))
	}
	rec.Status = st
	rec.Method = get(p.cf.method)
	rec.Route = p.normalize(get(p.cf.uri))
	if d, t := get(p.cf.date), get(p.cf.time); d != nil && t != nil {
		ms, ok := parseDateTime(d, t)
		if !ok {
			return fmt.Errorf("bad date/time %q %q", d, t)
		}
		rec.Time = ms
	}
	if r := get(p.cf.referer); r != nil {
		rec.Origin = p.cleanOrigin(r)
	}
	if e := get(p.cf.errType); e != nil && string(e) == "Error" {
		rec.ErrType = e
	}
	return nil
}

// normalize turns a request path into a route: the query is dropped and
// segments that look like identifiers (numbers, UUIDs, long hex or
// mixed tokens) become {id}, so that /items/42 and /items/43 count
// together. API Gateway templates (/items/{id}) are kept.
func (p *parser) normalize(path []byte) []byte {
	if i := bytes.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if len(path) == 0 {
		return []byte("/")
	}
	out := p.route[:0]
	for len(path) > 0 {
		var seg []byte
		if path[0] == '/' {
			out = append(out, '/')
			path = path[1:]
			continue
		}
		j := bytes.IndexByte(path, '/')
		if j < 0 {
			seg, path = path, nil
		} else {
			seg, path = path[:j], path[j:]
		}
		if isID(seg) {
			out = append(out, "{id}"...)
		} else {
			out = append(out, seg...)
		}
	}
	p.route = out
	return out
}

func isID(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	digits, hex, other := 0, 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-':
			hex++
		default:
			other++
		}
	}
	switch {
	case digits == len(s):
		return true
	case other == 0 && len(s) >= 16 && digits > 0:
		return true // UUIDs, hashes
	case len(s) >= 20 && digits > 0 && other > 0:
		return true // opaque tokens
	}
	return false
}

// atoi parses a non-negative decimal without allocating.
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

package accesslog

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// The API Gateway JSON scanner: a hand-written byte scanner that reads
// one JSON object per line and keeps only the fields the aggregation
// needs. encoding/json is an order of magnitude too slow for the
// 300 MB/s target; FuzzJSONFields checks that both agree on every valid
// line.

var (
	errNotObject = errors.New("not a JSON object")
	errSyntax    = errors.New("invalid JSON")
)

// field slots filled by scanJSON; later keys of the same slot win, as
// with encoding/json.
const (
	fMethod = iota
	fRouteKey
	fResourcePath
	fPath
	fStatus
	fEpoch
	fTime
	fOrigin
	fErrType
	fMessage
	fTimestamp
	nFields
)

// jsonFields is what scanJSON extracted from one object. Values are the
// decoded string contents, or the literal text of numbers; they alias
// the line or the scratch buffer and are valid until the next call.
type jsonFields struct {
	v       [nFields][]byte
	set     [nFields]bool
	str     [nFields]bool // value was a JSON string
	scratch []byte
}

func (f *jsonFields) reset() {
	f.set = [nFields]bool{}
	f.scratch = f.scratch[:0]
}

// slotOf maps a key to its slot, or -1. The switch on string(key) does
// not allocate.
func slotOf(key []byte) int {
	switch string(key) {
	case "httpMethod", "method", "http_method", "httpmethod", "requestMethod", "request_method":
		return fMethod
	case "routeKey", "route_key", "route":
		return fRouteKey
	case "resourcePath", "resource_path", "resource":
		return fResourcePath
	case "path", "uri", "request_uri":
		return fPath
	case "status", "statusCode", "status_code", "httpStatus":
		return fStatus
	case "requestTimeEpoch", "request_time_epoch":
		return fEpoch
	case "requestTime", "request_time", "time":
		return fTime
	case "origin", "Origin", "requestOrigin", "http_origin":
		return fOrigin
	case "errorResponseType", "responseType", "error.responseType", "errorType", "error_type":
		return fErrType
	case "message", "@message":
		return fMessage
	case "timestamp", "@timestamp":
		return fTimestamp
	}
	return -1
}

// scanJSON parses one JSON object from b (surrounding whitespace
// allowed) into f. It returns an error when b is not a single valid JSON
// object; for valid input it agrees with encoding/json.
func scanJSON(b []byte, f *jsonFields) error {
	f.reset()
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errNotObject
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		i++
	} else {
		for {
			if i >= len(b) || b[i] != '"' {
				return errSyntax
			}
			key, esc, j, ok := scanString(b, i)
			if !ok {
				return errSyntax
			}
			if esc {
				// Rare: decode into a temporary to match the key.
				var tmp [64]byte
				k, ok := unquote(tmp[:0], key)
				if !ok {
					return errSyntax
				}
				key = k
			}
			slot := slotOf(key)
			i = skipWS(b, j)
			if i >= len(b) || b[i] != ':' {
				return errSyntax
			}
			i = skipWS(b, i+1)
			if i >= len(b) {
				return errSyntax
			}
			if slot >= 0 && (b[i] == '"' || b[i] == '-' || (b[i] >= '0' && b[i] <= '9')) {
				if b[i] == '"' {
					s, esc, j, ok := scanString(b, i)
					if !ok {
						return errSyntax
					}
					if esc {
						start := len(f.scratch)
						out, ok := unquote(f.scratch, s)
						if !ok {
							return errSyntax
						}
						f.scratch = out
						s = out[start:]
					}
					f.v[slot], f.set[slot], f.str[slot] = s, true, true
					i = j
				} else {
					j, ok := scanNumber(b, i)
					if !ok {
						return errSyntax
					}
					f.v[slot], f.set[slot], f.str[slot] = b[i:j], true, false
					i = j
				}
			} else {
				j, ok := skipValue(b, i, 0)
				if !ok {
					return errSyntax
				}
				if slot >= 0 {
					// null, true, false, objects: not a usable value.
					f.set[slot] = false
				}
				i = j
			}
			i = skipWS(b, i)
			if i >= len(b) {
				return errSyntax
			}
			if b[i] == ',' {
				i = skipWS(b, i+1)
				continue
			}
			if b[i] == '}' {
				i++
				break
			}
			return errSyntax
		}
	}
	if skipWS(b, i) != len(b) {
		return errSyntax
	}
	return nil
}

func skipWS(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString scans the string starting at b[i] == '"'. It returns the raw
// contents, whether they contain escapes, and the index after the closing
// quote. Control characters and invalid escapes are errors; invalid UTF-8
// is accepted, as encoding/json accepts it (replacing it with U+FFFD,
// which unquote does too when esc is set; see validUTF8 below).
func scanString(b []byte, i int) (s []byte, esc bool, next int, ok bool) {
	start := i + 1
	ascii := true
	j := start
	for {
		// Eight bytes at a time while none is special: '"', '\\', a
		// control character or a non-ASCII byte; then straight to the
		// first special byte of the word (the mask's lowest set byte is
		// exact).
		for j+8 <= len(b) {
			if m := specialMask(binary.LittleEndian.Uint64(b[j:])); m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				break
			}
			j += 8
		}
		if j >= len(b) {
			return nil, false, 0, false
		}
		c := b[j]
		switch {
		case c == '"':
			s = b[start:j]
			if !esc && !ascii && !utf8.Valid(s) {
				// Force the slow path so invalid bytes become U+FFFD.
				esc = true
			}
			return s, esc, j + 1, true
		case c == '\\':
			esc = true
			j++
			if j >= len(b) {
				return nil, false, 0, false
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(b) {
					return nil, false, 0, false
				}
				for k := 1; k <= 4; k++ {
					if !isHex(b[j+k]) {
						return nil, false, 0, false
					}
				}
				j += 4
			default:
				return nil, false, 0, false
			}
		case c < 0x20:
			return nil, false, 0, false
		case c >= 0x80:
			ascii = false
		}
		j++
	}
}

const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special reports whether any byte of the little-endian word x is '"',
// '\\', below 0x20 or above 0x7f (SWAR: no false negatives, and no false
// positives when the answer is no).
func special(x uint64) bool { return specialMask(x) != 0 }

// specialMask sets the high bit of the special bytes of x. Bits above a
// special byte may be set spuriously (borrows), never below: the lowest
// set bit marks the first special byte.
func specialMask(x uint64) uint64 {
	lt20 := (x - 0x20*ones) & ^x
	q := x ^ ('"' * ones)
	bs := x ^ ('\\' * ones)
	return (lt20 | ((q - ones) &^ q) | ((bs - ones) &^ bs) | x) & highs
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexVal(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10)
	}
	return rune(c - 'A' + 10)
}

// unquote appends the decoded contents of a scanned string to dst,
// following encoding/json: \u escapes with surrogate pairs, lone
// surrogates and invalid UTF-8 become U+FFFD.
func unquote(dst, s []byte) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' {
			if i+1 >= len(s) {
				return dst, false
			}
			switch s[i+1] {
			case '"', '\\', '/':
				dst = append(dst, s[i+1])
			case 'b':
				dst = append(dst, '\b')
			case 'f':
				dst = append(dst, '\f')
			case 'n':
				dst = append(dst, '\n')
			case 'r':
				dst = append(dst, '\r')
			case 't':
				dst = append(dst, '\t')
			case 'u':
				r, ok := hex4(s, i+2)
				if !ok {
					return dst, false
				}
				i += 6
				if utf16.IsSurrogate(r) {
					if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
						if r2, ok := hex4(s, i+2); ok {
							if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
								dst = utf8.AppendRune(dst, dec)
								i += 6
								continue
							}
						}
					}
					r = utf8.RuneError
				}
				dst = utf8.AppendRune(dst, r)
				continue
			default:
				return dst, false
			}
			i += 2
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst, true
}

func hex4(s []byte, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for k := 0; k < 4; k++ {
		if !isHex(s[i+k]) {
			return 0, false
		}
		r = r<<4 | hexVal(s[i+k])
	}
	return r, true
}

// scanNumber scans a JSON number starting at b[i].
func scanNumber(b []byte, i int) (int, bool) {
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	if j >= len(b) {
		return 0, false
	}
	switch {
	case b[j] == '0':
		j++
	case b[j] >= '1' && b[j] <= '9':
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
	default:
		return 0, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == k {
			return 0, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j == k {
			return 0, false
		}
	}
	return j, true
}

// maxDepth bounds nesting like encoding/json (10000).
const maxDepth = 10000

// skipValue skips any JSON value starting at b[i].
func skipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		_, _, j, ok := scanString(b, i)
		return j, ok
	case c == '-' || (c >= '0' && c <= '9'):
		return scanNumber(b, i)
	case c == 't':
		return lit(b, i, "true")
	case c == 'f':
		return lit(b, i, "false")
	case c == 'n':
		return lit(b, i, "null")
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return 0, false
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		i = skipWS(b, i+1)
		if i < len(b) && b[i] == closer {
			return i + 1, true
		}
		for {
			if c == '{' {
				if i >= len(b) || b[i] != '"' {
					return 0, false
				}
				_, _, j, ok := scanString(b, i)
				if !ok {
					return 0, false
				}
				i = skipWS(b, j)
				if i >= len(b) || b[i] != ':' {
					return 0, false
				}
				i = skipWS(b, i+1)
			}
			j, ok := skipValue(b, i, depth+1)
			if !ok {
				return 0, false
			}
			i = skipWS(b, j)
			if i >= len(b) {
				return 0, false
			}
			if b[i] == ',' {
				i = skipWS(b, i+1)
				continue
			}
			if b[i] == closer {
				return i + 1, true
			}
			return 0, false
		}
	}
	return 0, false
}

func lit(b []byte, i int, s string) (int, bool) {
	if len(b)-i < len(s) || string(b[i:i+len(s)]) != s {
		return 0, false
	}
	return i + len(s), true
}

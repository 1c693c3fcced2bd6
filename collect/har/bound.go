package har

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
)

// Memory bounds of reading a HAR. encoding/json buffers a whole value
// before decoding it, and a whole string token: a HAR entry with a 300
// MB response body needed some 860 MB. bound sits between the file and
// the decoder and keeps every value the decoder sees small, so memory
// stays bounded whatever the file holds; a CORS verdict needs headers,
// URLs and statuses, never bodies.
const (
	// MaxString is the longest string kept: longer strings (bodies,
	// data: URLs, WebSocket frames) keep their first MaxString bytes and
	// end with a note of their length.
	MaxString = 1 << 20
	// maxRun bounds a run of whitespace, or a literal (a number).
	maxRun = 256
	// MaxEntry bounds the bytes of one entry (or page, or creator)
	// handed to the decoder: past it, the rest of each array and object
	// of the entry is skipped (WebSocket messages of a long session,
	// thousands of headers) and the object gets a "_corsdoctor_cut"
	// member.
	MaxEntry = 8 << 20
)

// Cuts counts what bound left out.
type Cuts struct {
	// Strings is the number of strings longer than MaxString that were
	// shortened.
	Strings int
	// Entries is the number of entries (pages, objects) longer than
	// MaxEntry whose end was skipped.
	Entries int
	// Bytes is the number of input bytes skipped.
	Bytes int64
}

// Any reports whether anything was cut.
func (c Cuts) Any() bool { return c.Strings > 0 || c.Entries > 0 }

// bound is an io.Reader over a JSON text that passes it through unchanged
// except for strings longer than MaxString and entries longer than
// MaxEntry (see those); its output is valid JSON when its input is. It
// tracks just enough of the JSON grammar for that: strings and their
// escapes, and the nesting of arrays and objects.
type bound struct {
	r    *bufio.Reader
	pend []byte // output not yet read
	err  error
	cuts Cuts
	// maxString and maxEntry are the limits (tests lower them).
	maxString, maxEntry int

	depth int
	// kinds holds the container kinds ('{' or '[') of the first levels.
	kinds [8]byte

	// string state
	inString bool
	escape   int // bytes left of an escape sequence (\x: 1, \uXXXX: 5)
	strLen   int // content bytes of the current string seen
	strCut   bool
	// run counts the bytes of the current run of whitespace or of a
	// literal; lastLit is the literal's last byte kept (0 outside one).
	run     int
	lastLit byte

	// entry state: scope is the depth of the value that opened the
	// current entry scope (0: none), used its bytes so far.
	scope int
	used  int
	over  bool
	// skipTo > 0: skipping input until the container at this depth
	// closes.
	skipTo      int
	skipInStr   bool
	skipEscape  bool
	skipIsObj   bool
	markPending bool
}

func newBound(r io.Reader) *bound {
	return &bound{r: bufio.NewReaderSize(r, 64<<10), maxString: MaxString, maxEntry: MaxEntry}
}

func (b *bound) Read(p []byte) (int, error) {
	for len(b.pend) == 0 {
		if b.err != nil {
			return 0, b.err
		}
		b.fill()
	}
	n := copy(p, b.pend)
	b.pend = b.pend[n:]
	return n, nil
}

// fill processes the next chunk of input into pend.
func (b *bound) fill() {
	chunk, err := b.r.Peek(32 << 10)
	if len(chunk) == 0 {
		if err == nil {
			err = io.EOF
		}
		b.err = err
		return
	}
	out := b.pend[:0]
	for i := 0; i < len(chunk); {
		// The bytes of a string up to its next quote or backslash go in
		// one block (bodies are long strings): only the grammar's
		// turning points go byte by byte.
		if b.skipTo == 0 && b.inString && b.escape == 0 || b.skipTo > 0 && b.skipInStr && !b.skipEscape {
			j := bytes.IndexAny(chunk[i:], "\"\\")
			if j < 0 {
				j = len(chunk) - i
			}
			if j > 0 {
				if b.skipTo > 0 {
					b.cuts.Bytes += int64(j)
				} else {
					out = b.stringRun(chunk[i:i+j], out)
				}
				i += j
				continue
			}
		}
		out = b.step(chunk[i], out)
		i++
	}
	b.r.Discard(len(chunk)) //nolint:errcheck // the bytes were peeked
	b.pend = out
}

// step consumes one input byte and appends what it yields to out.
func (b *bound) step(c byte, out []byte) []byte {
	if b.skipTo > 0 {
		return b.skip(c, out)
	}
	if b.inString {
		return b.stringByte(c, out)
	}
	// Runs of whitespace and literals (numbers, true, false, null) are
	// bounded too: the decoder would buffer a gigabyte of spaces or
	// digits as readily as a string.
	switch c {
	case ' ', '\t', '\r', '\n':
		if b.lastLit != 0 {
			b.run, b.lastLit = 0, 0
		}
		b.run++
		if b.run > maxRun {
			b.cuts.Bytes++
			return out
		}
		return b.emit(c, out)
	case '"', '{', '[', '}', ']', ',', ':':
		b.run, b.lastLit = 0, 0
	default:
		if b.lastLit == 0 {
			b.run = 0
		}
		b.run++
		if b.run > maxRun && b.lastLit >= '0' && b.lastLit <= '9' {
			b.cuts.Bytes++
			return out // keep a valid number: it ends with a digit
		}
		b.lastLit = c
		return b.emit(c, out)
	}
	switch c {
	case '"':
		b.inString, b.escape, b.strLen, b.strCut = true, 0, 0, false
	case '{', '[':
		b.depth++
		if b.depth >= 1 && b.depth <= len(b.kinds) {
			b.kinds[b.depth-1] = c
		}
		// A scope opens at an element of log.entries and log.pages
		// (depth 4), or at an object member of log (creator, browser:
		// depth 3), the values the reader decodes whole.
		if b.scope == 0 && (b.depth == 4 || b.depth == 3 && c == '{') {
			b.scope, b.used, b.over = b.depth, 0, false
		}
	case '}', ']':
		if b.depth == b.scope {
			b.scope, b.over = 0, false
		}
		if b.depth > 0 { // invalid JSON ("}{") is the decoder's to report
			b.depth--
		}
	case ',':
		if b.over && b.scope > 0 && b.depth >= b.scope {
			// Past the budget: skip the rest of this container.
			b.skipTo, b.skipInStr, b.skipEscape = b.depth, false, false
			b.skipIsObj = b.depth >= 1 && b.depth <= len(b.kinds) && b.kinds[b.depth-1] == '{'
			b.cuts.Bytes++
			return out
		}
	}
	return b.emit(c, out)
}

// emit appends c and charges it to the current scope.
func (b *bound) emit(c byte, out []byte) []byte {
	if b.scope > 0 {
		b.used++
		if b.used > b.maxEntry && !b.over {
			b.over = true
			b.cuts.Entries++
		}
	}
	return append(out, c)
}

// stringRun handles plain bytes of a string literal (no quote, no
// backslash, not inside an escape): the block form of stringByte.
func (b *bound) stringRun(run []byte, out []byte) []byte {
	n := len(run)
	if b.strCut {
		b.strLen += n
		b.cuts.Bytes += int64(n)
		return out
	}
	keep := n
	if room := b.maxString - b.strLen; n > room {
		// Cut at the limit, but never inside a UTF-8 character.
		keep = max(room, 0)
		for keep < n && run[keep]&0xc0 == 0x80 {
			keep++
		}
	}
	b.strLen += n
	if keep < n {
		b.strCut = true
		b.cuts.Bytes += int64(n - keep)
	}
	if b.scope > 0 {
		b.used += keep
		if b.used > b.maxEntry && !b.over {
			b.over = true
			b.cuts.Entries++
		}
	}
	return append(out, run[:keep]...)
}

// stringByte handles a byte inside a string literal.
func (b *bound) stringByte(c byte, out []byte) []byte {
	inEscape := b.escape > 0
	switch {
	case b.escape > 0:
		if b.escape == 1 && c == 'u' {
			b.escape = 5 // \u and four hex digits
		}
		b.escape--
	case c == '\\':
		b.escape = 1
	case c == '"':
		b.inString = false
		if b.strCut {
			b.cuts.Strings++
			note := "... [" + strconv.Itoa(b.strLen) + " bytes, cut by corsdoctor]"
			for i := 0; i < len(note); i++ {
				out = b.emit(note[i], out)
			}
		}
		return b.emit(c, out)
	}
	b.strLen++
	if b.strCut {
		b.cuts.Bytes++
		return out
	}
	// Cut at the limit, but never inside an escape sequence or a UTF-8
	// character.
	if b.strLen > b.maxString && !inEscape && c != '\\' && (c < 0x80 || c >= 0xc0) {
		b.strCut = true
		b.cuts.Bytes++
		return out
	}
	return b.emit(c, out)
}

// skip consumes input until the container at depth skipTo closes, then
// emits its closer (with a note member for objects).
func (b *bound) skip(c byte, out []byte) []byte {
	b.cuts.Bytes++
	if b.skipInStr {
		switch {
		case b.skipEscape:
			b.skipEscape = false
		case c == '\\':
			b.skipEscape = true
		case c == '"':
			b.skipInStr = false
		}
		return out
	}
	switch c {
	case '"':
		b.skipInStr = true
	case '{', '[':
		b.depth++
	case '}', ']':
		if b.depth == b.skipTo {
			b.skipTo = 0
			b.cuts.Bytes--
			if b.skipIsObj {
				out = append(out, `,"_corsdoctor_cut":"the rest of this object was skipped: the entry is larger than the bound of one entry"`...)
			}
			b.depth--
			if b.depth < b.scope {
				b.scope, b.over = 0, false
			}
			return append(out, c)
		}
		b.depth--
	}
	return out
}

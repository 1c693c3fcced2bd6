package tree

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// maxDepth bounds JSON nesting.
const maxDepth = 512

// jsonParser is a strict RFC 8259 parser that records 1-based line and
// column (in runes) for every value.
type jsonParser struct {
	name      string
	data      []byte
	pos       int
	line      int
	lineStart int
	depth     int
}

func parseJSON(name string, data []byte) (*yaml.Node, error) {
	p := &jsonParser{name: name, data: data, line: 1}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.pos = 3
		p.lineStart = 3
	}
	p.space()
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(p.data) {
		return nil, p.errf("invalid JSON: data after the top-level value")
	}
	return n, nil
}

func (p *jsonParser) errf(format string, a ...any) error {
	return &evidence.SourceError{Source: evidence.Source{File: p.name, Line: p.line, Column: p.col()}, Msg: fmt.Sprintf(format, a...)}
}

func (p *jsonParser) col() int {
	if p.pos > len(p.data) {
		return utf8.RuneCount(p.data[p.lineStart:]) + 1
	}
	return utf8.RuneCount(p.data[p.lineStart:p.pos]) + 1
}

func (p *jsonParser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case '\n':
			p.line++
			p.pos++
			p.lineStart = p.pos
		case ' ', '\t', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) node(kind yaml.Kind, tag string) *yaml.Node {
	return &yaml.Node{Kind: kind, Tag: tag, Line: p.line, Column: p.col()}
}

func (p *jsonParser) value() (*yaml.Node, error) {
	if p.pos >= len(p.data) {
		return nil, p.errf("invalid JSON: unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		n := p.node(yaml.ScalarNode, "!!str")
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		n.Value = s
		n.Style = yaml.DoubleQuotedStyle
		return n, nil
	case c == 't':
		return p.literal("true", "!!bool")
	case c == 'f':
		return p.literal("false", "!!bool")
	case c == 'n':
		return p.literal("null", "!!null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	default:
		return nil, p.errf("invalid JSON: unexpected character %q", rune(c))
	}
}

func (p *jsonParser) literal(word, tag string) (*yaml.Node, error) {
	n := p.node(yaml.ScalarNode, tag)
	if len(p.data)-p.pos < len(word) || string(p.data[p.pos:p.pos+len(word)]) != word {
		return nil, p.errf("invalid JSON: invalid literal")
	}
	p.pos += len(word)
	n.Value = word
	return n, nil
}

func (p *jsonParser) number() (*yaml.Node, error) {
	n := p.node(yaml.ScalarNode, "!!int")
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		s := p.pos
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
		}
		return p.pos - s
	}
	intStart := p.pos
	if n := digits(); n == 0 || n > 1 && p.data[intStart] == '0' {
		return nil, p.errf("invalid JSON: invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		n.Tag = "!!float"
		if digits() == 0 {
			return nil, p.errf("invalid JSON: invalid number")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		n.Tag = "!!float"
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errf("invalid JSON: invalid number")
		}
	}
	n.Value = string(p.data[start:p.pos])
	return n, nil
}

func (p *jsonParser) str() (string, error) {
	start := p.pos
	p.pos++ // opening quote
	escaped := false
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			raw := p.data[start:p.pos]
			if !escaped {
				if !utf8.Valid(raw) {
					return "", p.errf("invalid JSON: invalid UTF-8 in string")
				}
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", p.errf("invalid JSON: invalid string: %v", err)
			}
			return s, nil
		case c == '\\':
			escaped = true
			p.pos += 2
		case c < 0x20:
			return "", p.errf("invalid JSON: control character in string")
		default:
			p.pos++
		}
	}
	return "", p.errf("invalid JSON: unterminated string")
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errf("invalid JSON: nested deeper than %d", maxDepth)
	}
	return nil
}

func (p *jsonParser) object() (*yaml.Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	n := p.node(yaml.MappingNode, "!!map")
	p.pos++
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		return n, nil
	}
	for {
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.errf("invalid JSON: expected a string key")
		}
		k := p.node(yaml.ScalarNode, "!!str")
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		k.Value = s
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.errf("invalid JSON: expected ':' after key %q", s)
		}
		p.pos++
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, k, v)
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.errf("invalid JSON: unterminated object")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return n, nil
		default:
			return nil, p.errf("invalid JSON: expected ',' or '}'")
		}
	}
}

func (p *jsonParser) array() (*yaml.Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	n := p.node(yaml.SequenceNode, "!!seq")
	p.pos++
	p.space()
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		return n, nil
	}
	for {
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, v)
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.errf("invalid JSON: unterminated array")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return n, nil
		default:
			return nil, p.errf("invalid JSON: expected ',' or ']'")
		}
	}
}

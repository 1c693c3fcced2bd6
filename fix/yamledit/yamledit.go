// Package yamledit edits YAML and JSON documents through their node tree
// (go.yaml.in/yaml/v3 nodes) and writes them back changing only what was
// edited: comments, key order, quoting style, short-form tags (!Ref,
// !Sub), blank lines and indentation of everything else stay byte for
// byte as they were.
//
// Each edit mutates the node tree (so callers reason about the document,
// not its text) and records where its text goes in the source: a scalar
// replaced in place keeps its style and tag, a key added to a block
// mapping is rendered at the mapping's indentation (with the file's
// indentation step and sequence style), a key added to a flow mapping or
// a JSON object is rendered in that syntax, with the object's own line
// layout. [Doc.Bytes] applies the edits and then parses the result again
// and compares it with the edited tree: output that does not read back
// as exactly the edited document is an error, never written.
//
// Nodes created by the caller (Line 0) are rendered where they are
// inserted; changing them after insertion is a tree operation only.
package yamledit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
)

// Doc is one YAML or JSON document open for editing.
type Doc struct {
	Name string
	src  []byte
	json bool
	root *yaml.Node
	// lines[i] is the byte offset of line i+1.
	lines  []int
	parent map[*yaml.Node]*yaml.Node
	// indent is the file's indentation step; compact reports block
	// sequences written at their key's column ("key:\n- item").
	indent  int
	compact bool
	// jsonUnit is one level of JSON indentation ("  ", "\t").
	jsonUnit string
	edits    []*edit
	changed  bool
	// emptyInserts counts insertions into collections that were empty.
	emptyInserts map[*yaml.Node]int
}

// edit is one text change: src[start:end] becomes the rendering.
type edit struct {
	start, end int
	render     func() (string, error)
	seq        int
}

// Parse opens a document. JSON is detected by content (a leading { or
// [) and read with package tree's position-tracking parser; anything else
// is YAML. Multi-document YAML streams are refused.
func Parse(name string, src []byte) (*Doc, error) {
	d := &Doc{Name: name, src: src, indent: 2, jsonUnit: "  "}
	if tree.IsJSON(src) {
		d.json = true
		root, err := tree.Parse(name, src)
		if err != nil {
			return nil, err
		}
		d.root = root
	} else {
		root, err := parseYAML(name, src)
		if err != nil {
			return nil, err
		}
		d.root = root
	}
	d.lines = []int{0}
	for i, c := range src {
		if c == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	d.parent = map[*yaml.Node]*yaml.Node{}
	d.index(d.root, 0)
	d.detectStyle()
	return d, nil
}

func parseYAML(name string, src []byte) (n *yaml.Node, err error) {
	defer func() {
		if v := recover(); v != nil {
			n, err = nil, fmt.Errorf("%s: invalid YAML: %v", name, v)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); err == nil {
		return nil, fmt.Errorf("%s: several YAML documents in one file: not edited", name)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty document", name)
	}
	return doc.Content[0], nil
}

// Root is the document's root node (a mapping for every format edited
// here).
func (d *Doc) Root() *yaml.Node { return d.root }

// JSON reports whether the document is JSON.
func (d *Doc) JSON() bool { return d.json }

// Changed reports whether an edit was made.
func (d *Doc) Changed() bool { return d.changed }

// Source returns the original bytes.
func (d *Doc) Source() []byte { return d.src }

func (d *Doc) index(n *yaml.Node, depth int) {
	if depth > 256 {
		return
	}
	for _, c := range n.Content {
		if _, seen := d.parent[c]; seen {
			continue
		}
		d.parent[c] = n
		d.index(c, depth+1)
	}
}

// detectStyle learns the indentation step and the sequence style from
// the first block mapping nested in a block mapping, and the first block
// sequence that is a mapping value.
func (d *Doc) detectStyle() {
	if d.json {
		d.detectJSONUnit()
		return
	}
	steps := map[int]int{}
	compact, indented := 0, 0
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 64 {
			return
		}
		if n.Kind == yaml.MappingNode && n.Style&yaml.FlowStyle == 0 {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				switch {
				case v.Kind == yaml.MappingNode && v.Style&yaml.FlowStyle == 0 && v.Line > k.Line && v.Column > k.Column:
					steps[v.Column-k.Column]++
				case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && v.Line > k.Line:
					if v.Column == k.Column {
						compact++
					} else {
						indented++
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(d.root, 0)
	best, bestN := 2, 0
	for s, n := range steps {
		if n > bestN || n == bestN && s < best {
			best, bestN = s, n
		}
	}
	if best >= 1 && best <= 8 {
		d.indent = best
	}
	d.compact = compact > indented
}

func (d *Doc) detectJSONUnit() {
	// The indentation of the first indented line is one level.
	for i := 1; i < len(d.lines); i++ {
		line := d.lineText(i + 1)
		ws := line[:len(line)-len(strings.TrimLeft(line, " \t"))]
		if ws != "" && strings.TrimSpace(line) != "" {
			d.jsonUnit = ws
			return
		}
	}
}

// offset converts a 1-based line and rune column to a byte offset.
func (d *Doc) offset(line, col int) (int, error) {
	if line < 1 || line > len(d.lines) {
		return 0, fmt.Errorf("%s: line %d out of range", d.Name, line)
	}
	off := d.lines[line-1]
	for c := 1; c < col; c++ {
		if off >= len(d.src) || d.src[off] == '\n' {
			return 0, fmt.Errorf("%s:%d: column %d out of range", d.Name, line, col)
		}
		_, size := utf8.DecodeRune(d.src[off:])
		off += size
	}
	return off, nil
}

// lineText returns line n (1-based) without its newline.
func (d *Doc) lineText(n int) string {
	if n < 1 || n > len(d.lines) {
		return ""
	}
	start := d.lines[n-1]
	end := len(d.src)
	if n < len(d.lines) {
		end = d.lines[n] - 1
	}
	return strings.TrimSuffix(string(d.src[start:end]), "\r")
}

func leading(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

func blankOrComment(s string) bool {
	t := strings.TrimSpace(s)
	return t == "" || strings.HasPrefix(t, "#")
}

// inFlow reports whether n sits inside a flow collection (every node of
// a JSON document does).
func (d *Doc) inFlow(n *yaml.Node) bool {
	if d.json {
		return true
	}
	for p := d.parent[n]; p != nil; p = d.parent[p] {
		if p.Style&yaml.FlowStyle != 0 {
			return true
		}
	}
	return false
}

func isFlow(d *Doc, n *yaml.Node) bool {
	return d.json || n.Style&yaml.FlowStyle != 0
}

// ErrUnsupported is returned for edits this package will not make
// (aliases, merge keys, multi-line plain scalars, block scalars): the
// caller skips the fix and says why.
var ErrUnsupported = errors.New("unsupported edit")

func unsupported(d *Doc, n *yaml.Node, what string) error {
	return fmt.Errorf("%s:%d:%d: %s: %w", d.Name, n.Line, n.Column, what, ErrUnsupported)
}

// ---- locating nodes in the source ----

// valueStart returns the offset where n's value text starts, after any
// tag and anchor.
func (d *Doc) valueStart(n *yaml.Node) (int, error) {
	off, err := d.offset(n.Line, n.Column)
	if err != nil {
		return 0, err
	}
	for i := 0; i < 2 && off < len(d.src) && (d.src[off] == '!' || d.src[off] == '&'); i++ {
		for off < len(d.src) && !isSpace(d.src[off]) {
			off++
		}
		for off < len(d.src) && (d.src[off] == ' ' || d.src[off] == '\t') {
			off++
		}
	}
	return off, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// scalarEnd returns the end offset of the scalar token starting at off.
func (d *Doc) scalarEnd(n *yaml.Node, off int, flow bool) (int, error) {
	key := d.isKey(n)
	if off >= len(d.src) {
		return off, nil
	}
	switch d.src[off] {
	case '"':
		for i := off + 1; i < len(d.src); i++ {
			switch d.src[i] {
			case '\\':
				i++
			case '"':
				return i + 1, nil
			}
		}
		return 0, unsupported(d, n, "unterminated double-quoted scalar")
	case '\'':
		if d.json {
			break
		}
		for i := off + 1; i < len(d.src); i++ {
			if d.src[i] == '\'' {
				if i+1 < len(d.src) && d.src[i+1] == '\'' {
					i++
					continue
				}
				return i + 1, nil
			}
		}
		return 0, unsupported(d, n, "unterminated single-quoted scalar")
	case '|', '>':
		if !d.json {
			return 0, unsupported(d, n, "block scalar")
		}
	}
	end := off
	for end < len(d.src) {
		c := d.src[end]
		if c == '\n' || c == '\r' {
			break
		}
		if c == '#' && end > off && (d.src[end-1] == ' ' || d.src[end-1] == '\t') && !d.json {
			break
		}
		if (flow || d.json) && (c == ',' || c == ']' || c == '}') {
			break
		}
		if key && c == ':' && (end+1 >= len(d.src) || isSpace(d.src[end+1]) || flow && strings.IndexByte(",[]{}", d.src[end+1]) >= 0) {
			break
		}
		if d.json && (c == ' ' || c == '\t') {
			break
		}
		end++
	}
	for end > off && (d.src[end-1] == ' ' || d.src[end-1] == '\t') {
		end--
	}
	if !d.json && n.Kind == yaml.ScalarNode && string(d.src[off:end]) != n.Value {
		return 0, unsupported(d, n, "multi-line plain scalar")
	}
	return end, nil
}

// isKey reports whether n is a mapping key.
func (d *Doc) isKey(n *yaml.Node) bool {
	p := d.parent[n]
	if p == nil || p.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i < len(p.Content); i += 2 {
		if p.Content[i] == n {
			return true
		}
	}
	return false
}

// flowEnd returns the offset just past the flow collection ({...} or
// [...]) starting at off.
func (d *Doc) flowEnd(n *yaml.Node, off int) (int, error) {
	depth := 0
	for i := off; i < len(d.src); i++ {
		switch c := d.src[i]; c {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		case '"', '\'':
			if c == '\'' && d.json {
				continue
			}
			e, err := d.scalarEnd(n, i, true)
			if err != nil {
				return 0, err
			}
			i = e - 1
		case '#':
			if !d.json && i > 0 && isSpace(d.src[i-1]) {
				for i < len(d.src) && d.src[i] != '\n' {
					i++
				}
			}
		}
	}
	return 0, unsupported(d, n, "unterminated flow collection")
}

// blockLastLine returns the last line holding content of the block
// collection n (trailing blank and comment lines excluded).
func (d *Doc) blockLastLine(n *yaml.Node) int {
	c := n.Column - 1
	last := n.Line
	// scalar is the indentation of the line that opened a block scalar
	// ("key: |", "- >-"): the lines indented deeper are its content, even
	// when they start with '#' (a VTL template's "#set(...)"), which
	// outside a block scalar would be a comment.
	scalar := -1
	if blockScalarHeader(d.lineText(n.Line)) {
		scalar = leading(d.lineText(n.Line))
	}
	for l := n.Line + 1; l <= len(d.lines); l++ {
		s := d.lineText(l)
		if scalar >= 0 {
			if strings.TrimSpace(s) == "" {
				continue
			}
			if leading(s) > scalar {
				last = l
				continue
			}
			scalar = -1
		}
		if blankOrComment(s) {
			continue
		}
		ind := leading(s)
		if ind > c {
			last = l
			if blockScalarHeader(s) {
				scalar = ind
			}
			continue
		}
		if ind == c {
			rest := s[ind:]
			if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode && (rest == "-" || strings.HasPrefix(rest, "- ")) {
				last = l
				if blockScalarHeader(s) {
					scalar = ind
				}
				continue
			}
		}
		if s == "..." || strings.HasPrefix(s, "---") {
			break
		}
		break
	}
	return last
}

// blockScalarHeader reports whether a line ends with a block scalar
// indicator ("key: |", "key: >-", "- |2", with an optional comment).
func blockScalarHeader(line string) bool {
	if i := commentStart([]byte(line)); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimRight(line, " \t")
	j := strings.LastIndexAny(line, "|>")
	if j < 0 {
		return false
	}
	for _, c := range line[j+1:] {
		if !(c == '-' || c == '+' || c >= '1' && c <= '9') {
			return false
		}
	}
	before := strings.TrimRight(line[:j], " \t")
	return j > 0 && (strings.HasSuffix(before, ":") || strings.HasSuffix(before, "-") || before == "" || strings.HasPrefix(strings.TrimLeft(before, " "), "!") && strings.Contains(before, ":"))
}

// span returns the byte range of node n's text (value only: no tag or
// anchor for scalars; the whole collection for collections).
func (d *Doc) span(n *yaml.Node) (int, int, error) {
	if n.Line == 0 {
		return 0, 0, fmt.Errorf("%s: node has no position", d.Name)
	}
	if n.Kind == yaml.AliasNode {
		return 0, 0, unsupported(d, n, "alias")
	}
	start, err := d.valueStart(n)
	if err != nil {
		return 0, 0, err
	}
	switch {
	case n.Kind == yaml.ScalarNode:
		end, err := d.scalarEnd(n, start, d.inFlow(n))
		return start, end, err
	case isFlow(d, n):
		end, err := d.flowEnd(n, start)
		return start, end, err
	default:
		last := d.blockLastLine(n)
		end := d.lineEnd(last)
		// Drop a trailing comment of the last line.
		if i := commentStart(d.src[d.lines[last-1]:end]); i >= 0 {
			end = d.lines[last-1] + i
			for end > start && (d.src[end-1] == ' ' || d.src[end-1] == '\t') {
				end--
			}
		}
		return start, end, nil
	}
}

// lineEnd is the offset of the newline ending line l (or EOF).
func (d *Doc) lineEnd(l int) int {
	if l < len(d.lines) {
		e := d.lines[l] - 1
		if e > 0 && d.src[e-1] == '\r' {
			e--
		}
		return e
	}
	return len(d.src)
}

// commentStart finds " #" outside quotes in one line, or -1.
func commentStart(line []byte) int {
	var q byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case q == '"' && c == '\\':
			i++
		case q != 0 && c == q:
			q = 0
		case q != 0:
		case c == '"' || c == '\'':
			if i == 0 || isSpace(line[i-1]) || strings.IndexByte("[{,:", line[i-1]) >= 0 {
				q = c
			}
		case c == '#' && (i == 0 || isSpace(line[i-1])):
			return i
		}
	}
	return -1
}

// ---- rendering ----

// stripPositions deep-copies n without positions, so it renders where it
// is inserted.
func stripPositions(n *yaml.Node, depth int) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Line, c.Column = 0, 0
	c.Content = nil
	if depth < 128 {
		for _, x := range n.Content {
			c.Content = append(c.Content, stripPositions(x, depth+1))
		}
	}
	return &c
}

// Copy returns a deep copy of n (from this or another document) that can
// be inserted elsewhere: style, tags and comments kept, positions dropped.
func Copy(n *yaml.Node) *yaml.Node { return stripPositions(n, 0) }

// renderYAML renders n as block YAML at column 0, with the file's
// indentation step and sequence style (yaml.v3's encoder cannot write
// sequences at their key's column with a step other than 2, so block
// collections are laid out here; scalars and flow collections come from
// the encoder, which knows when to quote).
func (d *Doc) renderYAML(n *yaml.Node) (string, error) {
	var b strings.Builder
	if err := d.block(&b, n, 0, 0); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// encodeOne renders a scalar or flow collection with yaml.v3.
func (d *Doc) encodeOne(n *yaml.Node) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(d.indent)
	c := *n
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	if c.Kind == yaml.ScalarNode && c.Style == 0 && strings.HasPrefix(c.Value, "'") {
		// API Gateway mapping values ("'*'") are written in double
		// quotes, as AWS documents them, not as '''*'''.
		c.Style = yaml.DoubleQuotedStyle
	}
	if err := enc.Encode(&c); err != nil {
		return "", fmt.Errorf("%s: rendering: %w", d.Name, err)
	}
	enc.Close()
	return strings.TrimSuffix(b.String(), "\n"), nil
}

func isBlockCollection(n *yaml.Node) bool {
	return (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && n.Style&yaml.FlowStyle == 0 && len(n.Content) > 0
}

func comment(b *strings.Builder, c string, pad string) {
	for _, l := range strings.Split(c, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, "#") {
			l = "# " + l
		}
		b.WriteString(pad + l + "\n")
	}
}

// block writes n at column col; the first line's indentation is already
// written when first > 0 (after "- ").
func (d *Doc) block(b *strings.Builder, n *yaml.Node, col, depth int) error {
	if depth > 128 {
		return fmt.Errorf("%s: value nested too deeply", d.Name)
	}
	pad := strings.Repeat(" ", col)
	if !isBlockCollection(n) {
		s, err := d.encodeOne(n)
		if err != nil {
			return err
		}
		b.WriteString(indentLines(s, pad))
		if n.LineComment != "" {
			b.WriteString(" " + strings.TrimSpace(n.LineComment))
		}
		b.WriteString("\n")
		return nil
	}
	first := true
	lead := func() string {
		if first {
			first = false
			return ""
		}
		return pad
	}
	if n.Kind == yaml.SequenceNode {
		for _, it := range n.Content {
			if it.HeadComment != "" {
				var c strings.Builder
				comment(&c, it.HeadComment, pad)
				b.WriteString(lead() + strings.TrimPrefix(c.String(), pad))
			}
			b.WriteString(lead() + "- ")
			if err := d.block(b, it, col+2, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.HeadComment != "" {
			var c strings.Builder
			comment(&c, k.HeadComment, pad)
			b.WriteString(lead() + strings.TrimPrefix(c.String(), pad))
		}
		ks, err := d.encodeOne(k)
		if err != nil {
			return err
		}
		b.WriteString(lead() + ks + ":")
		if !isBlockCollection(v) {
			b.WriteString(" ")
			if err := d.block(b, v, col+d.indent, depth+1); err != nil {
				return err
			}
			continue
		}
		if k.LineComment != "" {
			b.WriteString(" " + strings.TrimSpace(k.LineComment))
		}
		b.WriteString("\n")
		step := d.indent
		if v.Kind == yaml.SequenceNode && d.compact {
			step = 0
		}
		b.WriteString(strings.Repeat(" ", col+step))
		if err := d.block(b, v, col+step, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// renderFlowYAML renders n in YAML flow style on one line.
func (d *Doc) renderFlowYAML(n *yaml.Node) (string, error) {
	c := Copy(n)
	var setFlow func(*yaml.Node)
	setFlow = func(x *yaml.Node) {
		if x.Kind == yaml.MappingNode || x.Kind == yaml.SequenceNode {
			x.Style |= yaml.FlowStyle
		}
		if x.Kind == yaml.ScalarNode && x.Style == 0 && strings.HasPrefix(x.Value, "'") {
			// As encodeOne does for a lone scalar: a mapping value
			// "'true'" in double quotes, as AWS documents it.
			x.Style = yaml.DoubleQuotedStyle
		}
		x.HeadComment, x.LineComment, x.FootComment = "", "", ""
		for _, y := range x.Content {
			setFlow(y)
		}
	}
	setFlow(c)
	if c.Kind == yaml.ScalarNode && c.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		c.Style = yaml.DoubleQuotedStyle
	}
	s, err := d.encodeOne(c)
	if err != nil {
		return "", err
	}
	if strings.Contains(s, "\n") {
		// A plain scalar with flow indicators or a long string: quote it.
		if c.Kind == yaml.ScalarNode {
			c.Style = yaml.DoubleQuotedStyle
			return d.encodeOne(c)
		}
		return "", fmt.Errorf("%s: cannot render %s on one line", d.Name, tree.Render(n))
	}
	return s, nil
}

// indentLines prefixes every line but the first with pad.
func indentLines(s, pad string) string {
	return strings.ReplaceAll(s, "\n", "\n"+pad)
}

// renderJSON renders n as JSON; ind is the indentation of the line the
// value starts on, multi chooses one member per line.
func (d *Doc) renderJSON(n *yaml.Node, ind string, multi bool) (string, error) {
	var b strings.Builder
	var w func(n *yaml.Node, ind string, depth int) error
	w = func(n *yaml.Node, ind string, depth int) error {
		if depth > 128 {
			return fmt.Errorf("%s: value nested too deeply", d.Name)
		}
		switch n.Kind {
		case yaml.MappingNode, yaml.SequenceNode:
			open, closeB := "{", "}"
			step := 2
			if n.Kind == yaml.SequenceNode {
				open, closeB, step = "[", "]", 1
			}
			if len(n.Content) == 0 {
				b.WriteString(open + closeB)
				return nil
			}
			b.WriteString(open)
			inner := ind + d.jsonUnit
			for i := 0; i+step-1 < len(n.Content); i += step {
				if i > 0 {
					b.WriteString(",")
					if !multi {
						b.WriteString(" ")
					}
				}
				if multi {
					b.WriteString("\n" + inner)
				}
				if n.Kind == yaml.MappingNode {
					k, _ := json.Marshal(n.Content[i].Value)
					b.Write(unescapeHTML(k))
					b.WriteString(": ")
					if err := w(n.Content[i+1], inner, depth+1); err != nil {
						return err
					}
					continue
				}
				if err := w(n.Content[i], inner, depth+1); err != nil {
					return err
				}
			}
			if multi {
				b.WriteString("\n" + ind)
			}
			b.WriteString(closeB)
		case yaml.ScalarNode:
			switch n.ShortTag() {
			case "!!null":
				b.WriteString("null")
			case "!!bool":
				b.WriteString(strings.ToLower(n.Value))
			case "!!int", "!!float":
				if _, err := strconv.ParseFloat(n.Value, 64); err == nil && n.Style&yaml.DoubleQuotedStyle == 0 {
					b.WriteString(n.Value)
					break
				}
				fallthrough
			default:
				if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
					return fmt.Errorf("%s: YAML tag %s in a JSON document", d.Name, n.Tag)
				}
				s, _ := json.Marshal(n.Value)
				b.Write(unescapeHTML(s))
			}
		default:
			return fmt.Errorf("%s: cannot render node kind %d as JSON", d.Name, n.Kind)
		}
		return nil
	}
	err := w(n, ind, 0)
	return b.String(), err
}

// unescapeHTML undoes encoding/json's \u003c \u003e \u0026 escapes.
func unescapeHTML(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte(`\u003c`), []byte("<"))
	b = bytes.ReplaceAll(b, []byte(`\u003e`), []byte(">"))
	return bytes.ReplaceAll(b, []byte(`\u0026`), []byte("&"))
}

// renderScalar renders a new value for an existing scalar, in its style.
func (d *Doc) renderScalar(old *yaml.Node, value, tag string, flow bool) (string, error) {
	if d.json {
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value, Style: old.Style &^ yaml.TaggedStyle}
		return d.renderJSON(n, "", false)
	}
	style := old.Style &^ yaml.TaggedStyle
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: value, Style: style}
	if strings.HasPrefix(tag, "!!") {
		n.Tag = tag
	}
	if style == yaml.SingleQuotedStyle && !strings.ContainsAny(value, "\n") {
		return "'" + strings.ReplaceAll(value, "'", "''") + "'", nil
	}
	if style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		n.Style = yaml.DoubleQuotedStyle
	}
	s, err := d.encodeOne(n)
	if err != nil {
		return "", err
	}
	if strings.Contains(s, "\n") || flow && n.Style == 0 && strings.ContainsAny(s, ",[]{}") {
		n.Style = yaml.DoubleQuotedStyle
		s, err = d.encodeOne(n)
	}
	return s, err
}

func (d *Doc) add(start, end int, render func() (string, error)) {
	d.edits = append(d.edits, &edit{start: start, end: end, render: render, seq: len(d.edits)})
	d.changed = true
}

// ---- edits ----

// Get returns the value of key in mapping m (its own keys only: no merge
// keys, no aliases followed), or nil.
func Get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i].Tag != "!!merge" {
			return m.Content[i+1]
		}
	}
	return nil
}

// SetScalar gives the existing scalar n a new value, keeping its quoting
// style and its tag (tag "" keeps the node's tag; "!!str", "!!bool" ...
// set the type of a plain YAML scalar).
func (d *Doc) SetScalar(n *yaml.Node, value string) error {
	return d.setScalar(n, value, "")
}

// SetScalarTag is SetScalar with an explicit core tag for the new value.
func (d *Doc) SetScalarTag(n *yaml.Node, value, tag string) error {
	return d.setScalar(n, value, tag)
}

func (d *Doc) setScalar(n *yaml.Node, value, tag string) error {
	if n.Kind != yaml.ScalarNode {
		return unsupported(d, n, "not a scalar")
	}
	if n.Value == value && (tag == "" || n.ShortTag() == tag) {
		return nil
	}
	if n.Line == 0 {
		n.Value = value
		if tag != "" {
			n.Tag = tag
		}
		return nil
	}
	if n.Tag == "!!null" && n.Value == "" {
		return d.Replace(n, &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value})
	}
	start, end, err := d.span(n)
	if err != nil {
		return err
	}
	flow := d.inFlow(n)
	keepTag := n.Tag
	if tag == "" {
		tag = n.ShortTag()
		if tag == "!!int" || tag == "!!float" || tag == "!!bool" || tag == "!!null" {
			if _, err := strconv.ParseFloat(value, 64); err != nil && tag != "!!bool" {
				tag = "!!str"
			}
		}
	}
	old := *n
	n.Value = value
	if strings.HasPrefix(keepTag, "!") && !strings.HasPrefix(keepTag, "!!") {
		n.Tag = keepTag
	} else {
		n.Tag = tag
	}
	d.add(start, end, func() (string, error) { return d.renderScalar(&old, value, tag, flow) })
	return nil
}

// Replace puts v in place of the existing node old (a mapping value or a
// sequence item).
func (d *Doc) Replace(old, v *yaml.Node) error {
	p := d.parent[old]
	if p == nil {
		return unsupported(d, old, "replacing the root")
	}
	idx := -1
	for i, c := range p.Content {
		if c == old {
			idx = i
		}
	}
	if idx < 0 {
		return unsupported(d, old, "node not in its parent")
	}
	if old.Line == 0 {
		p.Content[idx] = v
		d.parent[v] = p
		return nil
	}
	start, end, err := d.span(old)
	if err != nil {
		return err
	}
	// Keep a tag or anchor of the old node out of the replaced range only
	// when the new node keeps it; otherwise replace it too.
	if tagStart, err := d.offset(old.Line, old.Column); err == nil && tagStart < start {
		start = tagStart
	}
	flow := d.inFlow(old)
	var keyCol int
	blockValue := false
	if p.Kind == yaml.MappingNode && idx%2 == 1 {
		keyCol = p.Content[idx-1].Column - 1
		blockValue = true
	} else if p.Kind == yaml.SequenceNode {
		keyCol = p.Column - 1
	}
	p.Content[idx] = v
	d.parent[v] = p
	d.index(v, 0)
	if d.json {
		ind := d.lineIndent(old.Line)
		multi := d.multiLine(old)
		d.add(start, end, func() (string, error) { return d.renderJSON(v, ind, multi) })
		return nil
	}
	if flow || v.Kind == yaml.ScalarNode || v.Style&yaml.FlowStyle != 0 || len(v.Content) == 0 {
		d.add(start, end, func() (string, error) {
			if flow {
				return d.renderFlowYAML(v)
			}
			s, err := d.renderYAML(v)
			if err != nil {
				return "", err
			}
			if strings.Contains(s, "\n") {
				return indentLines(s, strings.Repeat(" ", keyCol+d.indent)), nil
			}
			return s, nil
		})
		return nil
	}
	// A block collection: it starts on the next line, indented below the
	// key (or after "- " in a sequence).
	if blockValue {
		start, err = d.afterColon(p.Content[idx-1], old)
		if err != nil {
			return err
		}
		// A comment after the old value stays on the key's line.
		trail := ""
		if le := d.lineEnd(old.Line); end <= le {
			if rest := strings.TrimSpace(string(d.src[end:le])); strings.HasPrefix(rest, "#") {
				trail, end = " "+rest, le
			}
		}
		d.add(start, end, func() (string, error) {
			s, err := d.renderYAML(v)
			if err != nil {
				return "", err
			}
			step := d.indent
			if v.Kind == yaml.SequenceNode && d.compact {
				step = 0
			}
			pad := strings.Repeat(" ", keyCol+step)
			return trail + "\n" + pad + indentLines(s, pad), nil
		})
		return nil
	}
	d.add(start, end, func() (string, error) {
		s, err := d.renderYAML(v)
		if err != nil {
			return "", err
		}
		return indentLines(s, strings.Repeat(" ", keyCol+2)), nil
	})
	return nil
}

// afterColon returns where a block value of key k is written: right
// after "key:", or at the end of the key's line when a comment follows
// the colon and the old value starts on a later line.
func (d *Doc) afterColon(k, old *yaml.Node) (int, error) {
	_, kEnd, err := d.span(k)
	if err != nil {
		return 0, err
	}
	i := kEnd
	for i < len(d.src) && (d.src[i] == ' ' || d.src[i] == '\t') {
		i++
	}
	if i >= len(d.src) || d.src[i] != ':' {
		return 0, unsupported(d, k, "no ':' after the key")
	}
	colon := i + 1
	if old.Line > k.Line {
		rest := strings.TrimSpace(string(d.src[colon:d.lineEnd(k.Line)]))
		if strings.HasPrefix(rest, "#") {
			return d.lineEnd(k.Line), nil
		}
	}
	return colon, nil
}

// lineIndent is the leading whitespace of line l.
func (d *Doc) lineIndent(l int) string {
	s := d.lineText(l)
	return s[:len(s)-len(strings.TrimLeft(s, " \t"))]
}

// multiLine reports whether a flow collection spans several lines.
func (d *Doc) multiLine(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode && n.Kind != yaml.SequenceNode {
		return false
	}
	for i := len(n.Content) - 1; i >= 0; i-- {
		if n.Content[i].Line > 0 {
			return n.Content[i].Line > n.Line
		}
	}
	// An empty object: lay it out as its parent is laid out.
	if p := d.parent[n]; p != nil {
		return d.multiLine(p)
	}
	return true
}

// Set sets key in mapping m to v: an existing scalar value is rewritten
// in place (v a scalar), another existing value replaced, a missing key
// appended after the mapping's last key.
func (d *Doc) Set(m *yaml.Node, key string, v *yaml.Node) error {
	if m.Kind != yaml.MappingNode {
		return unsupported(d, m, "not a mapping")
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key || m.Content[i].Tag == "!!merge" {
			continue
		}
		old := m.Content[i+1]
		if old.Kind == yaml.ScalarNode && v.Kind == yaml.ScalarNode && old.Line > 0 && !(old.Tag == "!!null" && old.Value == "") &&
			!customTag(v.Tag) && !customTag(old.Tag) {
			tag := v.Tag
			if tag == "" {
				tag = v.ShortTag()
			}
			return d.setScalar(old, v.Value, tag)
		}
		return d.Replace(old, v)
	}
	return d.Insert(m, key, v)
}

func customTag(t string) bool { return strings.HasPrefix(t, "!") && !strings.HasPrefix(t, "!!") }

// Insert appends key: v to mapping m (the key must not exist).
func (d *Doc) Insert(m *yaml.Node, key string, v *yaml.Node) error {
	k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}
	return d.insertPair(m, k, v)
}

// InsertPair is Insert with a caller-made key node (for a head comment).
func (d *Doc) InsertPair(m, k, v *yaml.Node) error { return d.insertPair(m, k, v) }

func (d *Doc) insertPair(m, k, v *yaml.Node) error {
	if m.Kind != yaml.MappingNode {
		return unsupported(d, m, "not a mapping")
	}
	if Get(m, k.Value) != nil {
		return fmt.Errorf("%s:%d: key %q already exists", d.Name, m.Line, k.Value)
	}
	had := len(m.Content)
	var last *yaml.Node
	if had > 0 {
		last = m.Content[had-1]
	}
	m.Content = append(m.Content, k, v)
	d.parent[k], d.parent[v] = m, m
	d.index(v, 0)
	if m.Line == 0 {
		return nil
	}
	return d.insertAt(m, last, had == 0, func(flow bool, ind string, multi bool) (string, error) {
		pair := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{k, v}}
		if d.json {
			kb, _ := json.Marshal(k.Value)
			s, err := d.renderJSON(v, ind, multi)
			return string(unescapeHTML(kb)) + ": " + s, err
		}
		if flow {
			s, err := d.renderFlowYAML(pair)
			if err != nil {
				return "", err
			}
			return strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}"), nil
		}
		return d.renderYAML(pair)
	})
}

// Append adds item at the end of sequence s.
func (d *Doc) Append(s, item *yaml.Node) error {
	if s.Kind != yaml.SequenceNode {
		return unsupported(d, s, "not a sequence")
	}
	had := len(s.Content)
	var last *yaml.Node
	if had > 0 {
		last = s.Content[had-1]
	}
	s.Content = append(s.Content, item)
	d.parent[item] = s
	d.index(item, 0)
	if s.Line == 0 {
		return nil
	}
	return d.insertAt(s, last, had == 0, func(flow bool, ind string, multi bool) (string, error) {
		if d.json {
			return d.renderJSON(item, ind, multi)
		}
		if flow {
			return d.renderFlowYAML(item)
		}
		body, err := d.renderYAML(item)
		if err != nil {
			return "", err
		}
		return "- " + indentLines(body, "  "), nil
	})
}

// insertAt records the insertion of a rendered member at the end of the
// collection c whose last member (before the insertion) is last.
func (d *Doc) insertAt(c, last *yaml.Node, empty bool, render func(flow bool, ind string, multi bool) (string, error)) error {
	if c.Kind == yaml.AliasNode {
		return unsupported(d, c, "alias")
	}
	start, err := d.valueStart(c)
	if err != nil {
		return err
	}
	// Earlier insertions into c in this edit set render at the same
	// place, in order: anchor on the last member that has a position.
	last, empty = nil, true
	step := 1
	if c.Kind == yaml.MappingNode {
		step = 2
	}
	for i := len(c.Content) - 1; i >= step-1; i -= step {
		if c.Content[i].Line > 0 {
			last, empty = c.Content[i], false
			break
		}
	}
	if isFlow(d, c) {
		end, err := d.flowEnd(c, start)
		if err != nil {
			return err
		}
		closing := end - 1
		multi := d.multiLine(c)
		if empty {
			if d.emptyInserts == nil {
				d.emptyInserts = map[*yaml.Node]int{}
			}
			n := d.emptyInserts[c]
			d.emptyInserts[c]++
			if d.json {
				// "{}" -> "{\n<ind+unit>member\n<ind>}" or "{member}".
				ind := d.lineIndent(c.Line)
				d.add(closing, closing, func() (string, error) {
					s, err := render(false, ind+d.jsonUnit, multi)
					if err != nil {
						return "", err
					}
					switch {
					case multi && n == 0:
						return "\n" + ind + d.jsonUnit + s, nil
					case multi:
						return ",\n" + ind + d.jsonUnit + s, nil
					case n > 0:
						return ", " + s, nil
					}
					return s, nil
				})
				if multi && n == 0 {
					// The closing line, after every member inserted here.
					d.edits = append(d.edits, &edit{start: closing, end: closing, seq: 1 << 30,
						render: func() (string, error) { return "\n" + ind, nil }})
				}
				return nil
			}
			d.add(closing, closing, func() (string, error) {
				s, err := render(true, "", false)
				if n > 0 {
					s = ", " + strings.TrimSpace(s)
				}
				return s, err
			})
			return nil
		}
		// After the last member's value.
		_, lastEnd, err := d.span(last)
		if err != nil {
			return err
		}
		if d.json {
			memberInd := d.lineIndent(last.Line)
			if c.Kind == yaml.MappingNode {
				memberInd = d.lineIndent(d.KeyOf(last).Line)
			}
			if !multi {
				memberInd = ""
			}
			d.add(lastEnd, lastEnd, func() (string, error) {
				s, err := render(false, memberInd, multi)
				if err != nil {
					return "", err
				}
				if multi {
					return ",\n" + memberInd + s, nil
				}
				return ", " + s, nil
			})
			return nil
		}
		d.add(lastEnd, lastEnd, func() (string, error) {
			s, err := render(true, "", false)
			if err != nil {
				return "", err
			}
			return ", " + strings.TrimSpace(s), nil
		})
		return nil
	}
	// Block collection: a new line after its last content line, at its
	// column.
	lastLine := d.blockLastLine(c)
	at := d.lineEnd(lastLine)
	pad := strings.Repeat(" ", c.Column-1)
	d.add(at, at, func() (string, error) {
		s, err := render(false, "", false)
		if err != nil {
			return "", err
		}
		return "\n" + pad + indentLines(s, pad), nil
	})
	return nil
}

// Delete removes key from mapping m.
func (d *Doc) Delete(m *yaml.Node, key string) error {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Value != key || k.Tag == "!!merge" {
			continue
		}
		if len(m.Content) == 2 && !isFlow(d, m) {
			return unsupported(d, m, "deleting the only key of a block mapping")
		}
		m.Content = append(m.Content[:i:i], m.Content[i+2:]...)
		if k.Line == 0 {
			return nil
		}
		kStart, err := d.offset(k.Line, k.Column)
		if err != nil {
			return err
		}
		_, vEnd, err := d.span(v)
		if err != nil {
			return err
		}
		if isFlow(d, m) {
			// Remove "key: value" and one neighbouring comma; a member
			// alone on its lines goes with its lines.
			start, end := kStart, vEnd
			if d.multiLine(m) {
				ls := d.lines[k.Line-1]
				j := end
				for j < len(d.src) && (d.src[j] == ' ' || d.src[j] == '\t') {
					j++
				}
				if j < len(d.src) && d.src[j] == ',' {
					j++
				}
				for j < len(d.src) && (d.src[j] == ' ' || d.src[j] == '\t' || d.src[j] == '\r') {
					j++
				}
				if strings.TrimSpace(string(d.src[ls:kStart])) == "" && j < len(d.src) && d.src[j] == '\n' && d.src[j-1] != '\n' && bytes.IndexByte(d.src[end:j], ',') >= 0 {
					d.add(ls, j+1, func() (string, error) { return "", nil })
					return nil
				}
			}
			j := end
			for j < len(d.src) && isSpace(d.src[j]) {
				j++
			}
			if j < len(d.src) && d.src[j] == ',' {
				end = j + 1
				for end < len(d.src) && (d.src[end] == ' ' || d.src[end] == '\t') {
					end++
				}
			} else {
				j = start - 1
				for j >= 0 && isSpace(d.src[j]) {
					j--
				}
				if j >= 0 && d.src[j] == ',' {
					start = j
				}
			}
			d.add(start, end, func() (string, error) { return "", nil })
			return nil
		}
		ls := d.lines[k.Line-1]
		if strings.TrimSpace(string(d.src[ls:kStart])) != "" {
			return unsupported(d, k, "key shares its line with a sequence dash")
		}
		lastLine := k.Line
		if v.Kind != yaml.ScalarNode && v.Style&yaml.FlowStyle == 0 && v.Line > 0 {
			lastLine = d.blockLastLine(v)
		} else if v.Line > 0 {
			_, e, err := d.span(v)
			if err != nil {
				return err
			}
			for lastLine < len(d.lines) && d.lines[lastLine] <= e {
				lastLine++
			}
		}
		end := len(d.src)
		if lastLine < len(d.lines) {
			end = d.lines[lastLine]
		}
		// Comments on the removed lines stay, as comment lines at the
		// key's indentation.
		var kept strings.Builder
		pad := strings.Repeat(" ", k.Column-1)
		for l := k.Line; l <= lastLine && l <= len(d.lines); l++ {
			text := d.lineText(l)
			if i := commentStart([]byte(text)); i >= 0 {
				kept.WriteString(pad + strings.TrimSpace(text[i:]) + "\n")
			}
		}
		keep := kept.String()
		d.add(ls, end, func() (string, error) { return keep, nil })
		return nil
	}
	return nil
}

// Bytes applies the edits and checks that the result parses back to the
// edited tree.
func (d *Doc) Bytes() ([]byte, error) {
	if len(d.edits) == 0 {
		return d.src, nil
	}
	es := append([]*edit(nil), d.edits...)
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].start != es[j].start {
			return es[i].start < es[j].start
		}
		return es[i].seq < es[j].seq
	})
	var out bytes.Buffer
	pos := 0
	for _, e := range es {
		if e.start < pos {
			return nil, fmt.Errorf("%s: overlapping edits at byte %d", d.Name, e.start)
		}
		out.Write(d.src[pos:e.start])
		s, err := e.render()
		if err != nil {
			return nil, err
		}
		out.WriteString(s)
		pos = e.end
	}
	out.Write(d.src[pos:])
	b := out.Bytes()
	if err := d.verify(b); err != nil {
		return nil, err
	}
	return b, nil
}

// verify parses b again and compares it with the edited tree.
func (d *Doc) verify(b []byte) error {
	var got *yaml.Node
	var err error
	if d.json {
		got, err = tree.Parse(d.Name, b)
	} else {
		got, err = parseYAML(d.Name, b)
	}
	if err != nil {
		return fmt.Errorf("rewritten %s does not parse: %w", d.Name, err)
	}
	if p := diffNodes(d.root, got, "", 0); p != "" {
		return fmt.Errorf("rewritten %s does not read back as the edited document (at %s)", d.Name, p)
	}
	return nil
}

// Equal reports whether two trees hold the same data (kinds, tags,
// values, order), whatever their layout.
func Equal(a, b *yaml.Node) bool { return diffNodes(a, b, "", 0) == "" }

func diffNodes(a, b *yaml.Node, path string, depth int) string {
	if depth > 256 {
		return ""
	}
	if a == nil || b == nil {
		if a == b {
			return ""
		}
		return path + ": missing"
	}
	if a.Kind != b.Kind {
		return path + ": kind"
	}
	switch a.Kind {
	case yaml.ScalarNode:
		if a.Value != b.Value || a.ShortTag() != b.ShortTag() {
			return fmt.Sprintf("%s: %q (%s) != %q (%s)", path, a.Value, a.ShortTag(), b.Value, b.ShortTag())
		}
		return ""
	case yaml.AliasNode:
		if a.Value != b.Value {
			return path + ": alias"
		}
		return ""
	}
	if a.Tag != b.Tag && a.ShortTag() != b.ShortTag() {
		return path + ": tag " + a.Tag + " != " + b.Tag
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: %d != %d children", path, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		p := path + "/" + strconv.Itoa(i)
		if a.Kind == yaml.MappingNode && i%2 == 1 {
			p = path + "/" + a.Content[i-1].Value
		}
		if s := diffNodes(a.Content[i], b.Content[i], p, depth+1); s != "" {
			return s
		}
	}
	return ""
}

// NodesAt returns the nodes that start at line:col (1-based, rune
// column), outermost first: a mapping and its first key start at the same
// place.
func (d *Doc) NodesAt(line, col int) []*yaml.Node {
	var out []*yaml.Node
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > 256 || n.Line > line {
			return
		}
		if n.Line == line && n.Column == col {
			out = append(out, n)
		}
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(d.root, 0)
	return out
}

// Parent returns the collection holding n, or nil for the root.
func (d *Doc) Parent(n *yaml.Node) *yaml.Node { return d.parent[n] }

// KeyOf returns the key node of a mapping value, or nil.
func (d *Doc) KeyOf(v *yaml.Node) *yaml.Node {
	p := d.parent[v]
	if p == nil || p.Kind != yaml.MappingNode {
		return nil
	}
	for i := 1; i < len(p.Content); i += 2 {
		if p.Content[i] == v {
			return p.Content[i-1]
		}
	}
	return nil
}

// ValueOf returns the value of a mapping key node, or nil.
func (d *Doc) ValueOf(k *yaml.Node) *yaml.Node {
	p := d.parent[k]
	if p == nil || p.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(p.Content); i += 2 {
		if p.Content[i] == k {
			return p.Content[i+1]
		}
	}
	return nil
}

// Path returns the keys (or sequence indexes as "[i]") from the root to
// n.
func (d *Doc) Path(n *yaml.Node) []string {
	var rev []string
	for c := n; c != nil; {
		p := d.parent[c]
		if p == nil {
			break
		}
		switch p.Kind {
		case yaml.MappingNode:
			for i := 0; i < len(p.Content); i++ {
				if p.Content[i] == c {
					if i%2 == 1 {
						rev = append(rev, p.Content[i-1].Value)
					} else {
						rev = append(rev, p.Content[i].Value)
					}
				}
			}
		case yaml.SequenceNode:
			for i, x := range p.Content {
				if x == c {
					rev = append(rev, "["+strconv.Itoa(i)+"]")
				}
			}
		}
		c = p
	}
	out := make([]string, len(rev))
	for i := range rev {
		out[i] = rev[len(rev)-1-i]
	}
	return out
}

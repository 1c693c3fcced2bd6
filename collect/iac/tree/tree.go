// Package tree parses YAML and JSON infrastructure files into one node
// tree that keeps line and column of every value (go.yaml.in/yaml/v3
// nodes), so collectors for CloudFormation, OpenAPI and Serverless files
// read both syntaxes the same way and findings point at the line.
//
// YAML keeps its tags (!Ref, !Sub, ...). JSON is read by a small
// position-tracking parser (encoding/json drops positions) into the same
// node shapes: objects become mapping nodes, arrays sequence nodes,
// strings, numbers, booleans and null scalar nodes with the usual tags.
package tree

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// MaxSize bounds one input file.
const MaxSize = 32 << 20

// IsJSON reports whether data looks like a JSON document.
func IsJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

// Parse parses a YAML or JSON document and returns its root value node
// (never a DocumentNode). Errors carry "name:line:" first.
func Parse(name string, data []byte) (n *yaml.Node, err error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: file larger than %d bytes", name, MaxSize)
	}
	defer func() {
		// yaml.v3 has panicked on hostile input in the past; never let a
		// template take the run down.
		if v := recover(); v != nil {
			n, err = nil, fmt.Errorf("%s: invalid YAML: %v", name, v)
		}
	}()
	if IsJSON(data) {
		return parseJSON(name, data)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlErr(name, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1, Column: 1}, nil
	}
	return doc.Content[0], nil
}

// yamlErr turns "yaml: line 12: did not find ..." into a SourceError at
// line 12 of file name: "invalid YAML: did not find ...".
func yamlErr(name string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, m, ok := strings.Cut(rest, ": "); ok {
			if line, err := strconv.Atoi(n); err == nil {
				return &evidence.SourceError{Source: evidence.Source{File: name, Line: line}, Msg: "invalid YAML: " + m}
			}
			return errors.New(name + ":" + n + ": invalid YAML: " + m)
		}
		return errors.New(name + ":" + rest)
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return &evidence.SourceError{Source: evidence.Source{File: name}, Msg: "invalid YAML: " + te.Errors[0]}
	}
	return &evidence.SourceError{Source: evidence.Source{File: name}, Msg: "invalid YAML: " + msg}
}

// resolve follows YAML aliases (*anchor) to the anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// Get returns the value of key in mapping m, or nil. Aliases are
// followed and merge keys (<<: *defaults) consulted after the mapping's
// own keys.
func Get(m *yaml.Node, key string) *yaml.Node {
	budget := mergeBudget
	return get(m, key, 0, &budget)
}

// mergeBudget bounds the mappings visited through merge keys by one Get
// or Pairs call: merges of merges fan out, and hostile YAML must not make
// that exponential.
const mergeBudget = 256

func get(m *yaml.Node, key string, depth int, budget *int) *yaml.Node {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > 8 || *budget <= 0 {
		return nil
	}
	*budget--
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i].Tag != "!!merge" {
			return resolve(m.Content[i+1])
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag == "!!merge" {
			v := resolve(m.Content[i+1])
			if v != nil && v.Kind == yaml.SequenceNode {
				for _, it := range v.Content {
					if r := get(it, key, depth+1, budget); r != nil {
						return r
					}
				}
			} else if r := get(v, key, depth+1, budget); r != nil {
				return r
			}
		}
	}
	return nil
}

// GetFold is Get with a case-insensitive key (no merge keys).
func GetFold(m *yaml.Node, key string) *yaml.Node {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if strings.EqualFold(m.Content[i].Value, key) {
			return resolve(m.Content[i+1])
		}
	}
	return nil
}

// KeyNode returns the key node of key in m (its position is the line to
// point at), or nil.
func KeyNode(m *yaml.Node, key string) *yaml.Node {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// Pairs calls fn for each key/value of mapping m, in order, then for the
// keys merged in with <<: that the mapping does not set itself.
func Pairs(m *yaml.Node, fn func(k, v *yaml.Node)) {
	budget := mergeBudget
	pairs(m, fn, map[string]bool{}, 0, &budget)
}

func pairs(m *yaml.Node, fn func(k, v *yaml.Node), seen map[string]bool, depth int, budget *int) {
	m = resolve(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > 8 || *budget <= 0 {
		return
	}
	*budget--
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Tag == "!!merge" {
			merges = append(merges, resolve(m.Content[i+1]))
			continue
		}
		if seen[k.Value] {
			continue
		}
		seen[k.Value] = true
		fn(k, resolve(m.Content[i+1]))
	}
	for _, v := range merges {
		if v != nil && v.Kind == yaml.SequenceNode {
			for _, it := range v.Content {
				pairs(it, fn, seen, depth+1, budget)
			}
		} else {
			pairs(v, fn, seen, depth+1, budget)
		}
	}
}

// Items returns a sequence's items; a scalar is a one-item list.
func Items(n *yaml.Node) []*yaml.Node {
	n = resolve(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.SequenceNode:
		return n.Content
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil
		}
		return []*yaml.Node{n}
	}
	return nil
}

// Scalar returns the plain string of a scalar node without a custom tag
// ("" and false otherwise).
func Scalar(n *yaml.Node) (string, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return "", false
	}
	return n.Value, true
}

// Str returns a scalar's value or "".
func Str(n *yaml.Node) string {
	s, _ := Scalar(n)
	return s
}

// Bool reads a boolean scalar; ok is false when n is missing or not a
// boolean ("true"/"false" in any case, as CloudFormation accepts).
func Bool(n *yaml.Node) (v, ok bool) {
	s, isScalar := Scalar(n)
	if !isScalar {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

// Src locates n in file.
func Src(file string, n *yaml.Node) evidence.Source {
	if n == nil {
		return evidence.Source{File: file}
	}
	return evidence.Source{File: file, Line: n.Line, Column: n.Column}
}

// Templates reads a mapping of content type to mapping template
// (RequestTemplates/ResponseTemplates); templates given as intrinsics are
// rendered. nil when there is none.
func Templates(m *yaml.Node) map[string]string {
	var out map[string]string
	Pairs(m, func(k, v *yaml.Node) {
		if out == nil {
			out = map[string]string{}
		}
		out[k.Value] = Render(v)
	})
	return out
}

// Render renders a node compactly for messages ("!Sub '${Origin}'").
func Render(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			return n.Tag + " " + n.Value
		}
		return n.Value
	case yaml.AliasNode:
		return "*" + n.Value
	case yaml.SequenceNode:
		parts := make([]string, len(n.Content))
		for i, c := range n.Content {
			parts[i] = Render(c)
		}
		s := "[" + strings.Join(parts, ", ") + "]"
		if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
			s = n.Tag + " " + s
		}
		return s
	case yaml.MappingNode:
		var parts []string
		Pairs(n, func(k, v *yaml.Node) { parts = append(parts, k.Value+": "+Render(v)) })
		s := "{" + strings.Join(parts, ", ") + "}"
		if len(s) > 120 {
			s = s[:117] + "..."
		}
		return s
	}
	return ""
}

// Value converts a scalar to a known apimodel.Value; anything else (an
// intrinsic function tag, a mapping such as {"Fn::Sub": ...}, a sequence)
// is an unknown value whose expression is the rendered node.
func Value(file string, n *yaml.Node) apimodel.Value {
	if n == nil {
		return apimodel.Value{}
	}
	if s, ok := Scalar(n); ok {
		return apimodel.Known(s, Src(file, n))
	}
	return apimodel.UnknownValue(Render(n), Src(file, n))
}

// Notes collects the constructs a collector saw and could not evaluate
// (apimodel.Unread), for one file or module; a nil *Notes drops them.
type Notes struct {
	List []apimodel.Unread
	// Constructs map line ranges of CDK output to the construct paths of
	// their resources (Metadata aws:cdk:path).
	Constructs []Construct
}

// Construct is the CDK construct path of the lines From..To of File.
type Construct struct {
	File     string
	From, To int
	Path     string
}

// Add records one unread construct.
func (n *Notes) Add(src evidence.Source, what, why string) {
	if n == nil {
		return
	}
	n.List = append(n.List, apimodel.Unread{What: what, Why: why, Source: src})
}

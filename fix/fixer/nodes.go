package fixer

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Node constructors for the values fixes insert. Strings are tagged
// !!str so that "200" or "true" stay strings in YAML and JSON alike.

// Str is a string scalar.
func Str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// Bool is a boolean scalar.
func Bool(b bool) *yaml.Node {
	v := "false"
	if b {
		v = "true"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: v}
}

// Int is an integer scalar.
func Int(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: s} }

// Map is a block mapping of key, value pairs (keys as strings).
func Map(kv ...any) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		m.Content = append(m.Content, Str(k), value(kv[i+1]))
	}
	return m
}

// Seq is a block sequence.
func Seq(items ...any) *yaml.Node {
	s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, it := range items {
		s.Content = append(s.Content, value(it))
	}
	return s
}

// Strs is a sequence of strings.
func Strs(items []string) *yaml.Node {
	s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, it := range items {
		s.Content = append(s.Content, Str(it))
	}
	return s
}

func value(v any) *yaml.Node {
	switch x := v.(type) {
	case *yaml.Node:
		return x
	case string:
		return Str(x)
	case bool:
		return Bool(x)
	case []string:
		return Strs(x)
	}
	panic("fixer: unsupported node value")
}

// Flow marks a collection (and its children) for flow style.
func Flow(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style |= yaml.FlowStyle
	}
	for _, c := range n.Content {
		Flow(c)
	}
	return n
}

// Comment puts a head comment on the first key of a mapping.
func Comment(m *yaml.Node, text string) *yaml.Node {
	if m.Kind == yaml.MappingNode && len(m.Content) > 0 {
		m.Content[0].HeadComment = "# " + strings.TrimPrefix(text, "# ")
	}
	return m
}

// ScalarValue returns a scalar's plain value and whether n is a scalar
// without a custom tag.
func ScalarValue(n *yaml.Node) (string, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", false
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return "", false
	}
	return n.Value, true
}

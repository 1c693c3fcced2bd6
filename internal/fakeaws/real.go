package fakeaws

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Helpers reading the real AWS samples of testdata/real (CLI examples,
// documentation excerpts) as JSON, for this package's and the
// collectors' tests.

// balanced returns the JSON value starting at s[i] ('{' or '['), or ""
// when the text ends first (a cut sample).
func balanced(s string, i int) string {
	depth, inStr := 0, false
	for j := i; j < len(s); j++ {
		c := s[j]
		switch {
		case inStr && c == '\\':
			j++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return s[i : j+1]
			}
		}
	}
	return ""
}

var (
	jsKey         = regexp.MustCompile(`(?m)^(\s*)([A-Za-z_][A-Za-z0-9_]*):`)
	trailingComma = regexp.MustCompile(`,(\s*[\]}])`)
)

// SampleJSON extracts the JSON document of a sample: the object after
// "Output::" in CLI examples, the first object otherwise; JavaScript-style
// unquoted keys (the CloudTrail doc) are quoted and "... additional
// entries ..." and trailing commas dropped; a fragment
// ("key" : {...},) is wrapped in an object.
func SampleJSON(text string) (any, error) {
	if i := strings.Index(text, "Output::"); i >= 0 {
		text = text[i:]
	}
	text = strings.ReplaceAll(text, "... additional entries ...", "")
	i := strings.IndexAny(text, "{")
	if q := strings.Index(text, "\""); q >= 0 && q < i {
		// a fragment: "key" : { ... },
		text = "{" + strings.TrimSuffix(strings.TrimSpace(text[q:]), ",") + "}"
		i = 0
	}
	if i < 0 {
		return nil, fmt.Errorf("no JSON object")
	}
	doc := balanced(text, i)
	if doc == "" {
		return nil, fmt.Errorf("JSON object cut off")
	}
	doc = jsKey.ReplaceAllString(doc, `$1"$2":`)
	doc = trailingComma.ReplaceAllString(doc, "$1")
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// CompleteObjects returns the complete objects of the array under key in
// a sample cut mid-array (the AWS Health CLI example ends mid-event).
func CompleteObjects(text, key string) ([]any, error) {
	i := strings.Index(text, `"`+key+`"`)
	if i < 0 {
		return nil, fmt.Errorf("no %q", key)
	}
	var out []any
	for j := strings.IndexByte(text[i:], '[') + i + 1; j < len(text); j++ {
		if text[j] != '{' {
			continue
		}
		obj := balanced(text, j)
		if obj == "" {
			break
		}
		dec := json.NewDecoder(strings.NewReader(obj))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
		j += len(obj)
	}
	return out, nil
}

// Camel re-cases the CLI's PascalCase apigatewayv2 members to the wire's
// camelCase (reference README, difference 9); tag and stage-variable
// keys are data and kept.
func Camel(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			nk := k
			if r := []rune(k); len(r) > 0 {
				r[0] = unicode.ToLower(r[0])
				nk = string(r)
			}
			if k == "Tags" || k == "StageVariables" || k == "RouteSettings" {
				out[nk] = e
				continue
			}
			out[nk] = Camel(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Camel(e)
		}
		return out
	}
	return v
}

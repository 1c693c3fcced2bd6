package scan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/yaml"
)

// maxOperations bounds the targets one spec may produce.
const maxOperations = 100_000

// ReadOpenAPI turns an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML)
// into targets: every server URL times every path and method. Path
// parameters take their example, default or first enum value, else "1".
// Relative server URLs are resolved against base (a target URL given on
// the command line); without one they are an error. External $refs are
// never followed.
func ReadOpenAPI(data []byte, name string, base string) ([]Target, error) {
	doc, err := loadOpenAPI(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	servers, err := serverURLs(doc, base)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var out []Target
	if doc.Paths == nil {
		return nil, nil
	}
	paths := doc.Paths.Map()
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, srv := range servers {
		for _, p := range keys {
			item := paths[p]
			ops := item.Operations()
			methods := make([]string, 0, len(ops))
			for m := range ops {
				methods = append(methods, m)
			}
			sort.Strings(methods)
			for _, m := range methods {
				if m == "OPTIONS" || m == "TRACE" || m == "CONNECT" {
					continue
				}
				raw := strings.TrimSuffix(srv, "/") + fillPath(p, item, ops[m])
				t, err := ParseTarget(m + " " + raw)
				if err != nil {
					return nil, fmt.Errorf("%s: paths.%s.%s: %w", name, p, strings.ToLower(m), err)
				}
				t.File = name
				out = append(out, t)
				if len(out) > maxOperations {
					return nil, fmt.Errorf("%s: more than %d operations", name, maxOperations)
				}
			}
		}
	}
	return out, nil
}

func loadOpenAPI(data []byte) (*openapi3.T, error) {
	var probe struct {
		Swagger string `json:"swagger"`
		OpenAPI string `json:"openapi"`
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil, fmt.Errorf("not JSON or YAML: %w", err)
	}
	if err := json.Unmarshal(js, &probe); err != nil {
		return nil, fmt.Errorf("not an OpenAPI document: %w", err)
	}
	switch {
	case strings.HasPrefix(probe.Swagger, "2"):
		var d2 openapi2.T
		if err := json.Unmarshal(js, &d2); err != nil {
			return nil, fmt.Errorf("swagger 2.0: %w", err)
		}
		return openapi2conv.ToV3(&d2)
	case probe.OpenAPI != "":
		l := openapi3.NewLoader()
		l.IsExternalRefsAllowed = false
		return l.LoadFromData(data)
	}
	return nil, fmt.Errorf("neither an \"openapi\" nor a \"swagger\" version field")
}

func serverURLs(doc *openapi3.T, base string) ([]string, error) {
	var out []string
	for _, s := range doc.Servers {
		if s == nil {
			continue
		}
		u := s.URL
		for name, v := range s.Variables {
			if v != nil {
				u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
			}
		}
		pu, err := url.Parse(u)
		if err != nil {
			return nil, fmt.Errorf("servers: invalid URL %q: %w", s.URL, err)
		}
		if !pu.IsAbs() {
			if base == "" {
				return nil, fmt.Errorf("servers: relative URL %q; give the API's base URL as a TARGET argument", s.URL)
			}
			b, err := url.Parse(base)
			if err != nil {
				return nil, err
			}
			pu = b.ResolveReference(pu)
		}
		out = append(out, pu.String())
	}
	if len(out) == 0 {
		if base == "" {
			return nil, fmt.Errorf("no servers; give the API's base URL as a TARGET argument")
		}
		out = append(out, base)
	}
	return out, nil
}

// fillPath substitutes path parameters with example values.
func fillPath(p string, item *openapi3.PathItem, op *openapi3.Operation) string {
	if !strings.Contains(p, "{") {
		return p
	}
	vals := map[string]string{}
	add := func(ps openapi3.Parameters) {
		for _, ref := range ps {
			if ref == nil || ref.Value == nil || ref.Value.In != "path" {
				continue
			}
			vals[ref.Value.Name] = paramValue(ref.Value)
		}
	}
	add(item.Parameters)
	add(op.Parameters)
	var b bytes.Buffer
	for {
		i := strings.IndexByte(p, '{')
		j := strings.IndexByte(p, '}')
		if i < 0 || j < i {
			b.WriteString(p)
			return b.String()
		}
		b.WriteString(p[:i])
		v, ok := vals[p[i+1:j]]
		if !ok || v == "" {
			v = "1"
		}
		b.WriteString(url.PathEscape(v))
		p = p[j+1:]
	}
}

func paramValue(p *openapi3.Parameter) string {
	if p.Example != nil {
		return fmt.Sprint(p.Example)
	}
	for _, ex := range p.Examples {
		if ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return fmt.Sprint(ex.Value.Value)
		}
	}
	if p.Schema != nil && p.Schema.Value != nil {
		s := p.Schema.Value
		if s.Default != nil {
			return fmt.Sprint(s.Default)
		}
		if len(s.Enum) > 0 {
			return fmt.Sprint(s.Enum[0])
		}
	}
	return ""
}

package tree

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/corsdoctor/corsdoctor/apimodel"
)

func TestParseJSONPositions(t *testing.T) {
	t.Parallel()
	src := "{\n  \"Resources\": {\n    \"Api\": {\"Type\": \"AWS::ApiGateway::RestApi\", \"n\": [1, -2.5e3, true, null, \"é\\u00e9\"]}\n  }\n}\n"
	root, err := Parse("t.json", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	api := Get(Get(root, "Resources"), "Api")
	cases := []struct {
		desc       string
		n          *yaml.Node
		line, col  int
		value, tag string
	}{
		{"object value", api, 3, 12, "", "!!map"},
		{"string", Get(api, "Type"), 3, 21, "AWS::ApiGateway::RestApi", "!!str"},
		{"int", Get(api, "n").Content[0], 3, 55, "1", "!!int"},
		{"float", Get(api, "n").Content[1], 3, 58, "-2.5e3", "!!float"},
		{"bool", Get(api, "n").Content[2], 3, 66, "true", "!!bool"},
		{"null", Get(api, "n").Content[3], 3, 72, "null", "!!null"},
		{"escapes", Get(api, "n").Content[4], 3, 78, "éé", "!!str"},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			if c.n == nil {
				t.Fatal("node missing")
			}
			if c.n.Line != c.line || c.n.Column != c.col || c.n.Value != c.value || c.n.Tag != c.tag {
				t.Errorf("got %d:%d %q %s, want %d:%d %q %s", c.n.Line, c.n.Column, c.n.Value, c.n.Tag, c.line, c.col, c.value, c.tag)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		desc, name, src, prefix string
	}{
		{"yaml", "t.yaml", "a: [1, 2\nb: c\n", "t.yaml:"},
		{"json missing comma", "t.json", "{\n  \"a\": 1\n  \"b\": 2\n}", "t.json:3:3:"},
		{"json trailing data", "t.json", "{} x", "t.json:1:4:"},
		{"json unterminated", "t.json", "{\"a\": \"b", "t.json:1:"},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			_, err := Parse(c.name, []byte(c.src))
			if err == nil || !strings.HasPrefix(err.Error(), c.prefix) {
				t.Errorf("err = %v, want prefix %q", err, c.prefix)
			}
		})
	}
}

func TestParseYAMLTags(t *testing.T) {
	t.Parallel()
	root, err := Parse("t.yaml", []byte("Uri: !Sub 'arn:${Fn.Arn}'\nName: plain\n"))
	if err != nil {
		t.Fatal(err)
	}
	uri := Get(root, "Uri")
	if uri.Tag != "!Sub" || uri.Line != 1 || uri.Column != 6 {
		t.Errorf("Uri = %s at %d:%d", uri.Tag, uri.Line, uri.Column)
	}
	if v := Value("t.yaml", uri); !v.Unknown || v.Expr != "!Sub arn:${Fn.Arn}" {
		t.Errorf("Value(!Sub) = %+v, want unknown", v)
	}
	if v := Value("t.yaml", Get(root, "Name")); v.Unknown || v.S != "plain" {
		t.Errorf("Value(plain) = %+v", v)
	}
}

func TestScanCode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		desc, src string
		sets      bool
	}{
		{"python dict", `return {"statusCode": 200, "headers": {"Access-Control-Allow-Origin": "*"}}`, true},
		{"node lower-case", `headers: {'access-control-allow-origin': origin}`, true},
		{"express cors", `const cors = require('cors'); app.use(cors())`, true},
		{"fastapi", `app.add_middleware(CORSMiddleware, allow_origins=["*"])`, true},
		{"none", `return {"statusCode": 200, "body": "ok"}`, false},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			got, _ := ScanCode(c.src)
			if (got == apimodel.TriYes) != c.sets {
				t.Errorf("ScanCode = %v, want sets=%v", got, c.sets)
			}
		})
	}
}

// FuzzParse: never panic; JSON input parsed by our parser agrees with
// encoding/json on validity.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"Resources": {"A": {"Type": "AWS::ApiGateway::RestApi"}}}`))
	f.Add([]byte("Resources:\n  A:\n    Type: !Ref X\n"))
	f.Add([]byte(`[1, 2.5, "x\u00e9", null, true]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := Parse("f", data)
		if (n == nil) == (err == nil) {
			t.Fatalf("want a node xor an error, got %v, %v", n, err)
		}
		// Invalid UTF-8 is an error with its location here, where
		// encoding/json silently replaces it: templates are UTF-8.
		if IsJSON(data) && utf8.Valid(data) {
			var v any
			std := json.Unmarshal(data, &v)
			if (std == nil) != (err == nil) {
				t.Fatalf("encoding/json err=%v, ours err=%v for %q", std, err, data)
			}
		}
	})
}

func TestHandlerFunctionImports(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"src/app.py":           "from utils.http import ok\nimport json\n\ndef handler(e, c):\n    return ok({})\n",
		"src/utils/http.py":    "from .headers import CORS\n\ndef ok(body):\n    return {'statusCode': 200, 'headers': CORS}\n",
		"src/utils/headers.py": "CORS = {'Access-Control-Allow-Origin': 'https://app.example.com'}\n",
		"node/index.js":        "const { respond } = require('./lib/respond');\nexports.handler = async () => respond(200);\n",
		"node/lib/respond.js":  "module.exports.respond = (s) => ({ statusCode: s, headers: { 'access-control-allow-origin': '*' } });\n",
		"plain/app.py":         "import os\n\ndef handler(e, c):\n    return {'statusCode': 200}\n",
	}
	read := func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, os.ErrNotExist
	}
	cases := []struct {
		desc, dir, runtime, handler string
		want                        apimodel.Tri
	}{
		{"python helper two imports deep", "src", "python3.12", "app.handler", apimodel.TriYes},
		{"node require", "node", "nodejs20.x", "index.handler", apimodel.TriYes},
		{"no CORS anywhere", "plain", "python3.12", "app.handler", apimodel.TriNo},
		{"handler not found", "missing", "python3.12", "app.handler", apimodel.TriUnknown},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			f := HandlerFunction(read, "fn", c.dir, c.runtime, c.handler, apimodel.Value{})
			if f.SetsAllowOrigin != c.want {
				t.Errorf("SetsAllowOrigin = %v, want %v", f.SetsAllowOrigin, c.want)
			}
		})
	}
}

func TestAliasesAndMerges(t *testing.T) {
	t.Parallel()
	src := `
defaults: &cors
  origin: https://app.example.com
  headers: [Content-Type]
fn:
  cors: *cors
  other:
    <<: *cors
    origin: https://override.example.com
`
	root, err := Parse("s.yml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	fn := Get(root, "fn")
	if got := Str(Get(Get(fn, "cors"), "origin")); got != "https://app.example.com" {
		t.Errorf("alias: origin = %q", got)
	}
	other := Get(fn, "other")
	if got := Str(Get(other, "origin")); got != "https://override.example.com" {
		t.Errorf("merge must not override explicit keys: %q", got)
	}
	if got := Items(Get(other, "headers")); len(got) != 1 || got[0].Value != "Content-Type" {
		t.Errorf("merged key: %v", got)
	}
	var keys []string
	Pairs(other, func(k, _ *yaml.Node) { keys = append(keys, k.Value) })
	if strings.Join(keys, ",") != "origin,headers" {
		t.Errorf("Pairs over a merge = %v", keys)
	}
}

// TestMergeBomb: merges of merges must not fan out exponentially.
func TestMergeBomb(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("a0: &a0 {x: 1}\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "a%d: &a%d\n  <<: [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("top:\n  <<: *a12\n")
	root, err := Parse("bomb.yaml", []byte(b.String()))
	if err != nil {
		t.Skipf("the YAML library refuses the document: %v", err)
	}
	n := 0
	Pairs(Get(root, "top"), func(_, _ *yaml.Node) { n++ })
	if Get(Get(root, "top"), "missing") != nil {
		t.Error("found a missing key")
	}
	if n > 1 {
		t.Errorf("%d pairs", n)
	}
}

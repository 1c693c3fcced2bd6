package handler

import (
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/collect/iac/tree"
)

func TestPatch(t *testing.T) {
	t.Parallel()
	one := []string{"https://app.example.com"}
	two := []string{"https://app.example.com", "https://admin.example.com"}
	for _, tc := range []struct {
		desc, lang, src, name string
		origins               []string
		want                  []string // substrings of the result
		why                   string   // non-empty: not patched, with this reason
	}{
		{
			desc: "python one-line return", lang: "python", name: "handler", origins: one,
			src:  "def handler(event, context):\n    return {'statusCode': 200, 'body': '[]'}\n",
			want: []string{"return {'headers': {'Access-Control-Allow-Origin': 'https://app.example.com'}, 'statusCode': 200"},
		},
		{
			desc: "python existing headers get the header", lang: "python", name: "handler", origins: one,
			src:  "import json\n\n\ndef handler(event, context):\n    if not event.get('body'):\n        return {\"statusCode\": 400, \"body\": \"{}\"}\n    return {\n        \"statusCode\": 200,\n        \"headers\": {\"Content-Type\": \"application/json\"},\n        \"body\": json.dumps({}),\n    }\n",
			want: []string{`return {"headers": {"Access-Control-Allow-Origin": "https://app.example.com"}, "statusCode": 400`, `"headers": {"Access-Control-Allow-Origin": "https://app.example.com", "Content-Type"`},
		},
		{
			desc: "python several origins echo with Vary", lang: "python", name: "handler", origins: two,
			src:  "def handler(evt, ctx):\n    return {'statusCode': 200}\n",
			want: []string{"CORS_ALLOWED_ORIGINS = {'https://app.example.com', 'https://admin.example.com'}", "'Vary': 'Origin'", "return {'headers': cors_headers(evt), 'statusCode': 200}"},
		},
		{
			desc: "python returns a variable", lang: "python", name: "handler", origins: one,
			src: "def handler(event, context):\n    resp = {'statusCode': 200}\n    return resp\n",
			why: "does not return a dict literal",
		},
		{
			desc: "python nested function", lang: "python", name: "handler", origins: one,
			src: "def handler(event, context):\n    def inner():\n        return {'statusCode': 1}\n    return {'statusCode': 200}\n",
			why: "nested functions",
		},
		{
			desc: "node multi-return", lang: "node", name: "handler", origins: one,
			src:  "export const handler = async (event) => {\n  if (!event.body) {\n    return { statusCode: 400, body: '{}' };\n  }\n  return {\n    statusCode: 200,\n    headers: { 'Content-Type': 'application/json' },\n    body: event.body,\n  };\n};\n",
			want: []string{"return { headers: { 'Access-Control-Allow-Origin': 'https://app.example.com' }, statusCode: 400", "headers: { 'Access-Control-Allow-Origin': 'https://app.example.com', 'Content-Type'"},
		},
		{
			desc: "node concise arrow, several origins", lang: "node", name: "handler", origins: two,
			src:  "exports.handler = async (event) => ({ statusCode: 200, body: 'ok' });\n",
			want: []string{"function corsHeaders(event)", "({ headers: corsHeaders(event), statusCode: 200"},
		},
		{
			desc: "node callback inside", lang: "node", name: "handler", origins: one,
			src: "exports.handler = async (event) => {\n  const xs = [1].map(x => x * 2);\n  return { statusCode: 200 };\n};\n",
			why: "nested functions",
		},
		{
			desc: "python error path gets the module's CORS headers (no origin given)", lang: "python", name: "handler",
			src:  "CORS = {\"Access-Control-Allow-Origin\": \"https://app.example.com\"}\n\n\ndef handler(event, context):\n    if not event:\n        return {\"statusCode\": 400}\n    if event.get('x'):\n        return {\"statusCode\": 201, \"headers\": {\"Content-Type\": \"text/plain\"}}\n    return {\"statusCode\": 200, \"headers\": CORS}\n",
			want: []string{`return {"headers": CORS, "statusCode": 400}`, `"headers": {**CORS, "Content-Type": "text/plain"}`, `return {"statusCode": 200, "headers": CORS}`},
		},
		{
			desc: "python headers constant without the header", lang: "python", name: "handler",
			src: "H = {'Content-Type': 'text/plain'}\n\n\ndef handler(event, context):\n    return {'statusCode': 200, 'headers': H}\n",
			why: needOrigin,
		},
		{
			desc: "node error path gets the module's CORS headers", lang: "node", name: "handler",
			src:  "const cors = { 'Access-Control-Allow-Origin': 'https://app.example.com', Vary: 'Origin' };\nexports.handler = async (event) => {\n  if (!event.body) {\n    return { statusCode: 400, body: '{}' };\n  }\n  return { statusCode: 200, headers: cors, body: event.body };\n};\n",
			want: []string{"return { headers: cors, statusCode: 400", "return { statusCode: 200, headers: cors, body"},
		},
		{
			desc: "node two header constants", lang: "node", name: "handler", origins: one,
			src: "const a = { 'Access-Control-Allow-Origin': 'https://app.example.com' };\nconst b = { 'Access-Control-Allow-Origin': 'https://x.example.com' };\nexports.handler = async (event) => {\n  if (!event.body) {\n    return { statusCode: 400, headers: a };\n  }\n  return { statusCode: 200, headers: b };\n};\n",
			why: "not an object literal",
		},
		{
			desc: "node handler missing", lang: "node", name: "main", origins: one,
			src: "exports.handler = async () => ({ statusCode: 200 });\n",
			why: "not found",
		},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			var out, why string
			if tc.lang == "python" {
				out, why = patchPython(tc.src, tc.name, tc.origins)
			} else {
				out, why = patchNode(tc.src, tc.name, tc.origins)
			}
			if tc.why != "" {
				if !strings.Contains(why, tc.why) {
					t.Fatalf("why = %q, want %q (out %q)", why, tc.why, out)
				}
				return
			}
			if why != "" {
				t.Fatalf("not patched: %s", why)
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("result lacks %q:\n%s", w, out)
				}
			}
			// The collectors now see a function that sets the header.
			if sets, _ := tree.ScanCode(out); sets != apimodel.TriYes {
				t.Errorf("ScanCode does not see Access-Control-Allow-Origin in:\n%s", out)
			}
			// Patching again changes nothing.
			var again string
			if tc.lang == "python" {
				again, why = patchPython(out, tc.name, tc.origins)
			} else {
				again, why = patchNode(out, tc.name, tc.origins)
			}
			if why == "" && again != out && len(tc.origins) == 1 {
				t.Errorf("second patch changed the code:\n%s", again)
			}
		})
	}
}

// FuzzPatch feeds arbitrary handler source to both patchers: no panic,
// and a patch never loses the original text's statusCode literals.
func FuzzPatch(f *testing.F) {
	f.Add("def handler(event, context):\n    return {'statusCode': 200}\n")
	f.Add("exports.handler = async (e) => { return { statusCode: 200, headers: { a: 'b' } }; };")
	f.Add("export const handler = async (event) => ({ statusCode: 200 })")
	f.Add("def handler(e, c):\n    return {'statusCode': 200, 'headers': {\"x\": '''y'''}}\n")
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 4096 {
			return
		}
		for _, o := range [][]string{{"https://a.example"}, {"https://a.example", "https://b.example"}} {
			if out, why := patchPython(src, "handler", o); why == "" && strings.Count(out, "statusCode") < strings.Count(src, "statusCode") {
				t.Fatalf("python patch lost code:\n%s\n->\n%s", src, out)
			}
			if out, why := patchNode(src, "handler", o); why == "" && strings.Count(out, "statusCode") < strings.Count(src, "statusCode") {
				t.Fatalf("node patch lost code:\n%s\n->\n%s", src, out)
			}
		}
	})
}

// TestAdvice: a handler that cannot be patched with certainty gets the
// snippet and where it goes, the file and the line of the handler's
// definition.
func TestAdvice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lang, src, handler string
		want               []string
	}{
		{"python", "import json\n\n\ndef helper(x):\n    return x\n\n\ndef handler(event, context):\n    return helper({'statusCode': 200})\n", "app.handler",
			[]string{"in src/app.py:8, handler app.handler", "def cors_headers(event):", "'Vary': 'Origin'", "'headers': cors_headers(event)"}},
		{"node", "const reply = (s) => ({ statusCode: s });\n\nexports.handler = async (event) => {\n  return reply(200);\n};\n", "app.handler",
			[]string{"in src/app.js:3, handler app.handler", "function corsHeaders(event)", "Vary: 'Origin'", "headers: corsHeaders(event)"}},
	} {
		path := "src/app.py"
		if tc.lang == "node" {
			path = "src/app.js"
		}
		if _, why := patchPython(tc.src, "handler", []string{"https://a.example", "https://b.example"}); tc.lang == "python" && why == "" {
			t.Fatalf("%s: the fixture is patchable; it must not be", tc.lang)
		}
		fn := &apimodel.Function{ID: "Fn", CodePath: path, Handler: tc.handler}
		ch, err := advice(fn, tc.lang, []string{"https://a.example", "https://b.example"}, "a return is not a literal", tc.src)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(ch.Advice, w) {
				t.Errorf("%s advice lacks %q:\n%s", tc.lang, w, ch.Advice)
			}
		}
	}
}

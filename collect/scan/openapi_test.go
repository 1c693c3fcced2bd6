package scan

import (
	"strings"
	"testing"
)

func TestReadOpenAPI(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, spec, base string
		want             []string
		errContain       string
	}{
		{desc: "openapi 3 yaml, server variables, path example", spec: `openapi: 3.0.3
info: {title: t, version: "1"}
servers:
  - url: https://{env}.example.com/v1
    variables: {env: {default: api}}
paths:
  /users/{id}:
    get:
      parameters: [{name: id, in: path, required: true, schema: {type: integer}, example: 42}]
      responses: {"200": {description: ok}}
    delete:
      parameters: [{name: id, in: path, required: true, schema: {type: string, enum: [a b]}}]
      responses: {"204": {description: ok}}
  /health:
    options:
      responses: {"204": {description: ok}}
`, want: []string{"DELETE https://api.example.com/v1/users/a%20b", "GET https://api.example.com/v1/users/42"}},
		{desc: "relative server resolved against the target", spec: `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"servers":[{"url":"/api"}],
"paths":{"/items":{"post":{"responses":{"200":{"description":"ok"}}}}}}`, base: "https://h.example/",
			want: []string{"POST https://h.example/api/items"}},
		{desc: "swagger 2", spec: `swagger: "2.0"
info: {title: t, version: "1"}
host: legacy.example.com
basePath: /v2
schemes: [https]
paths:
  /pets:
    get:
      responses: {"200": {description: ok}}
`, want: []string{"GET https://legacy.example.com/v2/pets"}},
		{desc: "relative server without a target", spec: `openapi: 3.0.0
info: {title: t, version: "1"}
servers: [{url: /api}]
paths: {}
`, errContain: "relative URL"},
		{desc: "not openapi", spec: "hello: world\n", errContain: "neither"},
		{desc: "not yaml", spec: "{{{", errContain: "not JSON or YAML"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			ts, err := ReadOpenAPI([]byte(tc.spec), "spec.yaml", tc.base)
			if tc.errContain != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errContain) || !strings.HasPrefix(err.Error(), "spec.yaml: ") {
					t.Fatalf("err = %v, want spec.yaml: ...%q", err, tc.errContain)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tg := range ts {
				got = append(got, tg.Key())
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("targets %q, want %q", got, tc.want)
			}
		})
	}
}

func FuzzReadOpenAPI(f *testing.F) {
	f.Add([]byte(`{"openapi":"3.0.0","info":{"title":"t","version":"1"},"servers":[{"url":"https://a.example"}],"paths":{"/x/{id}":{"get":{"responses":{"200":{"description":"ok"}}}}}}`))
	f.Add([]byte("swagger: '2.0'\ninfo: {title: t, version: '1'}\nhost: a.example\npaths: {}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := ReadOpenAPI(b, "f", "https://base.example/")
		if err != nil {
			return
		}
		for _, tg := range ts {
			if _, err := ParseTarget(tg.Method + " " + tg.URL); err != nil {
				t.Fatalf("target %q does not parse: %v", tg.Key(), err)
			}
		}
	})
}

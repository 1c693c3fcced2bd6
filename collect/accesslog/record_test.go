package accesslog

import "testing"

func TestParseCLFRequestLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, line, method, route string
	}{
		{"REST resourcePath", `1.2.3.4 - - [20/Nov/2026:14:00:00 +0000] "PUT /items/{id} HTTP/1.1" 200 17 req-1`, "PUT", "/items/{id}"},
		{"HTTP API routeKey repeats the method", `1.2.3.4 - - [20/Nov/2026:14:00:00 +0000] "GET GET /items/{id} HTTP/1.1" 404 17 req-2`, "GET", "/items/{id}"},
		{"HTTP API $default", `1.2.3.4 - - [20/Nov/2026:14:00:00 +0000] "OPTIONS $default HTTP/1.1" 204 0 req-3`, "OPTIONS", "$default"},
		{"raw path with query and ids", `1.2.3.4 - - [20/Nov/2026:14:00:00 +0000] "GET /api/v2/users/8f14e45fceea167a5a36dedd4bea2543/orders/77?x=1 HTTP/2.0" 200 1 "-" "-"`, "GET", "/api/v2/users/{id}/orders/{id}"},
	} {
		var p parser
		var rec Record
		if err := p.parseCLF([]byte(tc.line), &rec); err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if string(rec.Method) != tc.method || string(rec.Route) != tc.route {
			t.Errorf("%s: %s %s, want %s %s", tc.desc, rec.Method, rec.Route, tc.method, tc.route)
		}
	}
}

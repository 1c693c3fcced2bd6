package rules

import (
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Cases for the engine-verdict rules CD1001-CD1018.

const appOrigin = "Access-Control-Allow-Origin: https://app.example.com"

func hop(pre, r *evidence.Response) evidence.Hop { return evidence.Hop{Preflight: pre, Response: r} }

func in(r cors.Request, hops ...evidence.Hop) func(*testing.T) *diag.Input {
	return func(*testing.T) *diag.Input { return exchange(r, hops...) }
}

func withCreds(r cors.Request) cors.Request { r.Credentials = cors.CredentialsInclude; return r }

var okPreflight = resp(204, appOrigin, "Access-Control-Allow-Methods: GET, POST, PUT, DELETE",
	"Access-Control-Allow-Headers: content-type, authorization", "Access-Control-Max-Age: 7200")

func init() {
	addCases("CD1001",
		ruleCase{Desc: "no ACAO on 200", Fire: true, Input: in(req("GET"), hop(nil, resp(200)))},
		ruleCase{Desc: "no ACAO on 502 error", Fire: true, Input: in(req("GET"), hop(nil, resp(502, "x-amzn-ErrorType: InternalServerErrorException")))},
		ruleCase{Desc: "ACAO present", Fire: false, Input: in(req("GET"), hop(nil, resp(200, appOrigin)))},
		ruleCase{Desc: "missing on preflight is not this rule", Fire: false, Input: in(req("PUT"), hop(resp(204), resp(200)))},
	)
	addCases("CD1002",
		ruleCase{Desc: "OPTIONS 405", Fire: true, Input: in(req("PUT"), hop(resp(405), nil))},
		ruleCase{Desc: "OPTIONS 404 with ACAO", Fire: true, Input: in(req("DELETE"), hop(resp(404, appOrigin), nil))},
		ruleCase{Desc: "OPTIONS 200 from the app without CORS headers", Fire: true, Input: in(req("PUT"), hop(resp(200, "Allow: GET, PUT"), nil))},
		ruleCase{Desc: "API Gateway Missing Authentication Token", Fire: true, Input: in(req("PUT"), hop(resp(403, "x-amzn-ErrorType: MissingAuthenticationTokenException"), nil))},
		ruleCase{Desc: "OPTIONS handled", Fire: false, Input: in(req("PUT"), hop(okPreflight, resp(200, appOrigin)))},
		ruleCase{Desc: "OPTIONS 401 is auth, not routing", Fire: false, Input: in(req("PUT"), hop(resp(401), nil))},
	)
	addCases("CD1003",
		ruleCase{Desc: "authorizer 401 on OPTIONS", Fire: true, Input: in(req("PUT"), hop(resp(401, "x-amzn-ErrorType: UnauthorizedException"), nil))},
		ruleCase{Desc: "403 with ACAO from a gateway response", Fire: true, Input: in(req("PUT"), hop(resp(403, appOrigin), nil))},
		ruleCase{Desc: "Missing Authentication Token is routing", Fire: false, Input: in(req("PUT"), hop(resp(403, "x-amzn-ErrorType: MissingAuthenticationTokenException"), nil))},
		ruleCase{Desc: "preflight ok", Fire: false, Input: in(req("PUT"), hop(okPreflight, resp(200, appOrigin)))},
	)
	addCases("CD1004",
		ruleCase{Desc: "trailing slash", Fire: true, Input: in(req("GET"), hop(nil, resp(200, "Access-Control-Allow-Origin: https://app.example.com/")))},
		ruleCase{Desc: "other origin on preflight", Fire: true, Input: in(req("PUT"), hop(resp(204, "Access-Control-Allow-Origin: https://staging.example.com", "Access-Control-Allow-Methods: PUT"), nil))},
		ruleCase{Desc: "no scheme (invalid value)", Fire: true, Input: in(req("GET"), hop(nil, resp(200, "Access-Control-Allow-Origin: app.example.com")))},
		ruleCase{Desc: "exact origin", Fire: false, Input: in(req("GET"), hop(nil, resp(200, appOrigin)))},
	)
	addCases("CD1005",
		ruleCase{Desc: "comma list", Fire: true, Input: in(req("GET"), hop(nil, resp(200, "Access-Control-Allow-Origin: https://app.example.com,https://admin.example.com")))},
		ruleCase{Desc: "two layers", Fire: true, Input: in(req("GET"), hop(nil, resp(200, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Origin: *")))},
		ruleCase{Desc: "single value", Fire: false, Input: in(req("GET"), hop(nil, resp(200, "Access-Control-Allow-Origin: *")))},
	)
	addCases("CD1006",
		ruleCase{Desc: "star with credentials", Fire: true, Input: in(withCreds(req("GET")), hop(nil, resp(200, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Credentials: true")))},
		ruleCase{Desc: "star without credentials", Fire: false, Input: in(req("GET"), hop(nil, resp(200, "Access-Control-Allow-Origin: *")))},
	)
	addCases("CD1007",
		ruleCase{Desc: "ACAC missing", Fire: true, Input: in(withCreds(req("GET")), hop(nil, resp(200, appOrigin)))},
		ruleCase{Desc: "ACAC True", Fire: true, Input: in(withCreds(req("GET")), hop(nil, resp(200, appOrigin, "Access-Control-Allow-Credentials: True")))},
		ruleCase{Desc: "ACAC true", Fire: false, Input: in(withCreds(req("GET")), hop(nil, resp(200, appOrigin, "Access-Control-Allow-Credentials: true")))},
	)
	addCases("CD1008",
		ruleCase{Desc: "lower-case patch", Fire: true, Input: in(req("patch"), hop(resp(204, appOrigin, "Access-Control-Allow-Methods: GET, PATCH"), nil))},
		ruleCase{Desc: "DELETE not listed", Fire: true, Input: in(req("DELETE"), hop(resp(204, appOrigin, "Access-Control-Allow-Methods: GET, POST"), nil))},
		ruleCase{Desc: "listed", Fire: false, Input: in(req("DELETE"), hop(okPreflight, resp(204, appOrigin)))},
	)
	addCases("CD1009",
		ruleCase{Desc: "custom header missing", Fire: true, Input: in(req("GET", "X-Request-Id: 1"), hop(resp(204, appOrigin, "Access-Control-Allow-Headers: Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"), nil))},
		ruleCase{Desc: "star literal with credentials", Fire: true, Input: in(withCreds(req("GET", "X-Trace: 1")), hop(resp(204, appOrigin, "Access-Control-Allow-Credentials: true", "Access-Control-Allow-Headers: *"), nil))},
		ruleCase{Desc: "listed case-insensitively", Fire: false, Input: in(req("GET", "X-Request-Id: 1"), hop(resp(204, appOrigin, "Access-Control-Allow-Headers: x-request-id"), resp(200, appOrigin)))},
	)
	addCases("CD1010",
		ruleCase{Desc: "authorization via star", Fire: true, Input: in(req("GET", "Authorization: Bearer x"), hop(resp(204, appOrigin, "Access-Control-Allow-Headers: *"), resp(200, appOrigin)))},
		ruleCase{Desc: "authorization listed", Fire: false, Input: in(req("GET", "Authorization: Bearer x"), hop(resp(204, appOrigin, "Access-Control-Allow-Headers: *, Authorization"), resp(200, appOrigin)))},
	)
	addCases("CD1011",
		ruleCase{Desc: "preflight 301", Fire: true, Input: in(req("PUT"), hop(resp(301, "Location: https://api.example.com/items/"), nil))},
		ruleCase{Desc: "preflight 204", Fire: false, Input: in(req("PUT"), hop(okPreflight, resp(200, appOrigin)))},
	)
	addCases("CD1012",
		ruleCase{Desc: "cross-origin redirect taints origin", Fire: true, Input: func(*testing.T) *diag.Input {
			r := req("GET")
			return exchange(r,
				hop(nil, resp(302, "Location: https://cdn.example.net/items", "Access-Control-Allow-Origin: *")),
				hop(nil, resp(200, appOrigin)))
		}},
		ruleCase{Desc: "redirect without CORS headers", Fire: true, Input: in(req("GET"), hop(nil, resp(301, "Location: https://api.example.com/items/")))},
		ruleCase{Desc: "same-origin redirect with headers", Fire: false, Input: func(*testing.T) *diag.Input {
			return exchange(req("GET"),
				hop(nil, resp(301, "Location: /items/", appOrigin)),
				hop(nil, resp(200, appOrigin)))
		}},
	)
	addCases("CD1013",
		ruleCase{Desc: "space-separated headers", Fire: true, Input: in(req("GET", "X-A: 1"), hop(resp(204, appOrigin, "Access-Control-Allow-Headers: X-A X-B"), nil))},
		ruleCase{Desc: "quoted methods", Fire: true, Input: in(req("PUT"), hop(resp(204, appOrigin, "Access-Control-Allow-Methods: \"GET,PUT\""), nil))},
		ruleCase{Desc: "valid lists", Fire: false, Input: in(req("PUT"), hop(okPreflight, resp(200, appOrigin)))},
	)
	addCases("CD1014",
		ruleCase{Desc: "no max-age", Fire: true, Input: in(req("PUT"), hop(resp(204, appOrigin, "Access-Control-Allow-Methods: PUT"), resp(200, appOrigin)))},
		ruleCase{Desc: "max-age 7200", Fire: false, Input: in(req("PUT"), hop(okPreflight, resp(200, appOrigin)))},
	)
	addCases("CD1015",
		ruleCase{Desc: "X-Total-Count not exposed", Fire: true, Input: func(*testing.T) *diag.Input {
			inp := exchange(req("GET"), hop(nil, resp(200, appOrigin, "X-Total-Count: 42")))
			inp.Exchanges[0].Expose = []string{"X-Total-Count"}
			return inp
		}},
		ruleCase{Desc: "exposed", Fire: false, Input: func(*testing.T) *diag.Input {
			inp := exchange(req("GET"), hop(nil, resp(200, appOrigin, "X-Total-Count: 42", "Access-Control-Expose-Headers: X-Total-Count")))
			inp.Exchanges[0].Expose = []string{"x-total-count"}
			return inp
		}},
	)
	addCases("CD1016",
		ruleCase{Desc: "Origin set by the page", Fire: true, Input: in(req("GET", "Origin: https://evil.example"), hop(nil, resp(200, appOrigin)))},
		ruleCase{Desc: "ordinary headers", Fire: false, Input: in(req("GET", "Accept: application/json"), hop(nil, resp(200, appOrigin)))},
	)
	addCases("CD1017",
		ruleCase{Desc: "OPTIONS 500 with ACAO", Fire: true, Input: in(req("PUT"), hop(resp(500, appOrigin), nil))},
		ruleCase{Desc: "OPTIONS 429 throttled", Fire: true, Input: in(req("PUT"), hop(resp(429, "x-amzn-ErrorType: ThrottlingException"), nil))},
		ruleCase{Desc: "OPTIONS 405 is CD1002", Fire: false, Input: in(req("PUT"), hop(resp(405), nil))},
	)
	addCases("CD1018",
		ruleCase{Desc: "mixed content", Fire: true, Input: func(*testing.T) *diag.Input {
			r := req("GET")
			r.URL = "http://api.example.com/items"
			return exchange(r, hop(nil, resp(200, "Access-Control-Allow-Origin: *")))
		}},
		ruleCase{Desc: "http localhost is fine", Fire: false, Input: func(*testing.T) *diag.Input {
			r := req("GET")
			r.URL = "http://localhost:8080/items"
			return exchange(r, hop(nil, resp(200, "Access-Control-Allow-Origin: *")))
		}},
	)
}

func TestOriginDiff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, origin, allowed, want string
	}{
		{"trailing slash", "https://app.example.com", "https://app.example.com/", "trailing slash"},
		{"scheme", "https://app.example.com", "http://app.example.com", "scheme: http instead of https"},
		{"port", "http://localhost:3000", "http://localhost:8080", "port: 8080 instead of 3000"},
		{"missing port", "http://localhost:3000", "http://localhost", "port: missing :3000"},
		{"www", "https://www.example.com", "https://example.com", "www: host example.com"},
		{"case", "https://app.example.com", "https://App.example.com", "case: host"},
		{"list", "https://a.example", "https://a.example, https://b.example", "is a list"},
		{"no scheme", "https://app.example.com", "app.example.com", "no scheme: write https://app.example.com"},
		{"null", "https://app.example.com", "null", "opaque origin"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			got := strings.Join(OriginDiff(tc.origin, tc.allowed), "; ")
			if !strings.Contains(got, tc.want) {
				t.Fatalf("OriginDiff(%q, %q) = %q, want it to contain %q", tc.origin, tc.allowed, got, tc.want)
			}
		})
	}
}

func TestRankOrdersLikelyCausesFirst(t *testing.T) {
	t.Parallel()
	inp := exchange(req("PUT", "Content-Type: application/json"), hop(resp(204, appOrigin, "Access-Control-Allow-Methods: PUT"), nil))
	fs := diag.Run(All(), inp)
	if len(fs) == 0 || fs[0].RuleID != "CD1009" {
		t.Fatalf("first finding = %+v, want CD1009 (content-type not allowed)", fs)
	}
}

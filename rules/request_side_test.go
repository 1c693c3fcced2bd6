package rules

import (
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

func init() {
	starlette := func() *evidence.Response {
		return withBody(resp(400, "Server: uvicorn", "Vary: Origin", "Access-Control-Allow-Methods: GET", "Content-Type: text/plain; charset=utf-8"), "Disallowed CORS origin, method")
	}
	rsCors := func() *evidence.Response {
		return resp(204, "Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers")
	}
	jub0bs := func() *evidence.Response {
		return resp(403, "Vary: Access-Control-Request-Headers, Access-Control-Request-Method, Access-Control-Request-Private-Network, Origin", "Content-Length: 0")
	}
	s3NotAllowed := func() *evidence.Response {
		return withBody(resp(403, "Server: AmazonS3"), "<Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.</Message></Error>")
	}
	s3NotEnabled := func() *evidence.Response {
		return withBody(resp(403, "Server: AmazonS3"), "<Error><Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message></Error>")
	}
	expressErr := func() *evidence.Response {
		return withBody(resp(500, "X-Powered-By: Express", "Content-Type: text/html; charset=utf-8"), "<pre>Error: Not allowed by CORS<br> &nbsp; &nbsp;at origin (/app/app.js:4:87)</pre>")
	}
	addCases("CD1035",
		ruleCase{Desc: "Starlette 400 Disallowed CORS origin, method", Fire: true, Input: in(req("PUT"), hop(starlette(), nil))},
		ruleCase{Desc: "rs/cors 204 with only Vary", Fire: true, Input: in(req("PUT", "Authorization: Bearer x"), hop(rsCors(), nil))},
		ruleCase{Desc: "jub0bs/cors 403 without CORS headers", Fire: true, Input: in(req("DELETE"), hop(jub0bs(), nil))},
		ruleCase{Desc: "S3 rule mismatch", Fire: true, Input: in(req("PUT", "Content-Type: image/png"), hop(s3NotAllowed(), nil))},
		ruleCase{Desc: "Express origin callback error on a simple GET", Fire: true, Input: in(req("GET"), hop(nil, expressErr()))},
		ruleCase{Desc: "Spring Invalid CORS request", Fire: true, Input: in(req("PUT"), hop(withBody(resp(403, "Vary: Origin"), "Invalid CORS request"), nil))},
		ruleCase{Desc: "plain 403 from an authorizer", Fire: false, Input: in(req("PUT"), hop(withBody(resp(403, "x-amzn-ErrorType: AccessDeniedException"), `{"message":"User is not authorized"}`), nil))},
		ruleCase{Desc: "allowed preflight", Fire: false, Input: in(req("PUT"), hop(okPreflight, resp(200, appOrigin)))},
		ruleCase{Desc: "bare 403 (jub0bs/cors v0.14) without credentials", Fire: true, Input: in(req("PUT"), hop(resp(403, "Content-Length: 0", "Date: Mon, 07 Dec 2026 11:34:32 GMT"), nil))},
		ruleCase{Desc: "bare 403 when the page sends Authorization reads as authentication", Fire: false, Input: in(req("PUT", "Authorization: Bearer x"), hop(resp(403, "Content-Length: 0", "Date: Mon, 07 Dec 2026 11:34:32 GMT"), nil))},
	)
	addCases("CD1003",
		ruleCase{Desc: "bare 403 to a request with Authorization", Fire: true, Input: in(req("PUT", "Authorization: Bearer x"), hop(resp(403, "Content-Length: 0", "Date: Mon, 07 Dec 2026 11:34:32 GMT"), nil))},
		ruleCase{Desc: "Starlette's 400 refusal is not authentication", Fire: false, Input: in(req("PUT", "Authorization: Bearer x"), hop(starlette(), nil))},
	)
	addCases("CD1036",
		ruleCase{Desc: "S3 bucket without CORS", Fire: true, Input: in(req("PUT", "Content-Type: image/png"), hop(s3NotEnabled(), nil))},
		ruleCase{Desc: "Flask automatic OPTIONS", Fire: true, Input: in(req("PUT"), hop(resp(200, "Server: Werkzeug/2.2.2 Python/3.11.2", "Allow: OPTIONS, GET, PUT", "Content-Type: text/html; charset=utf-8", "Content-Length: 0"), nil))},
		ruleCase{Desc: "S3 rule mismatch is a refusal, not missing CORS", Fire: false, Input: in(req("PUT"), hop(s3NotAllowed(), nil))},
	)
	addCases("CD1037",
		ruleCase{Desc: "Spring 500 on a preflight", Fire: true, Input: in(req("PUT"), hop(withBody(resp(500), `{"timestamp":"2023-04-12T10:00:00.000+00:00","status":500,"error":"Internal Server Error","path":"/api"}`), nil))},
		ruleCase{Desc: "Spring exception text on the actual request", Fire: true, Input: in(req("GET"), hop(nil, withBody(resp(500), `When allowCredentials is true, allowedOrigins cannot contain the special value "*"`)))},
		ruleCase{Desc: "a 500 from the application", Fire: false, Input: in(req("GET"), hop(nil, withBody(resp(500), "Internal Server Error")))},
	)
	addCases("CD1038",
		ruleCase{Desc: "nginx 413", Fire: true, Input: in(req("POST", "Content-Type: multipart/form-data; boundary=x"), hop(nil, withBody(resp(413, "Server: nginx/1.22.1"), "<center><h1>413 Request Entity Too Large</h1></center>")))},
		ruleCase{Desc: "413 with CORS headers is readable", Fire: false, Input: in(req("POST", "Content-Type: text/plain"), hop(nil, resp(413, appOrigin)))},
	)
	addCases("CD1039",
		ruleCase{Desc: "Access-Control-Allow-Origin set by the page, refused by the preflight", Fire: true, Input: in(req("GET", "Access-Control-Allow-Origin: *"),
			hop(resp(204, appOrigin, "Access-Control-Allow-Headers: content-type"), nil))},
		ruleCase{Desc: "only reason for the preflight, which is not handled", Fire: true, Input: in(req("GET", "Access-Control-Allow-Origin: *"), hop(resp(405), nil))},
		ruleCase{Desc: "no such header", Fire: false, Input: in(req("GET"), hop(nil, resp(200, appOrigin)))},
	)
	addCases("CD1040",
		ruleCase{Desc: "Content-Type on a GET triggers a preflight that fails", Fire: true, Input: in(req("GET", "Content-Type: application/json"), hop(resp(405), nil))},
		ruleCase{Desc: "X-Requested-With refused", Fire: true, Input: in(req("GET", "X-Requested-With: XMLHttpRequest"), hop(resp(204, appOrigin, "Access-Control-Allow-Headers: content-type"), nil))},
		ruleCase{Desc: "Content-Type on a POST with a body is needed", Fire: false, Input: in(cors.Request{Origin: "https://app.example.com", URL: "https://api.example.com/items", Method: "POST", Body: cors.BodySimple,
			Headers: []cors.Header{{Name: "Content-Type", Value: "application/json"}}}, hop(resp(405), nil))},
		ruleCase{Desc: "Authorization is needed, not a client default", Fire: false, Input: in(req("GET", "Authorization: Bearer x"), hop(resp(405), nil))},
	)
}

// The first finding of each shape must be the expected rule, with a fix
// written in the request's values (never the example origin).
func TestFirstFindingUsesUserValues(t *testing.T) {
	t.Parallel()
	const origin = "http://localhost:5173"
	local := func(method string, headers ...string) cors.Request {
		return fromOrigin(req(method, headers...), origin)
	}
	for _, tc := range []struct {
		desc    string
		ex      *evidence.Exchange
		want    string
		fixHas  []string
		fixNot  []string
		detHas  string
		platHas string
	}{
		{"Starlette method refusal", &evidence.Exchange{Request: local("PUT"), Hops: []evidence.Hop{{Preflight: withBody(resp(400, "Server: uvicorn", "Vary: Origin"), "Disallowed CORS method")}}},
			"CD1035", []string{"allow_methods=['GET', 'POST', 'PUT']", origin}, []string{"app.example.com", "204"}, "defaults to GET only", "fastapi"},
		{"S3 not enabled", &evidence.Exchange{Request: cors.Request{Origin: origin, URL: "https://bucket.s3.amazonaws.com/k.png", Method: "PUT", Headers: []cors.Header{{Name: "Content-Type", Value: "image/png"}}},
			Hops: []evidence.Hop{{Preflight: withBody(resp(403, "Server: AmazonS3"), "<Error><Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message></Error>")}}},
			"CD1036", []string{"put-bucket-cors", "aws_s3_bucket_cors_configuration", "CorsConfiguration", `"AllowedOrigins":["` + origin + `"]`, "content-type"}, []string{"authentication runs"}, "not an authentication failure", "s3"},
		{"request sends ACAO", &evidence.Exchange{Request: local("GET", "Access-Control-Allow-Origin: *"), Hops: []evidence.Hop{{Preflight: resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Headers: content-type")}}},
			"CD1039", []string{"Remove"}, []string{"Access-Control-Allow-Headers: access-control"}, "", ""},
		{"rs/cors refuses Authorization, shown by the no-auth probe", &evidence.Exchange{Request: local("PUT", "Authorization: Bearer t"), Hops: []evidence.Hop{{Preflight: resp(204, "Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers")}},
			Probes: []evidence.Probe{probe("no-auth", local("PUT"), hop(resp(204, "Access-Control-Allow-Origin: "+origin, "Access-Control-Allow-Methods: PUT"), resp(200, "Access-Control-Allow-Origin: "+origin)))}},
			"CD1035", []string{`AllowedHeaders: []string{"authorization"}`}, nil, "without authorization passed the preflight", "go"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			tc.ex.Evaluate()
			tc.ex.Identify("")
			fs := diag.Run(All(), &diag.Input{Exchanges: []*evidence.Exchange{tc.ex}})
			if len(fs) == 0 {
				t.Fatal("no finding")
			}
			f := fs[0]
			if f.RuleID != tc.want {
				t.Fatalf("first finding %s (%s), want %s", f.RuleID, f.Detail, tc.want)
			}
			for _, s := range tc.fixHas {
				if !strings.Contains(f.Fix, s) {
					t.Errorf("fix lacks %q: %s", s, f.Fix)
				}
			}
			for _, s := range tc.fixNot {
				if strings.Contains(f.Fix+f.Detail, s) {
					t.Errorf("finding has %q: %s / %s", s, f.Detail, f.Fix)
				}
			}
			if !strings.Contains(f.Detail, tc.detHas) {
				t.Errorf("detail lacks %q: %s", tc.detHas, f.Detail)
			}
			if tc.platHas != "" && string(f.Platform) != tc.platHas {
				t.Errorf("fix platform %q, want %q", f.Platform, tc.platHas)
			}
		})
	}
}

func init() {
	// A server whose CORS answer leaves out every header when Authorization
	// is requested (an unknown shape), while the same request without it
	// passes: check's no-auth probe is the evidence.
	refuses := resp(200, "Content-Length: 0")
	addCases("CD1035",
		ruleCase{Desc: "no-auth probe passes the preflight", Fire: true, Input: withProbes(req("PUT", "Authorization: Bearer x"), hops(hop(refuses, nil)),
			probe("no-auth", req("PUT"), hop(okPreflight, resp(200, appOrigin))))},
		ruleCase{Desc: "no-auth probe needs no preflight: no evidence", Fire: false, Input: withProbes(req("GET", "Authorization: Bearer x"), hops(hop(resp(401), nil)),
			probe("no-auth", req("GET"), hop(nil, resp(200, appOrigin))))},
		ruleCase{Desc: "no-auth probe fails the same way", Fire: false, Input: withProbes(req("PUT", "Authorization: Bearer x"), hops(hop(refuses, nil)),
			probe("no-auth", req("PUT"), hop(resp(200, "Content-Length: 0"), nil)))},
	)
}

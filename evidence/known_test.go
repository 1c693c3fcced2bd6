package evidence

import (
	"strings"
	"testing"
)

// knownCases holds, per KnownResponses entry, a response it must
// recognise (taken from the real server or its documentation, see the
// entry's Source) and a near miss it must not.
var knownCases = map[string]struct {
	preflight   bool
	hit, miss   *Response
	wantRefused string
}{
	"s3-cors-not-enabled": {true,
		hdr(403, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message><Method>PUT</Method><ResourceType>BUCKET</ResourceType></Error>`, "Server", "AmazonS3"),
		hdr(403, `<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`, "Server", "AmazonS3"), ""},
	"s3-cors-not-allowed": {true,
		hdr(403, `<Error><Code>AccessForbidden</Code><Message>CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.</Message></Error>`, "Server", "AmazonS3"),
		hdr(403, `<Error><Code>SignatureDoesNotMatch</Code></Error>`, "Server", "AmazonS3"), ""},
	"starlette-disallowed": {true,
		hdr(400, "Disallowed CORS origin, method", "Server", "uvicorn", "Vary", "Origin", "Access-Control-Allow-Methods", "GET", "Content-Type", "text/plain; charset=utf-8"),
		hdr(400, `{"detail":"Bad Request"}`, "Server", "uvicorn"), "origin,method"},
	"spring-invalid-cors": {true,
		hdr(403, "Invalid CORS request", "Vary", "Origin", "Content-Length", "20"),
		hdr(403, `{"timestamp":"x","status":403,"error":"Forbidden","path":"/x"}`), ""},
	"spring-credentials-wildcard": {false,
		hdr(500, `java.lang.IllegalArgumentException: When allowCredentials is true, allowedOrigins cannot contain the special value "*" since that cannot be set on the "Access-Control-Allow-Origin" response header.`),
		hdr(500, `java.lang.NullPointerException`), ""},
	"spring-preflight-500": {true,
		hdr(500, `{"timestamp":"2023-04-12T10:00:00.000+00:00","status":500,"error":"Internal Server Error","path":"/api/tasks"}`),
		hdr(500, `{"error":"boom"}`), ""},
	"express-cors-callback-error": {true,
		hdr(500, "<!DOCTYPE html>\n<html lang=\"en\">\n<body>\n<pre>Error: Not allowed by CORS<br> &nbsp; &nbsp;at origin (/app/app.js:4:87)</pre>\n</body>\n</html>", "X-Powered-By", "Express"),
		hdr(500, "<pre>Error: connect ECONNREFUSED</pre>", "X-Powered-By", "Express"), "origin"},
	"azure-origin-not-allowed": {true,
		hdr(400, `{"Message":"The origin 'http://localhost:8000' is not allowed."}`),
		hdr(400, `{"Message":"Bad request"}`), "origin"},
	"jub0bs-cors-refused": {true,
		hdr(403, "", "Vary", "Access-Control-Request-Headers, Access-Control-Request-Method, Access-Control-Request-Private-Network, Origin", "Content-Length", "0"),
		hdr(403, "", "Www-Authenticate", "Bearer"), ""},
	"jub0bs-cors-refused v0.14": {true,
		hdr(403, "", "Date", "Mon, 07 Dec 2026 11:34:32 GMT", "Content-Length", "0"),
		hdr(403, "", "Content-Length", "0", "Server", "nginx"), ""},
	"rs-cors-refused": {true,
		hdr(204, "", "Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
		hdr(204, "", "Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers", "Access-Control-Allow-Origin", "https://app.example.com"), ""},
	"django-cors-headers-refused": {true,
		hdr(200, "", "Server", "WSGIServer/0.2 CPython/3.11.2", "Content-Type", "text/html; charset=utf-8", "Content-Length", "0", "Vary", "Origin"),
		hdr(200, "", "Content-Type", "text/html; charset=utf-8", "Allow", "GET, OPTIONS", "Vary", "Origin"), "origin"},
	"cors-origin-omitted": {true,
		hdr(204, "", "X-Powered-By", "Express", "Vary", "Origin, Access-Control-Request-Headers", "Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"),
		hdr(204, "", "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "GET"), "origin"},
	"aspnet-cors-refused": {true,
		hdr(204, "", "Server", "Kestrel"),
		hdr(204, "", "Server", "Kestrel", "Access-Control-Allow-Origin", "https://app.example.com"), ""},
	"flask-default-options": {true,
		hdr(200, "", "Server", "Werkzeug/2.2.2 Python/3.11.2", "Content-Type", "text/html; charset=utf-8", "Allow", "OPTIONS, HEAD, GET, PUT", "Content-Length", "0"),
		hdr(200, "", "Server", "Werkzeug/2.2.2 Python/3.11.2", "Allow", "OPTIONS, GET", "Access-Control-Allow-Origin", "https://app.example.com"), ""},
	"apigw-missing-authentication-token": {true,
		hdr(403, `{"message":"Missing Authentication Token"}`, "X-Amzn-Errortype", "MissingAuthenticationTokenException", "X-Amzn-Requestid", "1"),
		hdr(403, `{"message":"Forbidden"}`, "X-Amzn-Errortype", "ForbiddenException", "X-Amzn-Requestid", "1"), ""},
	"apigw-integration-failure": {true,
		hdr(502, `{"message": "Internal server error"}`, "X-Amzn-Requestid", "1", "X-Amz-Apigw-Id", "a"),
		hdr(502, `<html>Bad Gateway</html>`), ""},
	"apigw-http-not-found": {true,
		hdr(404, `{"message":"Not Found"}`, "Apigw-Requestid", "b"),
		hdr(404, `{"message":"Not Found"}`), ""},
	"kong-no-api-key": {true,
		hdr(401, `{"message":"No API key found in request"}`, "Server", "kong/0.8.3"),
		hdr(401, `{"message":"Unauthorized"}`, "Server", "kong/0.8.3"), ""},
	"kong-no-route": {true,
		hdr(404, `{"message":"no Route matched with those values"}`, "Server", "kong/1.2.1"),
		hdr(404, `{"message":"Not found"}`, "Server", "kong/1.2.1"), ""},
	"apim-subscription-key": {true,
		hdr(401, `{ "statusCode": 401, "message": "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API." }`),
		hdr(401, `{ "statusCode": 401, "message": "Unauthorized" }`), ""},
	"gcp-iam-forbidden": {true,
		hdr(403, "<html><head><title>403 Forbidden</title></head><body><h1>Error: Forbidden</h1><h2>Your client does not have permission to get URL <code>/fn</code> from this server.</h2></body></html>", "Server", "Google Frontend"),
		hdr(403, "<h1>Forbidden</h1>", "Server", "Google Frontend"), ""},
	"request-too-large": {false,
		hdr(413, "<html>\n<head><title>413 Request Entity Too Large</title></head>\n<body>\n<center><h1>413 Request Entity Too Large</h1></center>\n<hr><center>nginx/1.22.1</center>\n</body>\n</html>", "Server", "nginx/1.22.1"),
		hdr(400, "<html><center>nginx</center></html>", "Server", "nginx/1.22.1"), ""},
	"nginx-upstream-error": {false,
		hdr(502, "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx/1.22.1</center>\n</body>\n</html>", "Server", "nginx/1.22.1"),
		hdr(502, `{"error":"bad gateway"}`, "Server", "nginx/1.22.1"), ""},
	"envoy-upstream-error": {false,
		hdr(503, "no healthy upstream", "Server", "envoy"),
		hdr(503, "maintenance", "Server", "envoy"), ""},
	"fastapi-method-not-allowed": {true,
		hdr(405, `{"detail":"Method Not Allowed"}`, "Server", "uvicorn", "Allow", "GET"),
		hdr(405, `Method Not Allowed`, "Server", "uvicorn"), ""},
	"express-cannot": {true,
		hdr(404, "<!DOCTYPE html>\n<html lang=\"en\">\n<body>\n<pre>Cannot OPTIONS /none</pre>\n</body>\n</html>", "X-Powered-By", "Express"),
		hdr(404, "Not Found", "X-Powered-By", "Express"), ""},
}

func TestKnownResponses(t *testing.T) {
	t.Parallel()
	ids := map[string]bool{}
	for _, k := range KnownResponses {
		if ids[k.ID] {
			t.Errorf("duplicate id %s", k.ID)
		}
		ids[k.ID] = true
		if k.Layer == "" || k.Meaning == "" || k.Source == "" || k.Kind == "" {
			t.Errorf("%s: Layer, Meaning, Source and Kind are required", k.ID)
		}
		if _, ok := knownCases[k.ID]; !ok {
			t.Errorf("%s: no test case in knownCases", k.ID)
			continue
		}
	}
	for name, c := range knownCases {
		id, _, _ := strings.Cut(name, " ")
		if !ids[id] {
			t.Errorf("test case %q for unknown entry %s", name, id)
			continue
		}
		t.Run(name, func(t *testing.T) {
			k := &Known{ID: id}
			got := Recognise(c.hit, c.preflight)
			if got == nil || got.ID != k.ID {
				id := "nothing"
				if got != nil {
					id = got.ID
				}
				t.Fatalf("recognised %s, want %s", id, k.ID)
			}
			if got.Marker == "" {
				t.Error("no marker")
			}
			if strings.Join(got.Refused, ",") != c.wantRefused {
				t.Errorf("refused = %v, want %q", got.Refused, c.wantRefused)
			}
			if miss := Recognise(c.miss, c.preflight); miss != nil && miss.ID == k.ID {
				t.Errorf("near miss recognised as %s (%s)", k.ID, miss.Marker)
			}
		})
	}
}

// Preflight-only shapes must not match actual responses, and the reverse.
func TestRecogniseStage(t *testing.T) {
	t.Parallel()
	r := hdr(400, "Disallowed CORS origin")
	if Recognise(r, false) != nil {
		t.Error("a Starlette preflight refusal shape matched an actual response")
	}
	if Recognise(nil, true) != nil {
		t.Error("nil response recognised")
	}
}

func FuzzRecognise(f *testing.F) {
	f.Add(403, "Invalid CORS request", "Vary", "Origin", true)
	f.Add(400, "Disallowed CORS origin, method, headers", "Server", "uvicorn", true)
	f.Add(204, "", "Vary", "Origin, Access-Control-Request-Method", false)
	f.Fuzz(func(t *testing.T, status int, body, k, v string, preflight bool) {
		r := hdr(status, body, k, v)
		if got := Recognise(r, preflight); got != nil && (got.Known == nil || got.ID == "") {
			t.Fatalf("recognition without an entry: %+v", got)
		}
	})
}

package evidence

import (
	"net/http"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
)

func hdr(status int, body string, lines ...string) *Response {
	h := http.Header{}
	for i := 0; i+1 < len(lines); i += 2 {
		h.Add(lines[i], lines[i+1])
	}
	return &Response{Status: status, Header: h, Body: []byte(body)}
}

func TestDetectPlatform(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		rs   []*Response
		want string
	}{
		{"API Gateway REST", []*Response{hdr(200, "", "X-Amzn-Requestid", "1", "X-Amz-Apigw-Id", "a=")}, PlatformAPIGwREST},
		{"REST gateway error without apigw id", []*Response{hdr(403, "", "X-Amzn-Requestid", "1", "X-Amzn-Errortype", "MissingAuthenticationTokenException")}, PlatformAPIGwREST},
		{"HTTP API", []*Response{hdr(200, "", "Apigw-Requestid", "b=")}, PlatformAPIGwHTTP},
		{"Lambda function URL", []*Response{hdr(200, "", "X-Amzn-Requestid", "1", "X-Amzn-Trace-Id", "Root=1")}, PlatformLambdaURL},
		{"CloudFront in front of API Gateway", []*Response{hdr(200, "", "X-Amz-Cf-Id", "c", "Via", "1.1 x.cloudfront.net (CloudFront)", "X-Amzn-Requestid", "1", "X-Amz-Apigw-Id", "a=")}, PlatformAPIGwREST},
		{"CloudFront alone", []*Response{hdr(200, "", "X-Amz-Cf-Id", "c", "X-Cache", "Hit from cloudfront")}, PlatformCloudFront},
		{"uvicorn", []*Response{hdr(200, "", "Server", "uvicorn")}, PlatformFastAPI},
		{"gunicorn alone names no framework", []*Response{hdr(200, "", "Server", "gunicorn")}, ""},
		{"Express", []*Response{hdr(200, "", "X-Powered-By", "Express")}, PlatformExpress},
		{"Express behind nginx", []*Response{hdr(200, "", "Server", "nginx/1.25", "X-Powered-By", "Express")}, PlatformExpress},
		{"nginx", []*Response{hdr(200, "", "Server", "nginx/1.27.3")}, PlatformNginx},
		{"Go net/http 404", []*Response{hdr(404, "404 page not found\n")}, PlatformGo},
		{"framework beats nginx across responses", []*Response{hdr(204, "", "Server", "nginx"), hdr(200, "", "Server", "uvicorn")}, PlatformFastAPI},
		{"nothing known", []*Response{hdr(200, "", "Server", "Apache")}, ""},
		{"nil responses", []*Response{nil}, ""},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			d := DetectPlatform(tc.rs...)
			if d.Platform != tc.want {
				t.Fatalf("got %q (%v), want %q", d.Platform, d.Signals, tc.want)
			}
			if tc.want != "" && len(d.Signals) == 0 {
				t.Errorf("no signals for %s", tc.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	withStatus := func(r *Response, text string) *Response { r.StatusText = text; return r }
	for _, tc := range []struct {
		desc     string
		url      string
		rs       []*Response
		want     string
		also     string // a platform that must be listed in Also
		conflict string // substring of Conflict
	}{
		{"edge-optimized REST API answers through CloudFront", "", []*Response{hdr(200, "", "Via", "1.1 abc.cloudfront.net (CloudFront)", "X-Amz-Cf-Id", "x", "X-Amz-Apigw-Id", "a=", "X-Amzn-Requestid", "1")}, PlatformAPIGwREST, PlatformCloudFront, ""},
		{"edge-optimized REST gateway error without apigw id", "", []*Response{hdr(403, `{"message":"Forbidden"}`, "Via", "1.1 abc.cloudfront.net (CloudFront)", "X-Amz-Cf-Id", "x", "X-Amzn-Requestid", "1", "X-Amzn-Errortype", "ForbiddenException")}, PlatformAPIGwREST, PlatformCloudFront, ""},
		{"execute-api host alone", "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items", nil, PlatformAPIGwREST, "", "REST assumed"},
		{"execute-api host with HTTP API header", "https://abc123.execute-api.eu-west-1.amazonaws.com/items", []*Response{hdr(204, "", "Apigw-Requestid", "b=")}, PlatformAPIGwHTTP, "", ""},
		{"function URL host", "https://abcdefg.lambda-url.us-east-1.on.aws/", []*Response{hdr(200, "", "X-Amzn-Requestid", "1")}, PlatformLambdaURL, "", ""},
		{"S3 virtual-hosted host", "https://bucket.s3.eu-west-1.amazonaws.com/key.png", nil, PlatformS3, "", ""},
		{"S3 legacy regional host", "https://bucket.s3-ap-southeast-1.amazonaws.com/key.png", nil, PlatformS3, "", ""},
		{"S3 website host", "http://bucket.s3-website-us-east-1.amazonaws.com/", nil, PlatformS3, "", ""},
		{"S3 CORS body", "https://files.example.com/x", []*Response{hdr(403, "<Error><Code>AccessForbidden</Code><Message>CORSResponse: CORS is not enabled for this bucket.</Message></Error>", "X-Amz-Request-Id", "1", "X-Amz-Id-2", "2")}, PlatformS3, "", ""},
		{"CloudFront cache hit on S3", "https://d111.cloudfront.net/a.json", []*Response{hdr(200, "", "Server", "AmazonS3", "X-Cache", "Hit from cloudfront", "Via", "1.1 x.cloudfront.net (CloudFront)", "X-Amz-Cf-Id", "c")}, PlatformS3, PlatformCloudFront, ""},
		{"cloudfront.net host alone", "https://d111.cloudfront.net/a.json", []*Response{hdr(200, "")}, PlatformCloudFront, "", ""},
		{"Azure host", "https://myfn.azurewebsites.net/api/x", nil, PlatformAzure, "", ""},
		{"Cloud Run host", "https://svc-abc-uc.a.run.app/x", nil, PlatformGCP, "", ""},
		{"Cloud Functions host", "https://us-central1-p.cloudfunctions.net/fn", nil, PlatformGCP, "", ""},
		{"Vercel host", "https://app.vercel.app/api", nil, PlatformVercel, "", ""},
		{"Netlify host", "https://app.netlify.app/.netlify/functions/x", nil, PlatformNetlify, "", ""},
		{"Flask dev server", "", []*Response{hdr(200, "", "Server", "Werkzeug/2.2.2 Python/3.11.2")}, PlatformFlask, "", ""},
		{"Flask behind gunicorn: Werkzeug reason phrase", "", []*Response{withStatus(hdr(404, "", "Server", "gunicorn"), "NOT FOUND")}, PlatformFlask, "", "WSGI"},
		{"Django behind gunicorn: its 404 page", "", []*Response{hdr(404, "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>", "Server", "gunicorn")}, PlatformDjango, "", "WSGI"},
		{"Django runserver", "", []*Response{hdr(200, "", "Server", "WSGIServer/0.2 CPython/3.11.2")}, PlatformDjango, "", ""},
		{"django-cors-headers refusal", "", []*Response{hdr(200, "", "Content-Type", "text/html; charset=utf-8", "Content-Length", "0", "Vary", "Origin")}, PlatformDjango, "", ""},
		{"Starlette refusal", "", []*Response{hdr(400, "Disallowed CORS origin", "Content-Type", "text/plain; charset=utf-8", "Vary", "Origin")}, PlatformFastAPI, "", ""},
		{"Spring refusal", "", []*Response{hdr(403, "Invalid CORS request", "Vary", "Origin")}, PlatformSpring, "", ""},
		{"Spring Boot error body", "", []*Response{hdr(500, `{"timestamp":"2021-01-01T00:00:00.000+00:00","status":500,"error":"Internal Server Error","path":"/x"}`)}, PlatformSpring, "", ""},
		{"ASP.NET Core", "", []*Response{hdr(204, "", "Server", "Kestrel")}, PlatformASPNET, "", ""},
		{"Go rs/cors refusal", "", []*Response{hdr(204, "", "Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")}, PlatformGo, "", ""},
		{"Go jub0bs/cors refusal", "", []*Response{hdr(403, "", "Vary", "Access-Control-Request-Headers, Access-Control-Request-Method, Access-Control-Request-Private-Network, Origin", "Content-Length", "0")}, PlatformGo, "", ""},
		{"Go 404 with net/http headers", "", []*Response{hdr(404, "404 page not found\n", "Content-Type", "text/plain; charset=utf-8", "X-Content-Type-Options", "nosniff")}, PlatformGo, "", "Traefik"},
		{"Express behind nginx", "", []*Response{hdr(200, "", "Server", "nginx/1.25", "X-Powered-By", "Express")}, PlatformExpress, PlatformNginx, ""},
		{"Kong", "", []*Response{hdr(401, `{"message":"No API key found in request"}`, "Server", "kong/2.8.1")}, PlatformKong, "", ""},
		{"Envoy", "", []*Response{hdr(200, "", "Server", "envoy", "X-Envoy-Upstream-Service-Time", "3")}, PlatformEnvoy, "", ""},
		{"Cloudflare", "", []*Response{hdr(403, "", "Server", "cloudflare", "Cf-Ray", "1")}, PlatformCloudflare, "", ""},
		{"app behind Cloudflare", "", []*Response{hdr(200, "", "Server", "cloudflare", "Cf-Ray", "1", "X-Powered-By", "Express")}, PlatformExpress, PlatformCloudflare, ""},
		{"signals disagree", "", []*Response{hdr(200, "", "Server", "uvicorn"), hdr(200, "", "X-Powered-By", "Express")}, PlatformFastAPI, PlatformExpress, "disagree"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			d := Detect(tc.url, tc.rs...)
			if d.Platform != tc.want {
				t.Fatalf("got %q (%v), want %q", d.Platform, d.String(), tc.want)
			}
			if tc.want != "" && len(d.Signals) == 0 {
				t.Errorf("no signals for %s", tc.want)
			}
			if tc.also != "" && !d.Has(tc.also) {
				t.Errorf("%s not listed as another layer: %s", tc.also, d.String())
			}
			if tc.conflict == "" && d.Conflict != "" && tc.want != "" {
				t.Errorf("unexpected conflict: %s", d.Conflict)
			}
			if tc.conflict != "" && !strings.Contains(d.Conflict, tc.conflict) {
				t.Errorf("conflict %q does not mention %q", d.Conflict, tc.conflict)
			}
		})
	}
}

func TestIdentify(t *testing.T) {
	t.Parallel()
	ex := &Exchange{Request: cors.Request{URL: "https://abc.execute-api.us-east-1.amazonaws.com/prod/x"},
		Hops: []Hop{{Response: hdr(200, "", "X-Amz-Apigw-Id", "a")}}}
	ex.Identify("")
	if ex.Platform != PlatformAPIGwREST || ex.Detection == nil || len(ex.Detection.Signals) < 2 {
		t.Fatalf("Identify: %q %+v", ex.Platform, ex.Detection)
	}
	ex.Identify(PlatformGo)
	if ex.Platform != PlatformGo || ex.Detection.Platform != PlatformAPIGwREST {
		t.Fatalf("a given platform wins but the detection is kept: %q %+v", ex.Platform, ex.Detection)
	}
}

func FuzzDetectPlatform(f *testing.F) {
	f.Add("Server", "uvicorn", "X-Amz-Apigw-Id", "x", 200, "")
	f.Add("Via", "1.1 CloudFront", "X-Powered-By", "Express", 404, "404 page not found")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string, status int, body string) {
		d := Detect("https://"+v1+"/x", hdr(status, body, k1, v1, k2, v2))
		if d.Platform == "" && len(d.Signals) > 0 {
			t.Fatalf("signals without a platform: %v", d.Signals)
		}
	})
}

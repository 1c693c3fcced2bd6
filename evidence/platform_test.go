package evidence

import (
	"net/http"
	"testing"
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
		{"gunicorn", []*Response{hdr(200, "", "Server", "gunicorn")}, PlatformDjango},
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

func FuzzDetectPlatform(f *testing.F) {
	f.Add("Server", "uvicorn", "X-Amz-Apigw-Id", "x", 200, "")
	f.Add("Via", "1.1 CloudFront", "X-Powered-By", "Express", 404, "404 page not found")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string, status int, body string) {
		d := DetectPlatform(hdr(status, body, k1, v1, k2, v2))
		if d.Platform == "" && len(d.Signals) > 0 {
			t.Fatalf("signals without a platform: %v", d.Signals)
		}
	})
}

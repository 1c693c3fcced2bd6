package cors

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestDifferencesBetween(t *testing.T) {
	ok := &Response{Status: 200, Header: http.Header{"Access-Control-Allow-Origin": {"*"}}}
	okCred := &Response{Status: 200, Header: http.Header{"Access-Control-Allow-Origin": {"null"}, "Access-Control-Allow-Credentials": {"true"}}}
	redirect := &Response{Status: 302, Header: http.Header{"Location": {"http://127.0.0.2:8080/final"},
		"Access-Control-Allow-Origin": {"https://app.example"}, "Access-Control-Allow-Credentials": {"true"}}}
	for _, tc := range []struct {
		desc string
		req  Request
		a, b Engine
		want []string
		hops []Hop // default: one hop answered ok
	}{
		{"client hint", Request{Origin: "https://app.example", URL: "https://api.example/x", Headers: []Header{{"DPR", "2"}}}, Chromium, Firefox, []string{"client-hint-safelist"}, nil},
		{"non-ascii accept", Request{Origin: "https://app.example", URL: "https://api.example/x", Headers: []Header{{"Accept", "text/\u00e9"}}}, Chromium, Firefox, []string{"firefox-non-ascii-unsafe"}, nil},
		{"non-ascii accept, WebKit as Chromium", Request{Origin: "https://app.example", URL: "https://api.example/x", Headers: []Header{{"Accept", "text/\u00e9"}}}, Chromium, WebKit, nil, nil},
		{"loopback from https", Request{Origin: "https://app.example", URL: "http://localhost:8080/x"}, Chromium, WebKit, []string{"loopback-mixed-content"}, nil},
		{"duplicate names", Request{Origin: "https://app.example", URL: "https://api.example/x", Headers: []Header{{"X-A", "1"}, {"x-a", "2"}}}, Firefox, Chromium, []string{"firefox-duplicate-request-headers"}, nil},
		{"upload listeners", Request{Origin: "https://app.example", URL: "https://api.example/x", Initiator: InitiatorXHR, UploadListeners: true}, Chromium, WebKit, []string{"upload-listeners-without-body"}, nil},
		{"Accept set twice", Request{Origin: "https://app.example", URL: "https://api.example/x", Headers: []Header{{"Accept", strings.Repeat("a", 100)}, {"Accept", strings.Repeat("a", 100)}}}, Chromium, Firefox, []string{"firefox-duplicate-request-headers"}, nil},
		{"Accept set twice, XHR", Request{Origin: "https://app.example", URL: "https://api.example/x", Initiator: InitiatorXHR, Headers: []Header{{"Accept", strings.Repeat("a", 100)}, {"Accept", strings.Repeat("a", 100)}}}, Chromium, Firefox, nil, nil},
		{"same", Request{Origin: "https://app.example", URL: "https://api.example/x"}, Chromium, WebKit, nil, nil},
		// A simple GET redirected to another loopback host: Safari blocks it as
		// mixed content before any request; no redirect or preflight
		// difference is involved (none names Firefox, which agrees with Chrome).
		{"loopback from https, redirected", Request{Origin: "https://app.example", URL: "http://127.0.0.1:8080/r", Credentials: CredentialsInclude},
			Chromium, WebKit, []string{"loopback-mixed-content"}, []Hop{{Response: redirect}, {Response: okCred}}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			ra, rb := tc.req, tc.req
			ra.Engine, rb.Engine = tc.a, tc.b
			hops := tc.hops
			if hops == nil {
				hops = []Hop{{Response: ok}}
			}
			a, b := Evaluate(&ra, hops...), Evaluate(&rb, hops...)
			if got := DifferencesBetween(&tc.req, &a, &b); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v (a %+v, b %+v)", got, tc.want, a.Plan, b.Plan)
			}
			for _, id := range tc.want {
				if _, ok := DifferenceByID(id); !ok {
					t.Errorf("%s is not in Differences", id)
				}
			}
		})
	}
}

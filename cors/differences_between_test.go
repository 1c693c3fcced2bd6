package cors

import (
	"net/http"
	"reflect"
	"testing"
)

func TestDifferencesBetween(t *testing.T) {
	ok := &Response{Status: 200, Header: http.Header{"Access-Control-Allow-Origin": {"*"}}}
	for _, tc := range []struct {
		desc string
		req  Request
		a, b Engine
		want []string
	}{
		{"client hint", Request{Origin: "https://app.example", URL: "https://api.example/x", Headers: []Header{{"DPR", "2"}}}, Chromium, Firefox, []string{"client-hint-safelist"}},
		{"non-ascii accept", Request{Origin: "https://app.example", URL: "https://api.example/x", Headers: []Header{{"Accept", "text/\u00e9"}}}, Chromium, Firefox, []string{"firefox-non-ascii-unsafe"}},
		{"non-ascii accept, WebKit as Chromium", Request{Origin: "https://app.example", URL: "https://api.example/x", Headers: []Header{{"Accept", "text/\u00e9"}}}, Chromium, WebKit, nil},
		{"loopback from https", Request{Origin: "https://app.example", URL: "http://localhost:8080/x"}, Chromium, WebKit, []string{"loopback-mixed-content"}},
		{"duplicate names", Request{Origin: "https://app.example", URL: "https://api.example/x", Headers: []Header{{"X-A", "1"}, {"x-a", "2"}}}, Firefox, Chromium, []string{"firefox-duplicate-request-headers"}},
		{"upload listeners", Request{Origin: "https://app.example", URL: "https://api.example/x", Initiator: InitiatorXHR, UploadListeners: true}, Chromium, WebKit, []string{"upload-listeners-without-body"}},
		{"same", Request{Origin: "https://app.example", URL: "https://api.example/x"}, Chromium, WebKit, nil},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			ra, rb := tc.req, tc.req
			ra.Engine, rb.Engine = tc.a, tc.b
			a, b := Evaluate(&ra, Hop{Response: ok}), Evaluate(&rb, Hop{Response: ok})
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

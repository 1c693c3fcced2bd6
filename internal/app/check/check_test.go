package check

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/cors"
)

// TestProbeSet uses a hand-written server to check the
// probe set: the request, the error path, no-auth and repeats.
func TestProbeSet(t *testing.T) {
	t.Parallel()
	var (
		mu    sync.Mutex
		paths []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Access-Control-Allow-Headers", "authorization")
	}))
	defer srv.Close()
	spec := Spec{URL: srv.URL + "/v1/items", Origins: []string{"http://localhost:5173"}, Repeat: 2, Timeout: time.Second}
	spec.Request.Method = "GET"
	spec.Request.Headers = append(spec.Request.Headers, cors.Header{Name: "Authorization", Value: "Bearer x"})
	out := Run(context.Background(), spec)
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		"OPTIONS /v1/items", "GET /v1/items", // the request
		"OPTIONS /v1/corsdoctor-missing-7f3a", "GET /v1/corsdoctor-missing-7f3a", // error path
		"GET /v1/items",                                                            // no-auth: simple, no preflight
		"OPTIONS /v1/items", "GET /v1/items", "OPTIONS /v1/items", "GET /v1/items", // repeats
	}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests sent:\n%s\nwant:\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
	if n := len(out.Curl[0]); n != 6 {
		t.Errorf("%d curl lines, want 5 requests + 1 repeat summary", n)
	}
}

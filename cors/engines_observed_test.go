package cors_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
)

// testdata/firefox/observed.json and testdata/webkit/observed.json hold
// the whole differential run in real Firefox ESR (WebDriver BiDi; console
// lines from log.entryAdded) and real WebKitGTK (MiniBrowser outside
// automation; console lines from its stderr): the responses each browser
// received, and what it did. They are rewritten with
//
//	go test ./collect/browser -run 'TestDifferentialFirefox|TestDifferentialWebKit' -record
//
// and replayed here, offline, through the engine of that browser: the
// verdict, the preflight decision and its Access-Control-Request-* values,
// the readable headers and every console line, character for character.

// engineVector is one recorded observation (collect/browser vectorJSON).
type engineVector struct {
	vectorRequest
	Hops    []vectorHopFile `json:"hops"`
	Browser *struct {
		Engine         cors.Engine `json:"engine"`
		Product        string      `json:"product"`
		Allowed        bool        `json:"allowed"`
		Console        []string    `json:"console"`
		PreflightSent  bool        `json:"preflight_sent"`
		RequestMethod  string      `json:"request_method"`
		RequestHeaders string      `json:"request_headers"`
		Readable       string      `json:"readable"`
	} `json:"browser"`
}

type vectorHopFile struct {
	Preflight *vectorResponse `json:"preflight"`
	Response  *vectorResponse `json:"response"`
}

// pageAt matches the page URL that mixed-content and same-origin lines
// name: the recorded one is the test page's, the engine writes the
// origin and "/".
var pageAt = regexp.MustCompile(`^(\[blocked\] The page at |Security Error: Content at )\S+`)

func maskPageURL(s string) string { return pageAt.ReplaceAllString(s, "${1}<page>") }

func loadEngineVectors(t *testing.T, dir string) []engineVector {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", dir, "observed.json"))
	if err != nil {
		t.Fatalf("read the recorded %s vectors: %v", dir, err)
	}
	var vs []engineVector
	if err := json.Unmarshal(data, &vs); err != nil {
		t.Fatalf("testdata/%s/observed.json: %v", dir, err)
	}
	if len(vs) < 300 {
		t.Fatalf("only %d recorded %s vectors", len(vs), dir)
	}
	return vs
}

func TestEnginesObserved(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"firefox", "webkit"} {
		for _, v := range loadEngineVectors(t, dir) {
			t.Run(dir+": "+v.Desc, func(t *testing.T) {
				b := v.Browser
				if b == nil {
					t.Fatal("vector without the browser's observation")
				}
				body := cors.BodyNone
				if v.Body {
					body = cors.BodySimple
				}
				req := cors.Request{Origin: v.Origin, URL: v.URL, Method: v.Method, Headers: v.Headers, Body: body,
					Credentials: cors.Credentials(v.Credentials), Mode: cors.Mode(v.Mode),
					Initiator: cors.Initiator(v.Initiator), UploadListeners: v.Upload, Engine: b.Engine}
				var hops []cors.Hop
				for _, h := range v.Hops {
					hops = append(hops, cors.Hop{Preflight: h.Preflight.response(), Response: h.Response.response()})
				}
				r := cors.Evaluate(&req, hops...)
				if err := cors.NarrationAgrees(&r); err != nil {
					t.Errorf("Checks: %v", err)
				}
				if r.Allowed != b.Allowed {
					t.Errorf("allowed %v, %s %v", r.Allowed, b.Product, b.Allowed)
				}
				var got []string
				for _, l := range r.ConsoleLines() {
					got = append(got, maskPageURL(l))
				}
				if strings.Join(got, "\n") != strings.Join(b.Console, "\n") {
					t.Errorf("console lines\n got %q\nwant %q (%s)", got, b.Console, b.Product)
				}
				if r.Stage == cors.StageRequest {
					return
				}
				if r.Plan.Required != b.PreflightSent && !r.Opaque {
					t.Errorf("preflight %v, %s sent one: %v", r.Plan.Required, b.Product, b.PreflightSent)
				}
				if b.PreflightSent && r.Plan.Required &&
					(r.Plan.Method != b.RequestMethod || r.Plan.RequestHeaders != b.RequestHeaders) {
					t.Errorf("preflight %s [%s], %s sent %s [%s]", r.Plan.Method, r.Plan.RequestHeaders, b.Product, b.RequestMethod, b.RequestHeaders)
				}
				if r.Allowed && b.Allowed && !r.Opaque && len(hops) > 0 {
					fin := hops[len(hops)-1].Response
					if fin == nil {
						return
					}
					var names []string
					for name, ok := range cors.ReadableHeaders(&r, fin.Header, nil) {
						if ok {
							names = append(names, name)
						}
					}
					// The vectors leave Date out (it changes every run).
					want := strings.ReplaceAll(strings.ReplaceAll(b.Readable, ",date,", ","), ",date", "")
					if got := joinSorted(names); got != want {
						t.Errorf("readable %q, %s read %q", got, b.Product, b.Readable)
					}
				}
			})
		}
	}
}

func joinSorted(xs []string) string {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
	return strings.Join(xs, ",")
}

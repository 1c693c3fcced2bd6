package apigw

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
)

func loadExport(t testing.TB, fixture string) []byte {
	st, err := fakeaws.LoadFile(filepath.Join("..", "..", "internal", "fakeaws", "testdata", fixture+".json"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(st.RestAPIs[0].Exports["prod"])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExportModelAndDrift(t *testing.T) {
	t.Parallel()
	incident, _, err := exportModel(loadExport(t, "rest-incident"), "a1b2c3d4e5", evidence.Source{URL: "x"})
	if err != nil {
		t.Fatal(err)
	}
	method, _, err := exportModel(loadExport(t, "rest-method"), "a1b2c3d4e5", evidence.Source{URL: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if incident.Resource("/orders").Method("OPTIONS") != nil || method.Resource("/orders").Method("OPTIONS") == nil {
		t.Fatal("OPTIONS /orders: incident export must lack it, method export must have it")
	}
	if d := Drift(method, method, true); len(d) != 0 {
		t.Errorf("self drift = %+v", d)
	}
	d := Drift(incident, method, true)
	var elems []string
	for _, x := range d {
		elems = append(elems, x.Kind+" "+x.Method+" "+x.Path+" "+x.Element)
	}
	got := strings.Join(elems, "\n")
	for _, want := range []string{"not-deployed OPTIONS /orders OPTIONS method", "not-deployed   gateway response DEFAULT_4XX Access-Control-Allow-Origin", "removed PUT /orders/{id} Access-Control-Allow-Origin mapping (integration response 4\\d{2})"} {
		if !strings.Contains(got, want) {
			t.Errorf("drift lacks %q:\n%s", want, got)
		}
	}
	if d := Drift(incident, method, false); strings.Contains(fmtDrift(d), "gateway response") {
		t.Error("gateway responses compared although they could not be read")
	}
}

func fmtDrift(d []evidence.Drift) string {
	b, _ := json.Marshal(d)
	return string(b)
}

func FuzzExportModel(f *testing.F) {
	f.Add(loadExport(f, "rest-incident"))
	f.Add([]byte(`{"paths":{"/a":{"options":{"x-amazon-apigateway-integration":{"type":"mock","responses":{"default":{"statusCode":"200"}}}}}}}`))
	f.Add([]byte(`{"paths":{"/a":{"get":null}}}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, b []byte) {
		api, issues, err := exportModel(b, "id", evidence.Source{})
		if (err == nil) == (api == nil) {
			t.Fatalf("want error xor model: %v %v", err, api)
		}
		for _, is := range issues {
			if is.Path == "" || is.Want == "" {
				t.Fatalf("issue without location: %+v", is)
			}
		}
		if api != nil {
			Drift(api, api, true)
		}
	})
}

package fakeaws

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFixturesLoad(t *testing.T) {
	t.Parallel()
	names, _ := filepath.Glob("testdata/*.json")
	if len(names) < 6 {
		t.Fatalf("%d fixtures", len(names))
	}
	for _, n := range names {
		st, err := LoadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if st.Now.IsZero() || len(st.RestAPIs)+len(st.HTTPAPIs) == 0 {
			t.Errorf("%s: no clock or no API", n)
		}
		for _, a := range st.RestAPIs {
			if _, ok := a.Exports["prod"]; !ok {
				t.Errorf("%s: REST API without a prod export", n)
			}
		}
	}
}

func TestShift(t *testing.T) {
	t.Parallel()
	st, err := LoadFile("testdata/rest-incident.json")
	if err != nil {
		t.Fatal(err)
	}
	before := st.Events[0]["EventTime"].(string)
	st.Shift(time.Hour)
	after := st.Events[0]["EventTime"].(string)
	b0, _ := time.Parse(time.RFC3339, before)
	a0, _ := time.Parse(time.RFC3339, after)
	if a0.Sub(b0) != time.Hour || st.Now.Format("15:04") != "11:00" {
		t.Errorf("shift: %s -> %s, now %s", before, after, st.Now)
	}
}

func TestPage(t *testing.T) {
	t.Parallel()
	items := []int{1, 2, 3, 4, 5}
	var got []int
	token, pages := "", 0
	for {
		p, next := page(items, token, 2, 25, 500, 0)
		got = append(got, p...)
		pages++
		if next == "" {
			break
		}
		token = next
	}
	if pages != 3 || len(got) != 5 {
		t.Errorf("pages %d items %v", pages, got)
	}
	if p, next := page(items, "", 500, 25, 500, 2); len(p) != 2 || next == "" {
		t.Errorf("page cap ignored: %v %q", p, next)
	}
	if p, _ := page(items, "p99", 2, 25, 500, 0); len(p) != 0 {
		t.Errorf("token past the end: %v", p)
	}
}

func TestLargeREST(t *testing.T) {
	t.Parallel()
	st := LargeREST(10)
	if len(st.RestAPIs[0].Resources) != 11 {
		t.Fatalf("%d resources", len(st.RestAPIs[0].Resources))
	}
}

func FuzzLoad(f *testing.F) {
	b, err := os.ReadFile("testdata/http-credentials.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"region":"eu-west-1","restApis":[{"api":{"id":"x"},"resources":[]}]}`))
	f.Add([]byte(`{"unknown":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := Load(bytes.NewReader(b))
		if (err == nil) == (st == nil) {
			t.Fatalf("want error xor state: %v", err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "fixture: ") {
			t.Fatalf("error without location: %v", err)
		}
		if st != nil {
			st.Shift(time.Minute)
		}
	})
}

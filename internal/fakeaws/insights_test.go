package fakeaws

import (
	"strings"
	"testing"
	"time"
)

func TestEvalInsights(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	ev := []LogEvent{
		{t0, `{"m":"OPTIONS","p":"/a","s":"403"}`},
		{t0.Add(10 * time.Second), `{"m":"OPTIONS","p":"/a","s":"403"}`},
		{t0.Add(70 * time.Second), `{"m":"GET","p":"/a","s":"200"}`},
		{t0.Add(80 * time.Second), `{"m":"PUT","p":"/b","s":"500"}`},
		{t0.Add(90 * time.Second), `plain text origin: https://x.example`},
		{t0.Add(time.Hour), `{"m":"OPTIONS","p":"/a","s":"403"}`},
	}
	for _, tc := range []struct {
		desc, query, want string
	}{
		{"filter and group", "filter m = \"OPTIONS\" and s >= 400\n| stats count(*) as n by p, s", "p=/a s=403 n=2"},
		{"bin per minute", "filter s >= 400\n| stats count(*) as n by bin(1m) as minute\n| sort minute asc",
			"minute=2026-11-20 09:00:00.000 n=2|minute=2026-11-20 09:01:00.000 n=1"},
		{"sort desc and limit", "stats count(*) as n by m\n| sort n desc\n| limit 1", "m=OPTIONS n=2"},
		{"or, not like", "filter m = \"GET\" or s = 500\n| filter p not like \"/a\"\n| stats count(*) as n by m", "m=PUT n=1"},
		{"regex parse and ispresent", "filter @message like /origin/\n| parse @message /origin: (?<o>https?:\\/\\/\\S+)/\n| filter ispresent(o)\n| stats count(*) as n by o", "o=https://x.example n=1"},
		{"glob parse", "filter @message like \"plain\"\n| parse @message \"plain * origin: *\" as a, b\n| stats count(*) as n by a, b", "a=text b=https://x.example n=1"},
		{"count without groups on nothing", "filter m = \"DELETE\"\n| stats count(*) as n", "n=0"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			rows, err := evalInsights(tc.query, ev, t0, t0.Add(30*time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				var parts []string
				for _, f := range r {
					parts = append(parts, f["field"]+"="+f["value"])
				}
				got = append(got, strings.Join(parts, " "))
			}
			if g := strings.Join(got, "|"); g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
	if _, err := evalInsights("dedup x", ev, t0, t0); err == nil {
		t.Error("unsupported command accepted")
	}
}

func FuzzEvalInsights(f *testing.F) {
	f.Add("filter m = \"OPTIONS\" and s >= 400\n| stats count(*) as n by p, bin(1m) as minute\n| sort n desc\n| limit 5", `{"m":"OPTIONS","p":"/a","s":"403"}`)
	f.Add("parse @message /(?<o>x+)/\n| filter ispresent(o)", "xxx")
	f.Add("parse @message \"a*b\" as q", "a1b")
	f.Fuzz(func(t *testing.T, q, msg string) {
		t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		rows, err := evalInsights(q, []LogEvent{{t0, msg}}, t0, t0.Add(time.Hour))
		if err != nil && rows != nil {
			t.Fatal("rows with an error")
		}
	})
}

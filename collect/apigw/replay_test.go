package apigw

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/corsdoctor/corsdoctor/evidence"
	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
)

// projection is what a replay must reproduce of a live run (user names,
// ARNs and account ids are redacted in a recording, so they are left out).
func projection(r *Result) string {
	pb := r.Playbook
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s %s widened=%v %s..%s\n", pb.Kind, pb.APIID, pb.APIName, pb.Stage, pb.Widened, pb.Start, pb.End)
	for _, s := range pb.Steps {
		fmt.Fprintf(&b, "step %d %s %d lines\n", s.N, s.Status, len(s.Evidence))
	}
	for _, g := range pb.Gaps {
		fmt.Fprintf(&b, "gap %d %s %s\n", g.Step, g.What, g.Cause)
	}
	for _, c := range pb.Changes {
		fmt.Fprintf(&b, "change %s %s %s cors=%v deploy=%v\n", c.Time.Format(time.RFC3339), c.Event, c.Detail, c.CORS, c.Deploy)
	}
	for _, q := range pb.Logs {
		fmt.Fprintf(&b, "log %s %s %d rows %v\n", q.Purpose, q.Status, len(q.Rows), q.Rows)
	}
	if pb.Access != nil {
		fmt.Fprintf(&b, "access %d records %d routes\n", pb.Access.Records, len(pb.Access.Routes))
	}
	for _, m := range pb.Metrics {
		fmt.Fprintf(&b, "metric %s %d points\n", m.Name, len(m.Points))
	}
	fmt.Fprintf(&b, "drift %v invokes %d\n", pb.Drift, len(pb.Invokes))
	return b.String()
}

// TestReplayRoundTrip records a run against each fake scenario, replays
// it offline, and checks the replay reproduces the run, uses every
// recorded answer, and that the recording holds no account id, key,
// user name or IP address of the fixture.
func TestReplayRoundTrip(t *testing.T) {
	t.Parallel()
	for _, sc := range []scenario{
		{fixture: "rest-incident", opt: Options{APIID: "a1b2c3d4e5", AppLogGroups: []string{"/ecs/orders-web"}, TestInvoke: true}},
		{fixture: "rest-drift", opt: Options{APIID: "a1b2c3d4e5"}},
		{fixture: "rest-origin", opt: Options{APIID: "a1b2c3d4e5", Origins: []string{"https://www.example.com"}}},
		{fixture: "http-no-cors", opt: Options{APIID: "h7k8m9n0p1"}},
		{fixture: "http-credentials", opt: Options{APIID: "h7k8m9n0p1", AppLogGroups: []string{"/ecs/orders-web"}}},
	} {
		t.Run(sc.fixture, func(t *testing.T) {
			t.Parallel()
			st, err := fakeaws.LoadFile(filepath.Join("..", "..", "internal", "fakeaws", "testdata", sc.fixture+".json"))
			if err != nil {
				t.Fatal(err)
			}
			srv := fakeaws.New(st).Start()
			defer srv.Close()
			cfg := testConfig(srv.URL, "us-east-1", "AKIAIOSFODNN7EXAMPLE")
			rec := NewRecorder(nil)
			cfg.HTTPClient = rec
			opt := sc.opt
			opt.Now = func() time.Time { return st.Now }
			opt.PollInterval = time.Millisecond
			live, err := Diagnose(context.Background(), NewClients(cfg, fastBackoff{}), opt)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := rec.Write(dir, ReplayManifest{Now: st.Now, Region: "us-east-1", APIID: opt.APIID, Since: "1h0m0s"}); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(filepath.Join(dir, "calls.jsonl"))
			for _, secret := range []string{"123456789012", "AKIAIOSFODNN7EXAMPLE", "ASIAEXAMPLEKEY000000", "ci-pipeline", "\\\"alice", "203.0.113.10", "deployer/"} {
				if strings.Contains(string(b), secret) {
					t.Errorf("recording holds %q", secret)
				}
			}
			rp, m, err := LoadReplay(dir)
			if err != nil {
				t.Fatal(err)
			}
			rcfg := testConfig("http://replay.invalid", m.Region, "AKIAREPLAY0000000000")
			rcfg.HTTPClient = rp
			replayed, err := Diagnose(context.Background(), NewClients(rcfg, fastBackoff{}), opt)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := projection(replayed), projection(live); got != want {
				t.Errorf("replay differs from the run:\n--- replay\n%s--- run\n%s", got, want)
			}
			if u := rp.Unused(); len(u) != 0 {
				t.Errorf("recorded answers never asked: %v", u)
			}
			if g := replayed.Playbook.Gaps; len(g) != len(live.Playbook.Gaps) {
				t.Errorf("gaps: %+v", g)
			}
		})
	}
}

// TestReplayMissing: a request that was not recorded is missing evidence
// (ReplayMissingException), not a crash or a network error.
func TestReplayMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := NewRecorder(nil).Write(dir, ReplayManifest{Now: time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC), Region: "us-east-1", APIID: "a1b2c3d4e5", Since: "1h"}); err != nil {
		t.Fatal(err)
	}
	rp, _, err := LoadReplay(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig("http://replay.invalid", "us-east-1", "AKIAREPLAY0000000000")
	cfg.HTTPClient = rp
	r, err := Diagnose(context.Background(), NewClients(cfg, fastBackoff{}), Options{APIID: "a1b2c3d4e5", Now: func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	judge(t, r)
	if r.Playbook.Kind != "UNKNOWN" || r.Playbook.Steps[0].Status != evidence.StepFailed || !strings.Contains(r.Playbook.Steps[0].Reason, "ReplayMissingException") {
		t.Errorf("kind %s step 1 %+v", r.Playbook.Kind, r.Playbook.Steps[0])
	}
}

func TestLoadReplayErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, manifest, calls, want string
	}{
		{"no manifest", "", "", "manifest.json"},
		{"bad manifest", `{"version":2}`, "", "want version 1"},
		{"bad since", `{"version":1,"now":"2026-11-20T10:00:00Z","region":"us-east-1","api_id":"x","since":"soon"}`, "", "since"},
		{"bad line", `{"version":1,"now":"2026-11-20T10:00:00Z","region":"us-east-1","api_id":"x","since":"1h"}`, "{\"key\":\"GET /\",\"status\":200}\nnot json\n", "calls.jsonl:2"},
		{"bad status", `{"version":1,"now":"2026-11-20T10:00:00Z","region":"us-east-1","api_id":"x","since":"1h"}`, "{\"key\":\"GET /\",\"status\":99}\n", "calls.jsonl:1: want a key and an HTTP status"},
	} {
		dir := t.TempDir()
		if tc.manifest != "" {
			os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(tc.manifest), 0o644)
		}
		os.WriteFile(filepath.Join(dir, "calls.jsonl"), []byte(tc.calls), 0o644)
		if _, _, err := LoadReplay(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.desc, err, tc.want)
		}
	}
}

func TestReplayRedactor(t *testing.T) {
	t.Parallel()
	r := newReplayRedactor()
	in := `{"userIdentity":{"arn":"arn:aws:sts::123456789012:assumed-role/deployer/ci-pipeline","accountId":"123456789012","accessKeyId":"ASIAEXAMPLEKEY000000"},` +
		`"Username":"jane.doe@example.com","sourceIPAddress":"203.0.113.10","log":"Authorization=Bearer abc.def, X-Amz-Security-Token=IQoJb3Jp","other":"arn:aws:logs:us-east-1:210987654321:log-group:/a"}`
	got := r.text(in)
	want := `{"userIdentity":{"arn":"arn:aws:sts::000000000001:assumed-role/principal-1","accountId":"000000000001","accessKeyId":"ASIAREDACTED00000001"},` +
		`"Username":"user-1","sourceIPAddress":"192.0.2.2","log":"Authorization=[redacted], X-Amz-Security-Token=[redacted]","other":"arn:aws:logs:us-east-1:000000000002:log-group:/a"}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if again := r.text(got); again != got {
		t.Errorf("not idempotent:\n%s", again)
	}
}

func FuzzReplayRedactor(f *testing.F) {
	f.Add(`arn:aws:iam::123456789012:user/bob 10.0.0.1 AKIAIOSFODNN7EXAMPLE a@b.co "Username":"x"`)
	f.Fuzz(func(t *testing.T, s string) {
		r := newReplayRedactor()
		out := r.text(s)
		if r.text(out) != out {
			t.Fatalf("not idempotent on %q", s)
		}
	})
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/corsdoctor/corsdoctor/collect/apigw"
	"github.com/corsdoctor/corsdoctor/internal/app/awsdiagnose"
	"github.com/corsdoctor/corsdoctor/internal/fakeaws"
	"github.com/corsdoctor/corsdoctor/internal/golden"
	"github.com/corsdoctor/corsdoctor/report"
)

type quickBackoff struct{}

func (quickBackoff) BackoffDelay(int, error) (time.Duration, error) { return 5 * time.Millisecond, nil }

// runAWS runs `corsdoctor aws ARGS` against the fixture served by
// internal/fakeaws, with the real SDK clients and the fixture's clock.
func runAWS(t *testing.T, fixture string, setup func(*fakeaws.Server), key string, args ...string) (stdout, stderr string, code int, fake *fakeaws.Server) {
	t.Helper()
	st, err := fakeaws.LoadFile(filepath.Join("..", "fakeaws", "testdata", fixture+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return runAWSState(t, st, setup, key, args...)
}

// runAWSState is runAWS on a state built in the test.
func runAWSState(t *testing.T, st *fakeaws.State, setup func(*fakeaws.Server), key string, args ...string) (stdout, stderr string, code int, fake *fakeaws.Server) {
	t.Helper()
	fake = fakeaws.New(st)
	if setup != nil {
		setup(fake)
	}
	srv := fake.Start()
	t.Cleanup(srv.Close)
	if key == "" {
		key = "AKIAIOSFODNN7EXAMPLE"
	}
	var out, errOut bytes.Buffer
	app := NewApp(&IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	app.Now = func() time.Time { return st.Now }
	cmd := NewCmdAWS(app, func(o *AWSDiagnoseOptions) error {
		o.LoadConfig = func(ctx context.Context, o *awsdiagnose.Options) (aws.Config, error) {
			region := o.Region
			if region == "" {
				region = "us-east-1"
			}
			return aws.Config{Region: region, BaseEndpoint: aws.String(srv.URL),
				Credentials: credentials.NewStaticCredentialsProvider(key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")}, nil
		}
		o.Backoff = quickBackoff{}
		o.PollInterval = 2 * time.Millisecond
		return runAWSDiagnose(context.Background(), o)
	})
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	PrintError(&errOut, err)
	return out.String(), errOut.String(), ExitCode(err), fake
}

func TestAWSDiagnoseGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, fixture string
		args          []string
		setup         func(*fakeaws.Server)
		code          int
	}{
		{desc: "rest-incident", fixture: "rest-incident", args: []string{"--api-id", "a1b2c3d4e5", "--app-log-group", "/ecs/orders-web", "--test-invoke"}, code: 1},
		{desc: "rest-drift-widened", fixture: "rest-drift", args: []string{"--api-id", "a1b2c3d4e5"}, code: 1},
		{desc: "rest-method-widened", fixture: "rest-method", args: []string{"--api-id", "a1b2c3d4e5", "--stage", "prod"}, code: 1},
		{desc: "rest-origin-denied", fixture: "rest-origin", args: []string{"--api-id", "a1b2c3d4e5", "--app-log-group", "/ecs/orders-web", "--origin", "https://www.example.com"},
			setup: func(f *fakeaws.Server) { f.Deny("apigateway:GetGatewayResponses", "cloudtrail:LookupEvents") }, code: 1},
		{desc: "http-no-cors", fixture: "http-no-cors", args: []string{"--api-id", "h7k8m9n0p1"}, code: 1},
		{desc: "http-credentials", fixture: "http-credentials", args: []string{"--api-id", "h7k8m9n0p1", "--app-log-group", "/ecs/orders-web", "--origin", "https://app.example.com"}, code: 1},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			for _, format := range []string{"txt", "json"} {
				args := append([]string{"diagnose"}, tc.args...)
				if format == "json" {
					args = append(args, "--json")
				}
				out, errOut, code, _ := runAWS(t, tc.fixture, tc.setup, "", args...)
				if code != tc.code {
					t.Fatalf("%s: exit %d, want %d; stderr: %s", format, code, tc.code, errOut)
				}
				if errOut != "" {
					t.Errorf("stderr: %s", errOut)
				}
				if strings.Contains(out, "AKIAIOSFODNN7EXAMPLE") || strings.Contains(out, "wJalrXUtnFEMI") {
					t.Error("credentials in the report")
				}
				if format == "json" {
					var doc report.PlaybookDocument
					if err := json.Unmarshal([]byte(out), &doc); err != nil {
						t.Fatalf("json: %v", err)
					}
					if len(doc.Playbook.Steps) != 9 {
						t.Errorf("json: %d steps", len(doc.Playbook.Steps))
					}
				}
				golden.Check(t, "testdata/aws/"+tc.desc+"."+format, []byte(out))
			}
		})
	}
}

// TestAWSDiagnoseFindings pins which diagnosis each scenario reaches.
func TestAWSDiagnoseFindings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, fixture string
		args          []string
		setup         func(*fakeaws.Server)
		want, not     []string
	}{
		{"diagnosis 1, 3, 5 and 2 (REST)", "rest-incident", []string{"--api-id", "a1b2c3d4e5"}, nil, []string{"CD4050", "CD4051", "CD4052", "CD4054", "CD2009", "CD4001", "CD4003", "CD4006"}, []string{"CD4057", "CD2101"}},
		{"drift after a deployment, widened, no correlation", "rest-drift", []string{"--api-id", "a1b2c3d4e5"}, nil, []string{"CD2101", "CD2102", "CD2017", "CD4057"}, []string{"CD4052"}},
		{"diagnosis 6 after widening", "rest-method", []string{"--api-id", "a1b2c3d4e5"}, nil, []string{"CD4055", "CD4052", "CD4002", "CD4003", "CD4006"}, []string{"CD4057"}},
		{"diagnosis 4, AccessDenied on one step", "rest-origin", []string{"--api-id", "a1b2c3d4e5", "--origin", "http://app.example.com"}, func(f *fakeaws.Server) { f.Deny("apigateway:GetGatewayResponses") }, []string{"CD4053", "CD2100"}, []string{"CD2009"}},
		{"diagnosis 2 and 3 (HTTP)", "http-no-cors", []string{"--api-id", "h7k8m9n0p1"}, nil, []string{"CD4051", "CD4052", "CD4050", "CD4054", "CD4001", "CD4003"}, nil},
		{"diagnosis 7 (HTTP)", "http-credentials", []string{"--api-id", "h7k8m9n0p1", "--app-log-group", "/ecs/orders-web"}, nil, []string{"CD4056"}, []string{"CD4051"}},
		{"proxy without CORS headers (test-invoke)", "rest-incident", []string{"--api-id", "a1b2c3d4e5", "--test-invoke"}, nil, []string{"CD2103"}, nil},
		{"access logs missing: log group deleted", "rest-incident", []string{"--api-id", "a1b2c3d4e5"}, func(f *fakeaws.Server) { f.Deny("logs:StartQuery") }, []string{"CD2100", "CD4052"}, []string{"CD4050"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, errOut, code, _ := runAWS(t, tc.fixture, tc.setup, "", append([]string{"diagnose", "--json", "--fail-on", "info"}, tc.args...)...)
			if code != 1 {
				t.Fatalf("exit %d; stderr %s", code, errOut)
			}
			var doc report.PlaybookDocument
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, f := range doc.Findings {
				got[f.ID] = true
			}
			for _, id := range tc.want {
				if !got[id] {
					t.Errorf("%s missing; got %v", id, got)
				}
			}
			for _, id := range tc.not {
				if got[id] {
					t.Errorf("%s fired", id)
				}
			}
		})
	}
}

func TestAWSDiagnoseBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc, key string
		args      []string
		want      string
	}{
		{"unknown API id", "", []string{"--api-id", "zzzzzzzzzz"}, `no REST, HTTP or WebSocket API with id "zzzzzzzzzz" in region us-east-1`},
		{"wrong region", "", []string{"--api-id", "a1b2c3d4e5", "--region", "eu-west-1"}, "in region eu-west-1"},
		{"expired credentials", fakeaws.ExpiredKey, []string{"--api-id", "a1b2c3d4e5"}, "AWS credentials are expired"},
		{"unknown stage", "", []string{"--api-id", "a1b2c3d4e5", "--stage", "dev"}, `has no stage "dev" (stages: prod)`},
		{"missing api id", "", nil, "--api-id is required"},
		{"bad origin", "", []string{"--api-id", "a1b2c3d4e5", "--origin", "app.example.com"}, "origin"},
		{"bad since", "", []string{"--api-id", "a1b2c3d4e5", "--since", "-5m"}, "--since"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			out, errOut, code, _ := runAWS(t, "rest-incident", nil, tc.key, append([]string{"diagnose"}, tc.args...)...)
			if code != 2 {
				t.Fatalf("exit %d, want 2; stderr %s", code, errOut)
			}
			if out != "" {
				t.Errorf("stdout not empty: %s", out)
			}
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if !strings.HasPrefix(lines[0], "corsdoctor: error: ") || !strings.Contains(lines[0], tc.want) {
				t.Errorf("stderr = %q, want an error line containing %q", errOut, tc.want)
			}
			if tc.desc != "bad since" && (len(lines) < 2 || !strings.HasPrefix(lines[1], "corsdoctor: hint: ")) {
				t.Errorf("no hint: %q", errOut)
			}
		})
	}
}

// TestAWSDiagnoseUnreachable: an endpoint nobody listens on is one
// error line, exit 2, not an empty report.
func TestAWSDiagnoseUnreachable(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	app := NewApp(&IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	cmd := NewCmdAWS(app, func(o *AWSDiagnoseOptions) error {
		o.LoadConfig = func(ctx context.Context, o *awsdiagnose.Options) (aws.Config, error) {
			return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String("http://127.0.0.1:9"),
				Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "x", "")}, nil
		}
		o.Backoff = quickBackoff{}
		return runAWSDiagnose(context.Background(), o)
	})
	cmd.SetArgs([]string{"diagnose", "--api-id", "a1b2c3d4e5"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	PrintError(&errOut, err)
	if ExitCode(err) != 2 || out.Len() != 0 || !strings.Contains(errOut.String(), "corsdoctor: error: cannot reach the API Gateway endpoint") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", ExitCode(err), out.String(), errOut.String())
	}
}

// TestAWSDiagnoseCredentialChain runs the real default credential chain
// with nothing configured: one error line and a hint, exit 2.
func TestAWSDiagnoseCredentialChain(t *testing.T) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
	} {
		t.Setenv(k, v)
	}
	out, errOut, code := run(t, "", "aws", "diagnose", "--api-id", "a1b2c3d4e5")
	if code != 2 || out != "" || !strings.Contains(errOut, "corsdoctor: error: no AWS credentials found") || !strings.Contains(errOut, "corsdoctor: hint: pass --profile") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte("[profile other]\nregion = us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = run(t, "", "aws", "diagnose", "--api-id", "a1b2c3d4e5", "--profile", "missing")
	if code != 2 || !strings.Contains(errOut, `AWS profile "missing" not found`) {
		t.Fatalf("exit %d stderr %s", code, errOut)
	}

	// Credentials from the environment and AWS_ENDPOINT_URL, through the
	// real default chain, against the fake with its clock shifted to now.
	st, err := fakeaws.LoadFile(filepath.Join("..", "fakeaws", "testdata", "rest-incident.json"))
	if err != nil {
		t.Fatal(err)
	}
	st.Shift(time.Now().UTC().Truncate(time.Minute).Sub(st.Now))
	srv := fakeaws.New(st).Start()
	defer srv.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	t.Setenv("AWS_ENDPOINT_URL", srv.URL)
	out, errOut, code = run(t, "", "aws", "diagnose", "--api-id", "a1b2c3d4e5", "--since", "1h")
	if code != 1 || !strings.Contains(out, `REST API a1b2c3d4e5 "orders-api" in us-east-1, stage prod`) || !strings.Contains(out, "CD4052") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
}

// TestAWSDiagnoseHTML writes the HTML page with the chart.
func TestAWSDiagnoseHTML(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "report.html")
	_, errOut, code, _ := runAWS(t, "rest-incident", nil, "", "diagnose", "--api-id", "a1b2c3d4e5", "--html", path)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", "CreateDeployment", "CD4050", "Step 8"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

// TestAWSDiagnoseClean: an API with CORS everywhere, deployed, and no
// error rise exits 0 (only info findings remain).
func TestAWSDiagnoseClean(t *testing.T) {
	t.Parallel()
	out, errOut, code, _ := runAWSState(t, fakeaws.LargeREST(3), nil, "", "diagnose", "--api-id", "big0000001", "--origin", "https://app.example.com")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "0 error, 0 warning") {
		t.Errorf("report:\n%s", out)
	}
}

// awsScenarios are the fake scenarios whose runs are also shipped as
// recordings (testdata/aws/replay/NAME, written with -update).
var awsScenarios = []struct {
	desc, fixture string
	args          []string
	setup         func(*fakeaws.Server)
}{
	{"rest-incident", "rest-incident", []string{"--api-id", "a1b2c3d4e5", "--app-log-group", "/ecs/orders-web", "--test-invoke"}, nil},
	{"rest-drift-widened", "rest-drift", []string{"--api-id", "a1b2c3d4e5"}, nil},
	{"rest-method-widened", "rest-method", []string{"--api-id", "a1b2c3d4e5", "--stage", "prod"}, nil},
	{"rest-origin-denied", "rest-origin", []string{"--api-id", "a1b2c3d4e5", "--app-log-group", "/ecs/orders-web", "--origin", "https://www.example.com"},
		func(f *fakeaws.Server) { f.Deny("apigateway:GetGatewayResponses", "cloudtrail:LookupEvents") }},
	{"http-no-cors", "http-no-cors", []string{"--api-id", "h7k8m9n0p1"}, nil},
	{"http-credentials", "http-credentials", []string{"--api-id", "h7k8m9n0p1", "--app-log-group", "/ecs/orders-web", "--origin", "https://app.example.com"}, nil},
}

func findingIDs(t *testing.T, out string) []string {
	t.Helper()
	var doc report.PlaybookDocument
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v", err)
	}
	var ids []string
	for _, f := range doc.Findings {
		ids = append(ids, f.ID)
	}
	return ids
}

// TestAWSDiagnoseReplay replays the shipped recording of each fake
// scenario offline (no endpoint, no credentials) and checks it reaches
// the findings the live run reaches; the replayed text report is a
// golden file too. With -update the recordings are made again from the
// fake.
func TestAWSDiagnoseReplay(t *testing.T) {
	t.Parallel()
	for _, tc := range awsScenarios {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", "aws", "replay", tc.desc)
			live, errOut, code, _ := runAWS(t, tc.fixture, tc.setup, "", append([]string{"diagnose", "--json", "--fail-on", "info"}, tc.args...)...)
			if code != 1 {
				t.Fatalf("live: exit %d: %s", code, errOut)
			}
			if golden.Update() {
				os.RemoveAll(dir)
				if _, errOut, _, _ := runAWS(t, tc.fixture, tc.setup, "", append([]string{"diagnose", "--record", dir}, tc.args...)...); errOut != "" {
					t.Fatalf("record: %s", errOut)
				}
			}
			var out, errBuf bytes.Buffer
			code = Run([]string{"aws", "diagnose", "--replay", dir, "--json", "--fail-on", "info"}, &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errBuf})
			if code != 1 || errBuf.Len() != 0 {
				t.Fatalf("replay: exit %d: %s", code, errBuf.String())
			}
			if got, want := findingIDs(t, out.String()), findingIDs(t, live); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("replay findings %v, live %v", got, want)
			}
			out.Reset()
			Run([]string{"aws", "diagnose", "--replay", dir}, &IO{In: strings.NewReader(""), Out: &out, ErrOut: &errBuf})
			golden.Check(t, filepath.Join(dir+".txt"), out.Bytes())
			calls, err := os.ReadFile(filepath.Join(dir, "calls.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{"123456789012", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "ASIAEXAMPLEKEY000000", "ci-pipeline", "203.0.113.10"} {
				if bytes.Contains(calls, []byte(secret)) {
					t.Errorf("recording holds %q", secret)
				}
			}
		})
	}
}

func TestAWSDiagnoseReplayErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--replay", t.TempDir()}, "replay:"},
		{[]string{"--replay", "testdata/aws/replay/rest-incident", "--record", t.TempDir()}, "--record and --replay cannot be used together"},
		{[]string{"--replay", "testdata/aws/replay/rest-incident", "--api-id", "zzz"}, "recorded API a1b2c3d4e5, not zzz"},
	} {
		out, errOut, code := run(t, "", append([]string{"aws", "diagnose"}, tc.args...)...)
		if code != 2 || out != "" || !strings.Contains(errOut, "corsdoctor: error: ") || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d\n%s%s", tc.args, code, out, errOut)
		}
	}
}

// runAWSAll runs `aws diagnose ARGS` (--all) against st with the quotas
// scaled up so the test is quick.
func runAWSAll(t *testing.T, st *fakeaws.State, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	fake := fakeaws.New(st)
	q := apigw.Quotas{TotalRate: 200, TotalBurst: 40, GetResourcesRate: 50, GetResourcesBurst: 5}
	fake.EnforceQuotas(fakeaws.Quotas{TotalRate: q.TotalRate, TotalBurst: q.TotalBurst, GetResourcesRate: q.GetResourcesRate, GetResourcesBurst: q.GetResourcesBurst})
	srv := fake.Start()
	t.Cleanup(srv.Close)
	var out, errOut bytes.Buffer
	app := NewApp(&IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	app.Now = func() time.Time { return st.Now }
	cmd := NewCmdAWS(app, func(o *AWSDiagnoseOptions) error {
		o.LoadConfig = func(ctx context.Context, o *awsdiagnose.Options) (aws.Config, error) {
			return aws.Config{Region: o.Region, BaseEndpoint: aws.String(srv.URL),
				Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")}, nil
		}
		o.Backoff, o.Quotas = quickBackoff{}, &q
		return runAWSDiagnoseAll(context.Background(), o)
	})
	cmd.SetArgs(append([]string{"diagnose"}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.Execute()
	PrintError(&errOut, err)
	return out.String(), errOut.String(), ExitCode(err)
}

func fleetState(t *testing.T) *fakeaws.State {
	st := fakeaws.Fleet(5, 5)
	http, err := fakeaws.LoadFile(filepath.Join("..", "fakeaws", "testdata", "http-no-cors.json"))
	if err != nil {
		t.Fatal(err)
	}
	st.HTTPAPIs = http.HTTPAPIs
	return st
}

func TestAWSDiagnoseAll(t *testing.T) {
	t.Parallel()
	out, errOut, code := runAWSAll(t, fleetState(t), "--all", "--region", "us-east-1")
	if code != 1 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"corsdoctor aws diagnose --all: 6 API(s) in us-east-1", "31 API Gateway calls (5 GetResources)",
		"fleet00004   REST      api-004", "h7k8m9n0p1   HTTP      orders-http", "CD4051 cors-missing-for-api-type",
		`corsdoctor aws diagnose: REST API fleet00000 "api-000" in us-east-1, stage prod`, "not run with --all"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	out, errOut, code = runAWSAll(t, fleetState(t), "--regions", "us-east-1,eu-west-1", "--json")
	if code != 1 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var doc awsdiagnose.AllDocument
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Regions) != 2 || doc.Regions[0].Region != "us-east-1" || len(doc.Regions[0].APIs) != 6 || len(doc.Regions[1].APIs) != 0 ||
		doc.Regions[0].Calls != 31 || doc.Regions[0].GetResources != 5 || doc.Quotas.TotalRate != 200 {
		t.Errorf("document: %+v", doc.Regions)
	}
	for _, d := range doc.Regions[0].APIs {
		if len(d.Playbook.Steps) != 9 {
			t.Errorf("%s: %d steps", d.Playbook.APIID, len(d.Playbook.Steps))
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--all", "--api-id", "x"}, "--api-id and --all cannot be used together"},
		{[]string{"--all", "--html", filepath.Join(t.TempDir(), "r.html")}, "--html applies to one API"},
		{[]string{"--all", "--record", t.TempDir()}, "--record and --replay apply to one API"},
	} {
		out, errOut, code := runAWSAll(t, fleetState(t), tc.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "corsdoctor: hint: ") {
			t.Errorf("%v: exit %d\n%s%s", tc.args, code, out, errOut)
		}
	}
}

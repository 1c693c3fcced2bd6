package diag

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

func TestSeverityText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Severity
		err  bool
	}{
		{"error", Error, false}, {"WARNING", Warning, false}, {"warn", Warning, false},
		{"info", Info, false}, {"note", Info, false}, {"fatal", Info, true},
	} {
		got, err := ParseSeverity(tc.in)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("ParseSeverity(%q) = %v, %v", tc.in, got, err)
		}
	}
	b, _ := json.Marshal(struct{ S Severity }{Warning})
	if string(b) != `{"S":"warning"}` {
		t.Errorf("JSON = %s", b)
	}
	var back struct{ S Severity }
	if err := json.Unmarshal(b, &back); err != nil || back.S != Warning {
		t.Errorf("round trip = %v, %v", back.S, err)
	}
}

func TestParsePlatform(t *testing.T) {
	t.Parallel()
	for _, p := range Platforms {
		if got, err := ParsePlatform(string(p)); err != nil || got != p {
			t.Errorf("ParsePlatform(%q) = %q, %v", p, got, err)
		}
	}
	if _, err := ParsePlatform("heroku"); err == nil || !strings.Contains(err.Error(), "apigw-rest") {
		t.Errorf("unknown platform error = %v, want the list of platforms", err)
	}
}

func rule(id string, sev Severity, rank int, check func(*Pass)) *Rule {
	return &Rule{ID: id, Name: strings.ToLower(id), Severity: sev, Rank: rank, Title: id,
		Fix: map[Platform]string{Generic: "generic fix", Express: "express fix"}, Check: check}
}

func TestRunRanksMergesAndPicksPlatformFix(t *testing.T) {
	t.Parallel()
	in := &Input{Exchanges: []*evidence.Exchange{{Platform: "express"}, {}}}
	loc := evidence.Source{URL: "https://api.example.com/x"}
	rules := []*Rule{
		rule("CD9003", Warning, 1, func(p *Pass) { p.Report(0, loc, "w") }),
		rule("CD9001", Error, 50, func(p *Pass) {
			p.Report(0, loc, "rare error")
			p.Report(0, loc, "rare error") // repeat: merged
			p.Report(1, loc, "other exchange")
		}),
		rule("CD9002", Error, 10, func(p *Pass) { p.Report(0, loc, "frequent error") }),
		{ID: "CD9004", Name: "retired", Deprecated: true, ReplacedBy: "CD9002", Check: func(p *Pass) { p.Report(0, loc, "never") }},
	}
	fs := Run(rules, in)
	var got []string
	for _, f := range fs {
		got = append(got, f.RuleID+":"+f.Detail)
	}
	want := "CD9002:frequent error CD9001:rare error CD9003:w CD9001:other exchange"
	if strings.Join(got, " ") != want {
		t.Fatalf("order = %q, want %q", strings.Join(got, " "), want)
	}
	if fs[0].Fix != "express fix" || fs[0].Platform != Express {
		t.Errorf("exchange 0 is express: fix %q (%s)", fs[0].Fix, fs[0].Platform)
	}
	if fs[3].Fix != "generic fix" || fs[3].Platform != Generic {
		t.Errorf("exchange 1 has no platform: fix %q (%s)", fs[3].Fix, fs[3].Platform)
	}
	if n := len(ForExchange(fs, 1)); n != 1 {
		t.Errorf("ForExchange(1) = %d findings, want 1", n)
	}
}

func TestRunSurvivesPanickingRule(t *testing.T) {
	t.Parallel()
	fs := Run([]*Rule{
		rule("CD9001", Error, 1, func(p *Pass) { var m map[string]int; m["x"]++ }),
		rule("CD9002", Info, 1, func(p *Pass) { p.Report(-1, evidence.Source{}, "still runs") }),
	}, &Input{})
	if len(fs) != 2 {
		t.Fatalf("findings = %+v", fs)
	}
	if !strings.HasPrefix(fs[0].Title, "internal error in rule CD9001") || !strings.Contains(fs[0].Detail, "panicked") {
		t.Errorf("panic finding = %+v", fs[0])
	}
	if fs[1].Detail != "still runs" {
		t.Errorf("next rule did not run: %+v", fs[1])
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	all := []*Rule{rule("CD1001", Error, 1, nil), rule("CD1002", Error, 1, nil), rule("CD2001", Error, 1, nil)}
	ids := func(rs []*Rule) string {
		var s []string
		for _, r := range rs {
			s = append(s, r.ID)
		}
		return strings.Join(s, ",")
	}
	for _, tc := range []struct {
		spec []string
		want string
		err  string
	}{
		{[]string{"all"}, "CD1001,CD1002,CD2001", ""},
		{[]string{"all", "-CD1002"}, "CD1001,CD2001", ""},
		{[]string{"CD2001", "CD1001"}, "CD1001,CD2001", ""},
		{[]string{"all", "-CD9999"}, "", `unknown rule "CD9999"`},
		{[]string{"CD0000", "CD0001"}, "", `unknown rule "CD0000"; unknown rule "CD0001"`},
	} {
		got, err := Select(all, tc.spec)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Select(%v) err = %v, want %q", tc.spec, err, tc.err)
			}
			continue
		}
		if err != nil || ids(got) != tc.want {
			t.Errorf("Select(%v) = %s, %v; want %s", tc.spec, ids(got), err, tc.want)
		}
	}
}

func TestFillFix(t *testing.T) {
	t.Parallel()
	v := FixValues{Origin: "http://localhost:5173", Method: "DELETE", Headers: []string{"authorization", "x-request-id"}}
	for _, tc := range []struct{ in, want string }{
		{"allow_origins=['{{origin}}']", "allow_origins=['http://localhost:5173']"},
		{"allow_methods=[{{methods|q}}]", "allow_methods=['GET', 'POST', 'DELETE']"},
		{"AllowedHeaders: []string{{{headers|qq}}}", `AllowedHeaders: []string{"authorization", "x-request-id"}`},
		{"AllowHeaders={{headers|csv}}", "AllowHeaders=authorization,x-request-id"},
		{"Access-Control-Allow-Methods: {{method}}", "Access-Control-Allow-Methods: DELETE"},
		{"{ statusCode: 204, headers: {} } {{unknown}}", "{ statusCode: 204, headers: {} } {{unknown}}"},
		{"no placeholder", "no placeholder"},
		{"{{origin", "{{origin"},
	} {
		if got := FillFix(tc.in, v); got != tc.want {
			t.Errorf("FillFix(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestFixNamesTheResource: a fix names the API id, stage and bucket the
// evidence gives (the request's URL, or the API aws diagnosed) instead of
// the placeholders, and keeps the placeholders when nothing says.
func TestFixNamesTheResource(t *testing.T) {
	t.Parallel()
	r := &Rule{ID: "CD9999", Name: "x", Fix: map[Platform]string{Generic: "aws apigateway create-deployment --rest-api-id {{api_id}} --stage-name {{stage}}; aws s3api put-bucket-cors --bucket {{bucket}} ({{origin}})"}}
	r.Check = func(p *Pass) {
		for i := range p.Exchanges() {
			p.Report(i, evidence.Source{}, "d")
		}
		if len(p.Exchanges()) == 0 {
			p.Report(-1, evidence.Source{}, "d")
		}
	}
	ex := func(url, platform string) *evidence.Exchange {
		return &evidence.Exchange{Request: cors.Request{Origin: "http://localhost:5173", URL: url, Method: "GET"}, Platform: platform}
	}
	for _, tc := range []struct {
		desc string
		in   *Input
		want string
	}{
		{"REST API URL", &Input{Exchanges: []*evidence.Exchange{ex("https://abc123def4.execute-api.eu-west-1.amazonaws.com/prod/items", "apigw-rest")}},
			"aws apigateway create-deployment --rest-api-id abc123def4 --stage-name prod; aws s3api put-bucket-cors --bucket BUCKET (http://localhost:5173)"},
		{"HTTP API: the first segment may be a path", &Input{Exchanges: []*evidence.Exchange{ex("https://abc123def4.execute-api.eu-west-1.amazonaws.com/items", "apigw-http")}},
			"aws apigateway create-deployment --rest-api-id abc123def4 --stage-name STAGE; aws s3api put-bucket-cors --bucket BUCKET (http://localhost:5173)"},
		{"S3 bucket host", &Input{Exchanges: []*evidence.Exchange{ex("https://my-uploads.s3.eu-west-1.amazonaws.com/a.jpg", "s3")}},
			"aws apigateway create-deployment --rest-api-id ID --stage-name STAGE; aws s3api put-bucket-cors --bucket my-uploads (http://localhost:5173)"},
		{"aws diagnose", &Input{Playbook: &evidence.Playbook{APIID: "a1b2c3d4e5", Stage: "prod", Origins: []string{"https://shop.example.org"}}},
			"aws apigateway create-deployment --rest-api-id a1b2c3d4e5 --stage-name prod; aws s3api put-bucket-cors --bucket BUCKET (https://shop.example.org)"},
		{"aws diagnose, HTTP API $default stage", &Input{Playbook: &evidence.Playbook{APIID: "a1b2c3d4e5", Stage: "$default"}},
			"aws apigateway create-deployment --rest-api-id a1b2c3d4e5 --stage-name '$default'; aws s3api put-bucket-cors --bucket BUCKET (https://app.example.com)"},
		{"lint --origin", &Input{Origins: []string{"https://shop.example.org"}},
			"aws apigateway create-deployment --rest-api-id ID --stage-name STAGE; aws s3api put-bucket-cors --bucket BUCKET (https://shop.example.org)"},
		{"nothing known", &Input{},
			"aws apigateway create-deployment --rest-api-id ID --stage-name STAGE; aws s3api put-bucket-cors --bucket BUCKET (https://app.example.com)"},
	} {
		fs := Run([]*Rule{r}, tc.in)
		if len(fs) != 1 || fs[0].Fix != tc.want {
			t.Errorf("%s: fix = %+v\nwant %q", tc.desc, fs, tc.want)
		}
	}
}

// TestFixURL: {{url}} is the request's URL without what redaction hides
// (credentials, query, fragment) and without a shell metacharacter, or the
// stage's invoke URL aws diagnosed.
func TestFixURL(t *testing.T) {
	t.Parallel()
	r := &Rule{ID: "CD9999", Name: "x", Fix: map[Platform]string{Generic: "corsdoctor check {{url}} --origin {{origin}} -X {{method}}"}}
	r.Check = func(p *Pass) {
		for i := range p.Exchanges() {
			p.Report(i, evidence.Source{}, "d")
		}
		if len(p.Exchanges()) == 0 {
			p.Report(-1, evidence.Source{}, "d")
		}
	}
	ex := func(url string) *Input {
		return &Input{Exchanges: []*evidence.Exchange{{Request: cors.Request{Origin: "http://localhost:5173", URL: url, Method: "POST"}}}}
	}
	for _, tc := range []struct {
		desc string
		in   *Input
		want string
	}{
		{"plain", ex("https://api.example.com/v1/orders"), "corsdoctor check https://api.example.com/v1/orders --origin http://localhost:5173 -X POST"},
		{"secrets left out", ex("https://user:pw@api.example.com:8443/v1/orders?token=s3cr3t#x"), "corsdoctor check https://api.example.com:8443/v1/orders --origin http://localhost:5173 -X POST"},
		{"shell metacharacters encoded", ex("https://api.example.com/a'$(reboot);b&c"), "corsdoctor check https://api.example.com/a%27%24%28reboot%29%3Bb%26c --origin http://localhost:5173 -X POST"},
		{"not http", ex("file:///etc/passwd"), "corsdoctor check URL --origin http://localhost:5173 -X POST"},
		{"aws diagnose", &Input{Playbook: &evidence.Playbook{APIID: "a1b2c3d4e5", Region: "eu-west-1", Stage: "prod"}},
			"corsdoctor check https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod --origin https://app.example.com -X PUT"},
		{"aws diagnose, $default stage", &Input{Playbook: &evidence.Playbook{APIID: "a1b2c3d4e5", Region: "eu-west-1", Stage: "$default"}},
			"corsdoctor check https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com --origin https://app.example.com -X PUT"},
		{"aws diagnose, odd region", &Input{Playbook: &evidence.Playbook{APIID: "a1b2c3d4e5", Region: "eu;rm", Stage: "prod"}},
			"corsdoctor check URL --origin https://app.example.com -X PUT"},
	} {
		fs := Run([]*Rule{r}, tc.in)
		if len(fs) != 1 || fs[0].Fix != tc.want {
			t.Errorf("%s: fix = %+v\nwant %q", tc.desc, fs, tc.want)
		}
	}
}

// TestFixKeepsWhatIsAllowed: a fix that replaces the allowed methods or
// headers keeps those the failing preflight already allows (a fix for
// DELETE must not drop PUT), and takes no name that is not plain.
func TestFixKeepsWhatIsAllowed(t *testing.T) {
	t.Parallel()
	r := &Rule{ID: "CD9999", Name: "x", Fix: map[Platform]string{Generic: "methods=[{{allow_methods|qq}}] headers={{allow_headers|csv}}"}}
	r.Check = func(p *Pass) { p.Report(0, evidence.Source{}, "d") }
	run := func(method string, reqHeaders []cors.Header, pre ...string) string {
		h := http.Header{}
		for _, l := range pre {
			k, v, _ := strings.Cut(l, ": ")
			h.Add(k, v)
		}
		ex := &evidence.Exchange{Request: cors.Request{Origin: "https://app.example.com", URL: "https://api.example.com/x", Method: method, Headers: reqHeaders},
			Hops: []evidence.Hop{{Preflight: &evidence.Response{Status: 204, Header: h}}}}
		ex.Evaluate()
		fs := Run([]*Rule{r}, &Input{Exchanges: []*evidence.Exchange{ex}})
		return fs[0].Fix
	}
	auth := []cors.Header{{Name: "Authorization", Value: "Bearer t"}}
	for _, tc := range []struct{ got, want string }{
		{run("DELETE", auth, "Access-Control-Allow-Methods: GET, PUT", "Access-Control-Allow-Headers: Content-Type"),
			`methods=["GET", "PUT", "DELETE"] headers=Content-Type,authorization`},
		{run("PATCH", nil, "Access-Control-Allow-Methods: GET,OPTIONS,POST"), `methods=["GET", "POST", "PATCH"] headers=content-type`},
		{run("DELETE", auth, "Access-Control-Allow-Methods: *", "Access-Control-Allow-Headers: *"), `methods=["GET", "POST", "DELETE"] headers=authorization`},
		{run("DELETE", auth), `methods=["GET", "POST", "DELETE"] headers=authorization`},
		{run("DELETE", auth, "Access-Control-Allow-Methods: GET, X`reboot`, $(id)", "Access-Control-Allow-Headers: AUTHORIZATION, x-a'b"),
			`methods=["GET", "DELETE"] headers=AUTHORIZATION`},
	} {
		if tc.got != tc.want {
			t.Errorf("fix %q, want %q", tc.got, tc.want)
		}
	}
}

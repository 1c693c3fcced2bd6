package rules

import (
	"bytes"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3011 fires when a response that looks private is served with ACAO *.
var cd3011 = &diag.Rule{
	ID:       "CD3011",
	Needs:    diag.NeedsScanProbes,
	Name:     "wildcard-on-sensitive-response",
	Severity: diag.Warning,
	Rank:     80,
	Since:    "0.1.0",
	Title:    "Access-Control-Allow-Origin: * on a response that looks private",
	Doc: `"*" lets every website read the response without credentials. That is right for
public data, and wrong when the response is private anyway: it sets a session
cookie, is marked Cache-Control: private/no-store, was fetched with the
credentials given to the scan (--header Cookie/Authorization), or its body holds
fields like email, token, password, api_key or session. Browsers do not send
cookies with "*", but pages still read whatever the server returns to an
anonymous caller, including data tied to the caller's network (intranet hosts,
IP allowlists, VPNs).

Before:  Access-Control-Allow-Origin: *        (on /api/me)
After:   Access-Control-Allow-Origin: https://app.example.com
         Vary: Origin

See https://fetch.spec.whatwg.org/#cors-protocol-and-credentials`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Serve private endpoints with an exact origin allowlist instead of *; keep * for public, anonymous data only.",
		diag.APIGwHTTP: "Set CorsConfiguration AllowOrigins to your front ends instead of * for routes that return user data.",
		diag.APIGwREST: "Map the front-end origin instead of '*' in the integration responses of private methods.",
	},
	Check: func(p *diag.Pass) {
		scanEach(p, "arbitrary", func(i int, ex *evidence.Exchange, pr *evidence.Probe) {
			r := scanResponse(pr)
			if scanIsPreflight(pr) || header(r, cors.HeaderAllowOrigin) != "*" {
				return
			}
			why := scanSensitive(pr, r)
			if len(why) == 0 {
				return
			}
			a := scanAccess(pr)
			if !a.any() {
				return
			}
			p.ReportSeverity(p.Rule.Severity, i, evidence.Source{URL: ex.Request.URL},
				"the response is served to every origin (Access-Control-Allow-Origin: *) but looks private: "+strings.Join(why, "; "),
				scanProof(pr, a, cors.HeaderAllowOrigin)...)
		})
	},
}

var scanSensitiveKeys = []string{"email", "token", "password", "passwd", "secret", "api_key", "apikey", "session", "ssn", "credit_card", "iban", "phone"}

// scanSensitive lists why a response looks private.
func scanSensitive(pr *evidence.Probe, r *evidence.Response) []string {
	var why []string
	if r.Header.Get("Set-Cookie") != "" {
		why = append(why, "it sets a cookie")
	}
	if scanNoStore(r) {
		why = append(why, "it is marked Cache-Control: "+header(r, "Cache-Control"))
	}
	if r.Status >= 200 && r.Status < 300 {
		for _, l := range pr.Sent {
			name, _, _ := strings.Cut(l, ":")
			switch strings.ToLower(name) {
			case "cookie", "authorization", "x-api-key":
				why = append(why, "it answered 2xx to a request carrying "+name)
			}
		}
	}
	body := bytes.ToLower(r.Body)
	for _, k := range scanSensitiveKeys {
		if bytes.Contains(body, []byte(`"`+k+`"`)) || bytes.Contains(body, []byte(`"`+k+`_`)) {
			why = append(why, "its body has a \""+k+"\" field")
			break
		}
	}
	return why
}

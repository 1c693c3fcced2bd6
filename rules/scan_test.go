package rules

import (
	"testing"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Builders for the CD30xx cases: a scanned target with probes, as package
// collect/scan records them.

const scanURL = "https://api.example.com/me"

// sp is an actual-request probe of kind from origin answered by r.
func sp(kind evidence.ScanKind, origin string, r *evidence.Response) evidence.Probe {
	pr := evidence.Probe{
		Purpose: kind.Purpose(),
		Request: cors.Request{Origin: origin, URL: scanURL, Method: "GET", Credentials: cors.CredentialsInclude},
		Hops:    []evidence.Hop{{URL: scanURL, Response: r}},
		Sent:    []string{"GET /me HTTP/1.1", "Host: api.example.com", "Origin: " + origin},
	}
	pr.Result = cors.Evaluate(&pr.Request, evidence.CORSHops(pr.Hops)...)
	return pr
}

// spf is a preflight probe of kind from origin for method, answered by r.
func spf(kind evidence.ScanKind, origin, method string, r *evidence.Response) evidence.Probe {
	pr := evidence.Probe{
		Purpose: kind.Purpose(),
		Request: cors.Request{Origin: origin, URL: scanURL, Method: method, Credentials: cors.CredentialsInclude},
		Hops:    []evidence.Hop{{URL: scanURL, Preflight: r}},
		Sent: []string{"OPTIONS /me HTTP/1.1", "Host: api.example.com", "Origin: " + origin,
			"Access-Control-Request-Method: " + method, "Access-Control-Request-Private-Network: true"},
	}
	pr.Result = cors.Evaluate(&pr.Request, evidence.CORSHops(pr.Hops)...)
	return pr
}

// scanned wraps probes as one scanned target.
func scanned(probes ...evidence.Probe) func(*testing.T) *diag.Input {
	return func(*testing.T) *diag.Input {
		ex := &evidence.Exchange{
			Request: cors.Request{URL: scanURL, Method: "GET", Origin: "https://corsdoctor-attacker.example", Credentials: cors.CredentialsInclude},
			Source:  evidence.Source{URL: scanURL},
			Probes:  probes,
		}
		return &diag.Input{Exchanges: []*evidence.Exchange{ex}}
	}
}

// echo answers origin with ACAO origin, credentials and Vary.
func echo(origin string, creds bool) *evidence.Response {
	h := []string{"Access-Control-Allow-Origin: " + origin, "Vary: Origin"}
	if creds {
		h = append(h, "Access-Control-Allow-Credentials: true")
	}
	return resp(200, h...)
}

const attacker = "https://corsdoctor-attacker.example"

func TestScanSeverityFollowsCredentials(t *testing.T) {
	for _, tc := range []struct {
		desc  string
		creds bool
		want  diag.Severity
	}{
		{"credentials allowed", true, diag.Error},
		{"no credentials", false, diag.Warning},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			fs := diag.Run([]*diag.Rule{cd3001}, scanned(sp("arbitrary", attacker, echo(attacker, tc.creds)))(t))
			if len(fs) != 1 || fs[0].Severity != tc.want {
				t.Fatalf("findings = %+v, want one with severity %s", fs, tc.want)
			}
		})
	}
}

func TestScanReflectionReportedOnce(t *testing.T) {
	in := scanned(
		sp("arbitrary", attacker, echo(attacker, true)),
		spf("preflight", attacker, "PUT", resp(204, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Methods: PUT", "Access-Control-Allow-Credentials: true")))(t)
	if fs := diag.Run([]*diag.Rule{cd3001}, in); len(fs) != 1 {
		t.Fatalf("%d findings, want the readable GET only", len(fs))
	}
}

package cors

import (
	"strings"
	"testing"
)

// Sources of the local network cases.
const (
	srcPNAPreflight = "chromium services/network/cors/preflight_controller.cc CreatePreflightResult, CheckAllowPrivateNetworkHeader"
	srcPNASpec      = "wicg private-network-access#cors-preflight"
	srcPNABlog      = "developer.chrome.com/blog/private-network-access-preflight"
	srcLNAIntent    = "blink-dev Intent to Ship: Local Network Access (secure contexts only; permission relaxes mixed content)"
	srcSecureCtx    = "w3c secure-contexts#is-origin-trustworthy"
)

func TestEvaluatePrivateNetwork(t *testing.T) {
	t.Parallel()
	const attacker = "https://attacker.example"
	const device = "http://router.example/admin"
	grant := func(extra ...string) *Response {
		return resp(204, append([]string{"Access-Control-Allow-Origin: " + attacker, "Access-Control-Allow-Private-Network: true"}, extra...)...)
	}
	tests := []struct {
		desc     string
		src      string
		req      Request
		from, to AddressSpace
		pf       *Response
		allowed  bool
		sent     bool
		err      ErrorName
		hint     string
		warn     WarningCode
		console  string
	}{
		{desc: "public to public: not a private network request", src: srcPNASpec,
			req: Request{Origin: attacker, URL: "https://api.example.com/x"}, from: AddressSpacePublic, to: AddressSpacePublic, allowed: true},
		{desc: "local to local: not a private network request", src: srcPNASpec,
			req: Request{Origin: "http://intranet.example", URL: device}, from: AddressSpaceLocal, to: AddressSpaceLocal, allowed: true},
		{desc: "unknown initiator space: not judged", src: srcPNASpec,
			req: Request{Origin: attacker, URL: device}, from: "", to: AddressSpaceLocal, allowed: true},
		{desc: "public https page, https device, granted", src: srcPNABlog,
			req:  Request{Origin: attacker, URL: "https://router.example/admin", Credentials: CredentialsInclude},
			from: AddressSpacePublic, to: AddressSpaceLocal, pf: grant("Access-Control-Allow-Credentials: true"), allowed: true, sent: true},
		{desc: "public http page: refused before sending", src: srcLNAIntent,
			req: Request{Origin: "http://attacker.example", URL: device}, from: AddressSpacePublic, to: AddressSpaceLocal, pf: grant(),
			err:     InsecureLocalNetwork,
			console: "Access to fetch at 'http://router.example/admin' from origin 'http://attacker.example' has been blocked by CORS policy: The request client is not a secure context and the resource is in more-private address space `local`."},
		{desc: "public https page, http device without targetAddressSpace: mixed content", src: srcMixedContent,
			req: Request{Origin: attacker, URL: device}, from: AddressSpacePublic, to: AddressSpaceLocal, pf: grant()},
		{desc: "public https page, http device with targetAddressSpace: granted after the prompt", src: srcLNAIntent,
			req: Request{Origin: attacker, URL: device, TargetAddressSpace: AddressSpaceLocal}, from: AddressSpacePublic, to: AddressSpaceLocal,
			pf: grant(), allowed: true, sent: true, warn: WarnLocalNetworkPermission},
		{desc: "declared space differs from the target's", src: srcLNAIntent,
			req: Request{Origin: attacker, URL: device, TargetAddressSpace: AddressSpaceLoopback}, from: AddressSpacePublic, to: AddressSpaceLocal,
			pf: grant(), err: InvalidLocalNetworkAccess, hint: "loopback",
			console: "Access to fetch at 'http://router.example/admin' from origin 'https://attacker.example' has been blocked by CORS policy: Request had a target IP address space of `loopback` yet the resource is in address space `local`."},
		{desc: "http loopback target is trustworthy: no mixed content", src: srcSecureCtx,
			req: Request{Origin: attacker, URL: "http://127.0.0.1:8080/"}, from: AddressSpacePublic, to: AddressSpaceLoopback, pf: grant(), allowed: true, sent: true},
		{desc: "header missing", src: srcPNAPreflight,
			req: Request{Origin: attacker, URL: "https://router.example/"}, from: AddressSpacePublic, to: AddressSpaceLocal,
			pf: resp(204, "Access-Control-Allow-Origin: "+attacker), sent: true, err: PreflightMissingAllowPrivateNetwork,
			console: "Access to fetch at 'https://router.example/' from origin 'https://attacker.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the `private` address space."},
		{desc: "header not exactly true", src: srcPNAPreflight,
			req: Request{Origin: attacker, URL: "http://localhost:9/"}, from: AddressSpacePublic, to: AddressSpaceLoopback,
			pf: resp(204, "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Private-Network: True"), sent: true,
			err: PreflightInvalidAllowPrivateNetwork, hint: "True",
			console: "Access to fetch at 'http://localhost:9/' from origin 'https://attacker.example' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the `local` address space had a value of 'True',  not 'true'."},
		{desc: "CORS check comes first", src: srcPNAPreflight,
			req: Request{Origin: attacker, URL: "https://router.example/"}, from: AddressSpacePublic, to: AddressSpaceLocal,
			pf: resp(204, "Access-Control-Allow-Private-Network: true"), sent: true, err: PreflightMissingAllowOriginHeader},
		{desc: "credentials need Access-Control-Allow-Credentials", src: srcPNAPreflight,
			req: Request{Origin: attacker, URL: "https://router.example/", Credentials: CredentialsInclude}, from: AddressSpacePublic, to: AddressSpaceLocal,
			pf: grant(), sent: true, err: PreflightInvalidAllowCredentials},
		{desc: "* grants an uncredentialed request", src: srcPNABlog,
			req: Request{Origin: attacker, URL: "https://router.example/"}, from: AddressSpacePublic, to: AddressSpaceLocal,
			pf: resp(204, "Access-Control-Allow-Origin: *", "Access-Control-Allow-Private-Network: true"), allowed: true, sent: true},
		{desc: "status before the PNA header", src: srcPNAPreflight,
			req: Request{Origin: attacker, URL: "https://router.example/"}, from: AddressSpacePublic, to: AddressSpaceLocal,
			pf: resp(403, "Access-Control-Allow-Origin: "+attacker), sent: true, err: PreflightInvalidStatus},
		{desc: "redirect fails", src: srcPNAPreflight,
			req: Request{Origin: attacker, URL: "https://router.example/"}, from: AddressSpacePublic, to: AddressSpaceLocal,
			pf: resp(302, "Location: /login", "Access-Control-Allow-Origin: "+attacker, "Access-Control-Allow-Private-Network: true"), sent: true, err: PreflightDisallowedRedirect},
		{desc: "PUT needs the method granted too", src: srcPNAPreflight,
			req: Request{Origin: attacker, URL: "https://router.example/", Method: "PUT"}, from: AddressSpacePublic, to: AddressSpaceLoopback,
			pf: grant("Access-Control-Allow-Methods: GET"), sent: true, err: MethodDisallowedByPreflightResponse, hint: "PUT"},
		{desc: "PUT granted", src: srcPNAPreflight,
			req: Request{Origin: attacker, URL: "https://router.example/", Method: "PUT"}, from: AddressSpacePublic, to: AddressSpaceLoopback,
			pf: grant("Access-Control-Allow-Methods: PUT"), allowed: true, sent: true},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			t.Parallel()
			r := EvaluatePrivateNetwork(&tt.req, tt.from, tt.to, tt.pf)
			if r.Allowed != tt.allowed || r.Error != tt.err || r.PreflightSent != tt.sent || r.FailedParameter != tt.hint {
				t.Fatalf("allowed %v, error %q (%q), preflight sent %v; want %v, %q (%q), %v (%s)\n%+v",
					r.Allowed, r.Error, r.FailedParameter, r.PreflightSent, tt.allowed, tt.err, tt.hint, tt.sent, tt.src, r)
			}
			if !tt.allowed && tt.err == "" && !strings.HasPrefix(r.Script, "Mixed Content:") {
				t.Errorf("want a mixed content refusal, got %+v", r)
			}
			var warn WarningCode
			for _, w := range r.Warnings {
				if w.Code == WarnLocalNetworkPermission {
					warn = w.Code
				}
			}
			if warn != tt.warn {
				t.Errorf("warning %q, want %q", warn, tt.warn)
			}
			if err := narrationAgrees(&r); err != nil {
				t.Errorf("Checks: %v\n%s", err, names(r.Checks()))
			}
			if tt.console != "" && r.ConsoleMessage() != tt.console {
				t.Errorf("console:\n got %s\nwant %s", r.ConsoleMessage(), tt.console)
			}
		})
	}
	t.Run("missing preflight", func(t *testing.T) {
		r := EvaluatePrivateNetwork(&Request{Origin: attacker, URL: "https://router.example/"}, AddressSpacePublic, AddressSpaceLocal, nil)
		if r.Allowed || r.Incomplete == "" {
			t.Fatalf("%+v: want an incomplete verdict", r)
		}
		if err := narrationAgrees(&r); err != nil {
			t.Errorf("Checks: %v\n%s", err, names(r.Checks()))
		}
	})
}

func TestPotentiallyTrustworthy(t *testing.T) {
	t.Parallel()
	for u, want := range map[string]bool{
		"https://api.example.com/x": true, "wss://x.example": true,
		"http://127.0.0.1:8080/": true, "http://127.9.0.1/": true, "http://[::1]:80/": true,
		"http://localhost:3000": true, "http://api.localhost": true,
		"http://api.example.test/": false, "http://10.0.0.1/": false, "http://192.168.1.1": false,
		"null": false, "ftp://x.example": false, "": false,
	} {
		if got := PotentiallyTrustworthy(u); got != want {
			t.Errorf("PotentiallyTrustworthy(%q) = %v, want %v (%s)", u, got, want, srcSecureCtx)
		}
	}
}

func TestMorePrivateThan(t *testing.T) {
	t.Parallel()
	order := []AddressSpace{AddressSpacePublic, AddressSpaceLocal, AddressSpaceLoopback}
	for i, a := range order {
		for j, b := range order {
			if got := a.MorePrivateThan(b); got != (i > j) {
				t.Errorf("%s.MorePrivateThan(%s) = %v", a, b, got)
			}
		}
		if a.MorePrivateThan("") || AddressSpace("").MorePrivateThan(a) {
			t.Errorf("unknown space compared with %s", a)
		}
	}
}

// TestTargetAddressSpaceLiftsMixedContent: Evaluate lets an https page
// ask an http private address when the request declares it.
func TestTargetAddressSpaceLiftsMixedContent(t *testing.T) {
	t.Parallel()
	req := Request{Origin: appOrigin, URL: "http://printer.example/status"}
	if r := Evaluate(&req, Hop{Response: resp(200, "Access-Control-Allow-Origin: *")}); r.Allowed || !strings.HasPrefix(r.Script, "Mixed Content:") {
		t.Fatalf("without targetAddressSpace: %+v, want mixed content (%s)", r, srcMixedContent)
	}
	req.TargetAddressSpace = AddressSpaceLocal
	if r := Evaluate(&req, Hop{Response: resp(200, "Access-Control-Allow-Origin: *")}); !r.Allowed {
		t.Fatalf("with targetAddressSpace local: %+v, want allowed (%s)", r, srcLNAIntent)
	}
	req.TargetAddressSpace = AddressSpacePublic
	if r := Evaluate(&req, Hop{Response: resp(200, "Access-Control-Allow-Origin: *")}); r.Allowed {
		t.Fatalf("targetAddressSpace public lifts nothing: %+v", r)
	}
}

func TestAddressSpaceOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]AddressSpace{
		"127.0.0.1": AddressSpaceLoopback, "127.8.9.10": AddressSpaceLoopback, "::1": AddressSpaceLoopback, "[::1]": AddressSpaceLoopback,
		"::ffff:127.0.0.1": AddressSpaceLoopback,
		"10.1.2.3":         AddressSpaceLocal, "172.16.0.1": AddressSpaceLocal, "172.31.255.255": AddressSpaceLocal, "192.168.1.1": AddressSpaceLocal,
		"169.254.169.254": AddressSpaceLocal, "100.64.0.1": AddressSpaceLocal, "100.127.255.255": AddressSpaceLocal,
		"fd00::1": AddressSpaceLocal, "fe80::1%eth0": AddressSpaceLocal, "0.0.0.0": AddressSpaceLocal, "::ffff:10.0.0.1": AddressSpaceLocal,
		"172.32.0.1": AddressSpacePublic, "100.128.0.1": AddressSpacePublic, "8.8.8.8": AddressSpacePublic, "2001:db8::1": AddressSpacePublic,
		"localhost": "", "api.example.test": "", "": "",
	} {
		if got := AddressSpaceOf(in); got != want {
			t.Errorf("AddressSpaceOf(%q) = %q, want %q (LNA § 2.1)", in, got, want)
		}
	}
}

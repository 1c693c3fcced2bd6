package cors

import (
	"net/netip"
	"strconv"
	"strings"
)

// Private Network Access (PNA, https://wicg.github.io/private-network-access/)
// and its successor Local Network Access (LNA,
// https://wicg.github.io/local-network-access/) guard devices and
// intranet services against the public web: a request from a page to a
// more private IP address space is a "private network request".
//
//   - Chromium 94 and later refuse it from a page that is not a secure
//     context (kInsecurePrivateNetwork, renamed kInsecureLocalNetwork in
//     r1581282; LNA: "Requests from insecure contexts will be silently
//     rejected", blink-dev Intent to Ship Local Network Access).
//   - Chromium 98 to 141 sent a CORS preflight before it carrying
//     Access-Control-Request-Private-Network: true and required
//     Access-Control-Allow-Private-Network: true in the answer (PNA §
//     CORS preflight step 4; preflight_controller.cc
//     CheckAllowPrivateNetworkHeader), enforced or warning-only depending
//     on the version and context (developer.chrome.com/blog/private-network-access-preflight).
//   - Chromium 142 and later (LNA) send no such preflight and ask the user
//     instead; the permission, like PNA's mixed-content permission before
//     it, also lets an https page reach an http device when the request
//     declares targetAddressSpace.
//
// EvaluatePrivateNetwork judges the PNA preflight; Evaluate judges the
// CORS part of the same request.

// AddressSpace is an IP address space, named as Local Network Access and
// the DevTools protocol's Network.IPAddressSpace name them (lower-cased).
// The PNA era called loopback "local" and local "private".
type AddressSpace string

// Address spaces, from the most to the least private.
const (
	// AddressSpaceLoopback: 127.0.0.0/8, ::1, localhost.
	AddressSpaceLoopback AddressSpace = "loopback"
	// AddressSpaceLocal: RFC 1918 private, link-local, carrier-grade NAT,
	// fc00::/7 addresses.
	AddressSpaceLocal AddressSpace = "local"
	// AddressSpacePublic: everything else.
	AddressSpacePublic AddressSpace = "public"
)

// AddressSpaceOf classifies an IP address literal (IPv6 with or without
// brackets and zone): loopback for 127.0.0.0/8 and ::1, local for the
// RFC 1918 ranges, 100.64.0.0/10 (carrier-grade NAT), link-local,
// fc00::/7 and the unspecified address, public otherwise (IPv4-mapped
// IPv6 as its IPv4 address; Chromium net/base/ip_address_space_util.cc,
// LNA § 2.1). "" when s is not an IP address.
func AddressSpaceOf(s string) AddressSpace {
	s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return ""
	}
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return AddressSpaceLoopback
	case ip.IsPrivate(), ip.IsLinkLocalUnicast(), ip.IsUnspecified(),
		ip.Is4() && ip.As4()[0] == 100 && ip.As4()[1]&0xc0 == 64:
		return AddressSpaceLocal
	}
	return AddressSpacePublic
}

// rank orders spaces by privacy; 0 for an unknown space.
func (s AddressSpace) rank() int {
	switch s {
	case AddressSpacePublic:
		return 1
	case AddressSpaceLocal:
		return 2
	case AddressSpaceLoopback:
		return 3
	}
	return 0
}

// private reports whether s is local or loopback.
func (s AddressSpace) private() bool { return s.rank() >= 2 }

// MorePrivateThan reports whether a request to an address in s from a
// page loaded from an address in o is a private network request (PNA §
// "private network request": the target is less public than the
// initiator). Unknown spaces never are.
func (s AddressSpace) MorePrivateThan(o AddressSpace) bool {
	return o.rank() > 0 && s.rank() > o.rank()
}

// pnaName is the space as the PNA-era console messages named it
// (cors_error_string.cc ShortAddressSpace: kLocal "local" was loopback,
// kPrivate "private" was today's local).
func (s AddressSpace) pnaName() string {
	switch s {
	case AddressSpaceLoopback:
		return "local"
	case AddressSpaceLocal:
		return "private"
	}
	return string(s)
}

// Chromium's PNA-era preflight errors (removed in r1572739, 2026-01, when
// LNA replaced the preflight); the DevTools protocol spelled them so.
const (
	PreflightMissingAllowPrivateNetwork ErrorName = "PreflightMissingAllowPrivateNetwork"
	PreflightInvalidAllowPrivateNetwork ErrorName = "PreflightInvalidAllowPrivateNetwork"
)

// WarnLocalNetworkPermission: the private network request passes only if
// the user grants the local network access permission.
const WarnLocalNetworkPermission WarningCode = "LocalNetworkPermissionRequired"

// PotentiallyTrustworthy reports whether a URL or serialized origin is
// potentially trustworthy (Secure Contexts § 3.1): https or wss, or http
// to localhost, a .localhost name or a loopback address. A page there is
// a secure context, and it may load such a URL from an https page
// without mixed content blocking. "null" and unparsable input are not.
func PotentiallyTrustworthy(u string) bool {
	p, ok := splitURL(u)
	if !ok {
		return false
	}
	switch {
	case equalFold(p.scheme, "https"), equalFold(p.scheme, "wss"):
		return true
	case equalFold(p.scheme, "http"), equalFold(p.scheme, "ws"):
		return isPotentiallyTrustworthyHost(p.host)
	}
	return false
}

// EvaluatePrivateNetwork judges req as a private network request: a page
// at req.Origin, loaded from an address in space from, asks for req.URL,
// served from an address in space to, and preflight is the answer to the
// PNA preflight (nil when not given). It applies, in Chromium's order:
//
//  1. not a private network request (to is not more private than from):
//     allowed, no preflight (PreflightSent false);
//  2. a declared req.TargetAddressSpace that is not to:
//     InvalidLocalNetworkAccess;
//  3. a page that is not a secure context: InsecureLocalNetwork, refused
//     before sending;
//  4. the preflight (preflight_controller.cc CreatePreflightResult): a
//     redirect fails, then the CORS check with req's credentials mode,
//     then the ok status, then Access-Control-Allow-Private-Network, which
//     must be exactly "true" (PreflightMissingAllowPrivateNetwork,
//     PreflightInvalidAllowPrivateNetwork with the value), then the
//     Access-Control-Allow-Methods and -Headers checks for req.
//
// Allowed means the preflight passes and the browser sends the request;
// whether the page may read the response is Evaluate's verdict. An https
// page reaching an http target (allowed only with targetAddressSpace
// declared, see Request) gets WarnLocalNetworkPermission: Chromium asks
// the user first.
func EvaluatePrivateNetwork(req *Request, from, to AddressSpace, preflight *Response) Result {
	var f Fetch
	r := evaluatePrivateNetwork(&f, req, from, to, preflight, nil)
	r.req, r.lna, r.lnaFrom = req, true, from
	r.hop0 = Hop{Preflight: preflight}
	return r
}

// evaluatePrivateNetwork is EvaluatePrivateNetwork, narrating to n when
// not nil (see Checks).
func evaluatePrivateNetwork(f *Fetch, req *Request, from, to AddressSpace, preflight *Response, n *narrator) Result {
	method := NormalizeMethod(req.Method)
	if method == "" {
		method = "GET"
	}
	res := Result{Origin: req.Origin, URL: req.URL, InitialURL: req.URL, Method: method,
		Credentials: req.credentials(), Initiator: req.initiator(), MaxAge: -1, TargetAddressSpace: to}
	if !to.MorePrivateThan(from) {
		if n != nil {
			n.begin(StageRequest, 0, req.URL, CheckRequest)
			n.set(CheckRequest, CheckPass, "not a local network request: the "+string(to)+" target is not more private than the "+string(from)+" page")
		}
		res.Allowed = true
		return res
	}
	fail := func(stage Stage, e ErrorName, hint string) Result {
		res.Stage, res.Error, res.FailedParameter = stage, e, hint
		if n != nil {
			if stage == StageRequest {
				n.begin(StageRequest, 0, req.URL, CheckRequest)
			}
			n.failed(CheckRequest)
		}
		return res
	}
	if req.TargetAddressSpace != "" && req.TargetAddressSpace != to {
		return fail(StageRequest, InvalidLocalNetworkAccess, string(req.TargetAddressSpace))
	}
	if !PotentiallyTrustworthy(req.Origin) {
		return fail(StageRequest, InsecureLocalNetwork, "")
	}
	// The request itself must be one the page can make: with a declared
	// targetAddressSpace, mixed content does not stop it.
	f.start(req, n)
	if f.Done() {
		r := f.Result()
		r.TargetAddressSpace = to
		return r
	}
	// The PNA preflight doubles as the CORS preflight: a non-simple
	// request's method and headers must be granted too.
	if !f.NeedsPreflight() {
		f.plan.Required = true
		f.state = statePreflight
	}
	if n != nil {
		// One stage: the PNA header among the CORS preflight's checks.
		var names []string
		for _, c := range f.preflightNames() {
			if c == CheckAllowMethods {
				names = append(names, CheckAllowPrivateNetwork)
			}
			names = append(names, c)
		}
		n.begin(StagePreflight, 0, req.URL, names...)
	}
	if preflight == nil {
		res.Incomplete = "response to the private network access preflight at " + req.URL
		if n != nil {
			n.absent("no preflight response")
		}
		return res
	}
	res.PreflightSent = true
	res.PreflightStatus = preflight.Status
	h := preflight.Header
	// CreatePreflightResult's order: redirect, CORS check, status, PNA
	// header; then PreflightResult's method and header checks.
	if preflight.isRedirect() {
		if n != nil {
			n.set(CheckRedirect, CheckFail, "").seen(get(h, HeaderLocation))
		}
		return fail(StagePreflight, PreflightDisallowedRedirect, "")
	}
	if n != nil {
		loc, has := get(h, HeaderLocation)
		n.set(CheckRedirect, CheckPass, strconv.Itoa(preflight.Status)+" is not a redirect").seen(loc, has)
	}
	e, hint := f.checkAccess(h, f.origin)
	if n != nil {
		f.narrateAccess(h, e)
	}
	if e != "" {
		return fail(StagePreflight, preflightTwin(e), hint)
	}
	ok := preflight.Status >= 200 && preflight.Status <= 299
	if n != nil {
		f.narratePreflightStatus(preflight.Status, ok)
	}
	if !ok {
		return fail(StagePreflight, PreflightInvalidStatus, "")
	}
	v, ok := get(h, HeaderAllowPrivateNetwork)
	if n != nil {
		st, reason := CheckPass, "'true'"
		if v != "true" {
			st, reason = CheckFail, ""
		}
		n.set(CheckAllowPrivateNetwork, st, reason).seen(v, ok)
	}
	switch {
	case !ok:
		return fail(StagePreflight, PreflightMissingAllowPrivateNetwork, "")
	case v != "true":
		return fail(StagePreflight, PreflightInvalidAllowPrivateNetwork, v)
	}
	if n != nil {
		n.joinStage = true
	}
	f.ReceivePreflight(preflight)
	r := f.res
	r.TargetAddressSpace = to
	if r.Error != "" {
		return r
	}
	r.Allowed = true
	if o, ok := splitURL(req.Origin); ok && equalFold(o.scheme, "https") && !PotentiallyTrustworthy(req.URL) {
		r.Warnings = append(r.Warnings, Warning{WarnLocalNetworkPermission,
			"an https page reaches this http " + string(to) + " address only after the user grants the local network access permission, which also lifts mixed content blocking"})
	}
	return r
}

// localNetworkDetail is the console text of the local network errors
// (cors_error_string.cc; the PNA-era texts for the preflight errors, with
// their address space names). Empty for other errors.
func localNetworkDetail(r *Result) string {
	space := r.TargetAddressSpace
	switch r.Error {
	case InsecureLocalNetwork:
		return "The request client is not a secure context and the resource is in more-private address space `" + string(space) + "`."
	case InvalidLocalNetworkAccess:
		return "Request had a target IP address space of `" + EncodeHint(r.FailedParameter) + "` yet the resource is in address space `" + string(space) + "`."
	case LocalNetworkAccessPermissionDenied:
		return "Permission was denied for this request to access the `" + string(space) + "` address space."
	case PreflightMissingAllowPrivateNetwork:
		return "No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the `" + space.pnaName() + "` address space."
	case PreflightInvalidAllowPrivateNetwork:
		// Two spaces before "not", as Chromium printed it.
		return "The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the `" +
			space.pnaName() + "` address space had a value of '" + EncodeHint(r.FailedParameter) + "',  not 'true'."
	}
	return ""
}

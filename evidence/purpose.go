package evidence

// Purpose says why a collector sent a probe (Probe.Purpose): a closed
// vocabulary rules branch on, instead of words built and matched as text.
type Purpose string

// The probes of check (collect/probe) and of the HAR reader.
const (
	// PurposeRequest is the request itself.
	PurposeRequest Purpose = "request"
	// PurposeRepeat sends the request again (intermittent CORS, CD1021).
	PurposeRepeat Purpose = "repeat"
	// PurposeErrorPath asks for a path that does not exist (CD1019).
	PurposeErrorPath Purpose = "error-path"
	// PurposeNoAuth sends the request without credentials (CD1020).
	PurposeNoAuth Purpose = "no-auth"
	// PurposeForceActual sends the actual request although its preflight
	// failed, to see what the server would have answered.
	PurposeForceActual Purpose = "force-actual"
	// PurposeWithCredentials and PurposeOtherOrigin replay a HAR entry
	// with credentials, or from another origin.
	PurposeWithCredentials Purpose = "with-credentials"
	PurposeOtherOrigin     Purpose = "other-origin"
)

// ScanKind names what a scan probe's origin stands for (collect/scan);
// its probe's purpose is "scan:<kind>" (ScanKind.Purpose).
type ScanKind string

// Scan probe kinds. Self, Trusted and Sibling (the registrable domain and
// its www host, the usual front ends of an API host) are the legitimate
// origins learned first; every other kind is an origin an attacker can
// host a page on.
const (
	ScanArbitrary   ScanKind = "arbitrary"
	ScanSelf        ScanKind = "self"
	ScanTrusted     ScanKind = "trusted"
	ScanSibling     ScanKind = "sibling"
	ScanNull        ScanKind = "null"
	ScanPrefix      ScanKind = "prefix"
	ScanSuffix      ScanKind = "suffix"
	ScanSubstring   ScanKind = "substring"
	ScanDot         ScanKind = "unescaped-dot"
	ScanSubdomain   ScanKind = "subdomain"
	ScanHTTP        ScanKind = "http"
	ScanThirdParty  ScanKind = "third-party"
	ScanSpecialChar ScanKind = "special-char"
	// ScanPreflight is the OPTIONS preflight from the unrelated origin
	// with Access-Control-Request-Private-Network, sent for every GET and
	// HEAD target.
	ScanPreflight ScanKind = "preflight"
	// ScanPrivateNetwork is the private network access preflight from
	// the unrelated https origin, sent in addition for an http target on
	// a private or loopback address whose other probes come from an http
	// page: only a secure page may ask for private network access.
	ScanPrivateNetwork ScanKind = "private-network"
)

const scanPurposePrefix = "scan:"

// Purpose is the probe purpose of a scan probe of kind k.
func (k ScanKind) Purpose() Purpose { return Purpose(scanPurposePrefix + string(k)) }

// ScanKind returns the kind of a scan probe's purpose; ok is false for
// any other probe.
func (p Purpose) ScanKind() (k ScanKind, ok bool) {
	if len(p) > len(scanPurposePrefix) && string(p[:len(scanPurposePrefix)]) == scanPurposePrefix {
		return ScanKind(p[len(scanPurposePrefix):]), true
	}
	return "", false
}

package scan

import (
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Kind names what a probe's origin stands for; it is recorded as the
// probe's purpose (evidence.ScanKind.Purpose), which rules read.
type Kind = evidence.ScanKind

// Probe kinds (see evidence.ScanKind).
const (
	KindArbitrary      = evidence.ScanArbitrary
	KindSelf           = evidence.ScanSelf
	KindTrusted        = evidence.ScanTrusted
	KindSibling        = evidence.ScanSibling
	KindNull           = evidence.ScanNull
	KindPrefix         = evidence.ScanPrefix
	KindSuffix         = evidence.ScanSuffix
	KindSubstring      = evidence.ScanSubstring
	KindDot            = evidence.ScanDot
	KindSubdomain      = evidence.ScanSubdomain
	KindHTTP           = evidence.ScanHTTP
	KindThirdParty     = evidence.ScanThirdParty
	KindSpecialChar    = evidence.ScanSpecialChar
	KindPreflight      = evidence.ScanPreflight
	KindPrivateNetwork = evidence.ScanPrivateNetwork
)

// ArbitraryOrigin is the unrelated origin used to test reflection, as an
// https page. For an http target that is not potentially trustworthy the
// attacker serves it over http (PageScheme): ArbitraryHTTPOrigin.
const (
	ArbitraryOrigin     = "https://corsdoctor-attacker.example"
	ArbitraryHTTPOrigin = "http://corsdoctor-attacker.example"
)

// PageScheme is the scheme of the pages an attacker hosts to attack
// targetURL: https, unless the target is http on a host that is not
// potentially trustworthy. An https page's fetch of such a URL is
// blockable mixed content (Mixed Content § 4.3), so the attacker serves
// the page over plain http, as easily. http://localhost and loopback
// addresses are potentially trustworthy: an https page may call them,
// so the gap never shows on a loopback test target.
func PageScheme(targetURL string) string {
	if strings.HasPrefix(targetURL, "http:") && !cors.PotentiallyTrustworthy(targetURL) {
		return "http"
	}
	return "https"
}

// attackerSuffix is the domain appended by prefix and special-character
// probes (an attacker registers it and serves e.g.
// app.example.com.evil-corsdoctor.net).
const attackerSuffix = ".evil-corsdoctor.net"

// ThirdPartyOrigins are hosting services where anyone can publish a page
// under a shared domain; trusting the shared domain trusts everyone. They
// are ordered by how widely the platforms host front ends (GitHub Pages,
// Heroku, Netlify, Vercel first): the adaptive scan tries the first
// adaptiveThirdParty usable ones, --thorough all.
var ThirdPartyOrigins = []string{
	"https://corsdoctor-attacker.github.io",
	"https://corsdoctor-attacker.herokuapp.com",
	"https://corsdoctor-attacker.netlify.app",
	"https://corsdoctor-attacker.vercel.app",
	"https://corsdoctor-attacker.pages.dev",
	"https://corsdoctor-attacker.web.app",
	"https://corsdoctor-attacker.firebaseapp.com",
	"http://corsdoctor-attacker.s3-website-us-east-1.amazonaws.com",
	"https://corsdoctor-attacker.s3.amazonaws.com",
	"https://d1corsdoctor0.cloudfront.net",
	"https://corsdoctor-attacker.azurewebsites.net",
	"https://corsdoctor-attacker.appspot.com",
	"https://corsdoctor-attacker.glitch.me",
	"https://corsdoctor-attacker.onrender.com",
	"https://corsdoctor-attacker.ngrok-free.app",
	"https://corsdoctor-attacker.repl.co",
	"https://cdpn.io",
	"https://jsbin.com",
	"https://fiddle.jshell.net",
}

// httpsOnlyHost reports whether no page can be served over plain http on
// host: GitHub Pages enforces HTTPS for github.io sites ("HTTPS
// enforcement is required for GitHub Pages sites using a github.io
// domain", docs.github.com, Securing your GitHub Pages site with HTTPS),
// and the whole .app and .dev top-level domains are on the browsers'
// HSTS preload list (get.app, get.dev), so http://x.netlify.app is
// upgraded before it is requested.
func httpsOnlyHost(host string) bool {
	return strings.HasSuffix(host, ".github.io") || strings.HasSuffix(host, ".app") || strings.HasSuffix(host, ".dev")
}

// thirdParty returns the hosting origins for attacker pages of scheme
// page: as listed for https pages; for http pages the http form of each,
// leaving out hosts that only serve https. The adaptive scan takes the
// first n (all when n <= 0).
func thirdParty(page string, n int) []string {
	var out []string
	for _, o := range ThirdPartyOrigins {
		if page == "http" {
			scheme, host, _ := strings.Cut(o, "://")
			if httpsOnlyHost(host) {
				continue
			}
			if scheme == "https" {
				o = "http://" + host
			}
		}
		out = append(out, o)
		if n > 0 && len(out) == n {
			break
		}
	}
	return out
}

// SpecialChars are characters a browser keeps in a host name, tried as
// host<c>.evil-corsdoctor.net to catch origin parsers that stop at them.
// "_" is accepted by Chromium, Firefox and Safari; the others by Safari
// (and the URL Standard's host parser). The adaptive scan tries the first
// adaptiveSpecialChars ("_", then "`", the characters host regexps most
// often leave out), --thorough all.
var SpecialChars = []string{"_", "`", "}", "{", "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", "~"}

// SpecialCharBrowsers says which browsers send an origin with c unchanged.
func SpecialCharBrowsers(c string) string {
	if c == "_" {
		return "Chromium, Firefox and Safari"
	}
	return "Safari"
}

// base is a legitimate origin split for building look-alikes.
type base struct {
	origin, scheme, host, port string
	// look is the scheme of the look-alikes: the base's own, or http
	// when the attacker's pages must be http (PageScheme).
	look string
	// rd is the registrable domain (eTLD+1); "" for IP addresses and
	// public suffixes.
	rd string
}

// parseBase splits a legitimate origin; page is the attacker's page
// scheme (PageScheme).
func parseBase(origin, page string) (base, bool) {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return base{}, false
	}
	b := base{origin: origin, scheme: u.Scheme, look: u.Scheme, host: strings.ToLower(u.Hostname()), port: u.Port()}
	if page == "http" {
		b.look = "http"
	}
	if net.ParseIP(b.host) == nil && strings.Contains(b.host, ".") {
		if rd, err := publicsuffix.EffectiveTLDPlusOne(b.host); err == nil {
			b.rd = rd
		}
	}
	return b, true
}

func (b base) join(scheme, host string) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if b.port != "" {
		host += ":" + b.port
	}
	return scheme + "://" + host
}

// prefix: the trusted origin followed by the attacker's domain
// (app.example.com.evil-corsdoctor.net) defeats "starts with" checks.
func (b base) prefix() string {
	if isIPv6(b.host) {
		return ""
	}
	return b.join(b.look, b.host+attackerSuffix)
}

// suffix: a registrable domain ending with the trusted one
// (evil-example.com) defeats "ends with" checks without a dot boundary.
func (b base) suffix() string {
	if b.rd == "" {
		return ""
	}
	return b.join(b.look, "evil-"+b.rd)
}

// substring: a domain that contains the trusted host but neither starts
// nor ends with it (evil-app.example.computer) defeats "contains" checks.
func (b base) substring() string {
	if b.rd == "" {
		return ""
	}
	h := "evil-" + b.host
	if strings.HasSuffix(h, ".com") {
		return b.join(b.look, h+"puter")
	}
	return b.join(b.look, h+"x.net")
}

// dot: the dot before the registrable domain replaced by a letter
// (wwwxexample.com, registrable by anyone) defeats regexps with an
// unescaped dot.
func (b base) dot() string {
	if b.rd == "" || b.host == b.rd {
		return ""
	}
	sub := strings.TrimSuffix(b.host, "."+b.rd)
	return b.join(b.look, sub+"x"+b.rd)
}

// subdomain: an unused subdomain of the registrable domain.
func (b base) subdomain() string {
	if b.rd == "" {
		return ""
	}
	return b.join(b.look, "corsdoctor-unknown."+b.rd)
}

// http: the same host over http, for an https origin, when the
// attacker's pages are https (for an http target, every look-alike is
// http already, and the network attacker this class is about reads the
// target's plain-http traffic anyway).
func (b base) http() string {
	if b.scheme != "https" || b.look != "https" {
		return ""
	}
	return b.join("http", b.host)
}

func (b base) special(c string) string {
	return b.join(b.look, b.host+c+attackerSuffix)
}

// siblings are the front ends an API host usually serves: the registrable
// domain and its www host (for api.example.com: example.com and
// www.example.com), with the target's scheme.
func (b base) siblings() []string {
	if b.rd == "" {
		return nil
	}
	var out []string
	for _, h := range []string{b.rd, "www." + b.rd} {
		if h != b.host {
			out = append(out, b.scheme+"://"+h)
		}
	}
	return out
}

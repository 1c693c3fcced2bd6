package evidence

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Platform names returned by Detect; they are the values of diag.Platform
// (package diag imports evidence, so the names are repeated here as plain
// strings).
const (
	PlatformAPIGwREST  = "apigw-rest"
	PlatformAPIGwHTTP  = "apigw-http"
	PlatformLambdaURL  = "lambda-url"
	PlatformS3         = "s3"
	PlatformFastAPI    = "fastapi"
	PlatformDjango     = "django"
	PlatformFlask      = "flask"
	PlatformExpress    = "express"
	PlatformSpring     = "spring"
	PlatformASPNET     = "aspnet"
	PlatformGo         = "go"
	PlatformNginx      = "nginx"
	PlatformEnvoy      = "envoy"
	PlatformKong       = "kong"
	PlatformTraefik    = "traefik"
	PlatformCloudFront = "cloudfront"
	PlatformCloudflare = "cloudflare"
	PlatformAzure      = "azure"
	PlatformGCP        = "gcp"
	PlatformVercel     = "vercel"
	PlatformNetlify    = "netlify"
)

// Detection is a detected platform, the evidence that gave it away, the
// other layers seen on the way, and where signals disagree.
type Detection struct {
	Platform string `json:"platform,omitempty"`
	// Signals are the URL host, headers or body markers that identified
	// the platform, e.g. "x-amz-apigw-id".
	Signals []string `json:"signals,omitempty"`
	// Also lists the other layers recognised (a CDN or a proxy in front,
	// the application behind a gateway), most specific first.
	Also []Layer `json:"also,omitempty"`
	// Conflict says, in a sentence, where the signals disagree; empty when
	// they agree.
	Conflict string `json:"conflict,omitempty"`
	// Given is the platform the user gave (--platform), which the fixes
	// use instead of the detected one; empty when none was given.
	Given string `json:"given,omitempty"`
}

// Layer is one platform recognised in the responses and its signals.
type Layer struct {
	Platform string   `json:"platform"`
	Signals  []string `json:"signals"`
}

// Has reports whether the platform was recognised, as the winner or as
// another layer.
func (d Detection) Has(platform string) bool {
	if d.Platform == platform {
		return true
	}
	for _, l := range d.Also {
		if l.Platform == platform {
			return true
		}
	}
	return false
}

// Line is the report line: "apigw-rest (detected from x-amz-apigw-id;
// also cloudfront: x-amz-cf-id)", or "go (--platform; the responses
// suggest fastapi: Server: uvicorn)". Empty when there is nothing to say.
func (d Detection) Line() string {
	var also []string
	for _, l := range d.Also {
		also = append(also, l.Platform+": "+strings.Join(l.Signals, ", "))
	}
	switch {
	case d.Given != "" && d.Platform != "" && d.Platform != d.Given:
		return d.Given + " (--platform; the responses suggest " + d.Platform + ": " + strings.Join(d.Signals, ", ") + ")"
	case d.Given != "":
		return d.Given + " (--platform)"
	case d.Platform == "":
		return ""
	}
	s := d.Platform + " (detected from " + strings.Join(d.Signals, ", ")
	if len(also) > 0 {
		s += "; also " + strings.Join(also, "; ")
	}
	return s + ")"
}

// String renders "apigw-rest (x-amz-apigw-id, x-amzn-RequestId; also
// cloudfront: x-amz-cf-id)".
func (d Detection) String() string {
	if d.Platform == "" {
		return ""
	}
	s := d.Platform + " (" + strings.Join(d.Signals, ", ")
	var also []string
	for _, l := range d.Also {
		also = append(also, l.Platform+": "+strings.Join(l.Signals, ", "))
	}
	if len(also) > 0 {
		s += "; also " + strings.Join(also, "; ")
	}
	return s + ")"
}

// Tiers order the platforms when several are recognised: the most
// specific layer (the one whose configuration a fix edits) wins. AWS
// service headers identify the service precisely; a framework's own
// headers or refusal shapes come next; then the URL host (custom domains
// hide it, and a host says nothing of what runs behind it); then proxies;
// CDNs last, as they front everything.
const (
	tierService = 0
	// tierKnown is a recognised response shape of a library or platform
	// (KnownResponses): more specific than a Server header (Azure
	// Functions runs on Kestrel), less than AWS's own headers.
	tierKnown     = 1
	tierFramework = 3
	tierHost      = 4
	tierProxy     = 5
	tierCDN       = 6
)

type signal struct {
	plat string
	tier int
	text string
}

// DetectPlatform is Detect without a URL.
func DetectPlatform(rs ...*Response) Detection { return Detect("", rs...) }

// Detect guesses the server platform from the request URL's host and the
// responses' headers and bodies (KnownResponses). The most specific
// platform wins (see the tiers above); the others are listed in Also, and
// Conflict says when two platforms of the same tier were seen, or when a
// signal shared by several platforms (Server: gunicorn, Go's default 404
// body) was the only one. Nil responses are skipped; the zero Detection
// means nothing was recognised.
func Detect(rawURL string, rs ...*Response) Detection {
	var sigs []signal
	add := func(plat string, tier int, text string) {
		for _, s := range sigs {
			if s.plat == plat && s.text == text {
				return
			}
		}
		sigs = append(sigs, signal{plat, tier, text})
	}
	var notes []string
	note := func(s string) {
		for _, n := range notes {
			if n == s {
				return
			}
		}
		notes = append(notes, s)
	}
	hostSignals(rawURL, add)
	for _, r := range rs {
		if r != nil {
			responseSignals(r, add, note)
		}
	}
	// The table of known responses identifies libraries by their
	// refusals; it only adds evidence for a platform nothing else named.
	for _, r := range rs {
		if r == nil {
			continue
		}
		for _, preflight := range []bool{true, false} {
			k := Recognise(r, preflight)
			if k == nil || k.Platform == "" || k.Weak {
				continue // a shape other servers share names no platform
			}
			seen := false
			for _, s := range sigs {
				seen = seen || s.plat == k.Platform
			}
			if !seen {
				add(k.Platform, tierKnown, k.Marker+" ["+k.ID+"]")
			}
			break
		}
	}
	if len(sigs) == 0 {
		if len(notes) > 0 {
			return Detection{Conflict: strings.Join(notes, "; ")}
		}
		return Detection{}
	}
	// Group by platform, keeping each platform's best tier.
	type group struct {
		plat  string
		tier  int
		first int
		texts []string
	}
	var groups []*group
	byPlat := map[string]*group{}
	for i, s := range sigs {
		g := byPlat[s.plat]
		if g == nil {
			g = &group{plat: s.plat, tier: s.tier, first: i}
			byPlat[s.plat] = g
			groups = append(groups, g)
		}
		g.tier = min(g.tier, s.tier)
		g.texts = append(g.texts, s.text)
	}
	sort.SliceStable(groups, func(i, j int) bool {
		if groups[i].tier != groups[j].tier {
			return groups[i].tier < groups[j].tier
		}
		return groups[i].first < groups[j].first
	})
	win := groups[0]
	if win.plat == PlatformAPIGwREST && len(win.texts) == 1 && win.texts[0] == hostExecuteAPI {
		note("the execute-api host alone does not tell a REST API from an HTTP API: REST assumed")
	}
	d := Detection{Platform: win.plat, Signals: win.texts}
	for _, g := range groups[1:] {
		d.Also = append(d.Also, Layer{Platform: g.plat, Signals: g.texts})
		if g.tier == win.tier && g.tier < tierProxy && !compatible(win.plat, g.plat) {
			note(fmt.Sprintf("signals disagree: %s (%s) and %s (%s); the fix is written for %s, the first seen", win.plat, strings.Join(win.texts, ", "), g.plat, strings.Join(g.texts, ", "), win.plat))
		}
	}
	d.Conflict = strings.Join(notes, "; ")
	return d
}

// compatible reports whether two platforms of the same tier can both be
// true at once.
func compatible(a, b string) bool {
	pair := func(x, y string) bool { return a == x && b == y || a == y && b == x }
	// An API Gateway S3 or Lambda integration shows both services.
	return pair(PlatformAPIGwREST, PlatformS3) || pair(PlatformAPIGwREST, PlatformLambdaURL)
}

const hostExecuteAPI = "host *.execute-api.*.amazonaws.com"

// hostSignals reads the URL host: AWS, Azure, Google Cloud, Vercel and
// Netlify default hosts name the service.
func hostSignals(rawURL string, add func(string, int, string)) {
	if rawURL == "" {
		return
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return
	}
	h := strings.ToLower(u.Hostname())
	has := func(suffix string) bool { return strings.HasSuffix(h, suffix) }
	switch {
	case strings.Contains(h, ".execute-api.") && has(".amazonaws.com"):
		add(PlatformAPIGwREST, tierHost, hostExecuteAPI)
	case strings.Contains(h, ".lambda-url.") && has(".on.aws"):
		add(PlatformLambdaURL, tierService, "host *.lambda-url.*.on.aws")
	case has(".s3.amazonaws.com") || strings.Contains(h, ".s3-website") || strings.Contains(h, ".s3.") && has(".amazonaws.com") ||
		strings.HasPrefix(h, "s3.") && has(".amazonaws.com") || strings.Contains(h, ".s3-") && has(".amazonaws.com"):
		add(PlatformS3, tierHost, "host "+h+" (Amazon S3)")
	case has(".cloudfront.net"):
		add(PlatformCloudFront, tierHost, "host *.cloudfront.net")
	case has(".azurewebsites.net"):
		add(PlatformAzure, tierHost, "host *.azurewebsites.net (Azure App Service / Functions)")
	case has(".azure-api.net"):
		add(PlatformAzure, tierHost, "host *.azure-api.net (Azure API Management)")
	case has(".run.app"):
		add(PlatformGCP, tierHost, "host *.run.app (Google Cloud Run)")
	case has(".cloudfunctions.net"):
		add(PlatformGCP, tierHost, "host *.cloudfunctions.net (Google Cloud Functions)")
	case has(".vercel.app"):
		add(PlatformVercel, tierHost, "host *.vercel.app")
	case has(".netlify.app"):
		add(PlatformNetlify, tierHost, "host *.netlify.app")
	}
}

// responseSignals reads one response's headers, status text and body.
func responseSignals(r *Response, add func(string, int, string), note func(string)) {
	h := r.Header
	hasReqID := has(h, "X-Amzn-Requestid") || has(h, "X-Amz-Requestid")
	cf := has(h, "X-Amz-Cf-Id") || strings.Contains(strings.ToLower(h.Get("Via")), "cloudfront") ||
		strings.Contains(strings.ToLower(h.Get("X-Cache")), "cloudfront")
	switch {
	case has(h, "X-Amz-Apigw-Id"):
		add(PlatformAPIGwREST, tierService, "x-amz-apigw-id")
		if hasReqID {
			add(PlatformAPIGwREST, tierService, "x-amzn-RequestId")
		}
	case has(h, "Apigw-Requestid"):
		add(PlatformAPIGwHTTP, tierService, "apigw-requestid")
	case hasReqID && has(h, "X-Amzn-Errortype"):
		// Gateway error responses of REST APIs (edge-optimized ones come
		// through CloudFront) can lack x-amz-apigw-id.
		add(PlatformAPIGwREST, tierService, "x-amzn-ErrorType: "+h.Get("X-Amzn-Errortype"))
	case hasReqID && !cf:
		add(PlatformLambdaURL, tierService+2, "x-amzn-RequestId without API Gateway ids")
	}
	server := h.Get("Server")
	ls := strings.ToLower(server)
	powered := strings.ToLower(h.Get("X-Powered-By"))
	switch {
	case ls == "amazons3" || has(h, "X-Amz-Id-2") && has(h, "X-Amz-Request-Id"):
		add(PlatformS3, tierService, firstNonEmpty("Server: "+server, ls != "amazons3", "x-amz-id-2, x-amz-request-id"))
	case strings.Contains(ls, "uvicorn") || strings.Contains(ls, "hypercorn"):
		add(PlatformFastAPI, tierFramework, "Server: "+server)
	case strings.Contains(ls, "werkzeug"):
		add(PlatformFlask, tierFramework, "Server: "+server)
	case strings.HasPrefix(ls, "wsgiserver"):
		add(PlatformDjango, tierFramework, "Server: "+server+" (Django's runserver)")
	case strings.Contains(ls, "gunicorn") || strings.Contains(ls, "waitress") || strings.Contains(ls, "uwsgi"):
		note("Server: " + server + " runs any WSGI application (Flask as often as Django): not enough to name the framework")
	case strings.Contains(ls, "kestrel") || strings.Contains(powered, "asp.net"):
		add(PlatformASPNET, tierFramework, firstNonEmpty("Server: "+server, !strings.Contains(ls, "kestrel"), "X-Powered-By: "+h.Get("X-Powered-By")))
	case strings.HasPrefix(ls, "nginx") || strings.HasPrefix(ls, "openresty"):
		add(PlatformNginx, tierProxy, "Server: "+server)
	case ls == "envoy" || strings.HasPrefix(ls, "istio-envoy"):
		add(PlatformEnvoy, tierProxy, "Server: "+server)
	case strings.HasPrefix(ls, "kong"):
		add(PlatformKong, tierProxy, "Server: "+server)
	case ls == "cloudflare":
		add(PlatformCloudflare, tierCDN, "Server: cloudflare")
	case ls == "vercel":
		add(PlatformVercel, tierCDN, "Server: Vercel")
	case ls == "netlify":
		add(PlatformNetlify, tierCDN, "Server: Netlify")
	case ls == "google frontend":
		add(PlatformGCP, tierProxy, "Server: Google Frontend")
	}
	if strings.Contains(powered, "express") {
		add(PlatformExpress, tierFramework, "X-Powered-By: "+h.Get("X-Powered-By"))
	}
	if has(h, "X-Envoy-Upstream-Service-Time") {
		add(PlatformEnvoy, tierProxy, "x-envoy-upstream-service-time")
	}
	if has(h, "X-Kong-Upstream-Latency") || has(h, "X-Kong-Response-Latency") || strings.Contains(strings.ToLower(h.Get("Via")), "kong/") {
		add(PlatformKong, tierProxy, "X-Kong-* / Via: kong")
	}
	if has(h, "Cf-Ray") {
		add(PlatformCloudflare, tierCDN, "CF-RAY")
	}
	if has(h, "X-Vercel-Id") {
		add(PlatformVercel, tierCDN, "x-vercel-id")
	}
	if has(h, "X-Nf-Request-Id") {
		add(PlatformNetlify, tierCDN, "x-nf-request-id")
	}
	if has(h, "Function-Execution-Id") {
		add(PlatformGCP, tierFramework, "Function-Execution-Id (Google Cloud Functions)")
	}
	if has(h, "Ocp-Apim-Trace-Location") || has(h, "Ocp-Apim-Apiid") {
		add(PlatformAzure, tierProxy, "Ocp-Apim-* (Azure API Management)")
	}
	if has(h, "X-Ms-Request-Id") || has(h, "X-Azure-Ref") {
		add(PlatformAzure, tierHost, firstNonEmpty("x-ms-request-id", !has(h, "X-Ms-Request-Id"), "x-azure-ref (Azure Front Door)"))
	}
	if cf {
		sig := "x-amz-cf-id"
		if !has(h, "X-Amz-Cf-Id") {
			sig = "Via/X-Cache: CloudFront"
		}
		add(PlatformCloudFront, tierCDN, sig)
		if x := h.Get("X-Cache"); x != "" {
			add(PlatformCloudFront, tierCDN, "X-Cache: "+x)
		}
	}
	// Framework fingerprints beyond Server and X-Powered-By.
	if h.Get("X-Powered-By") == "" && r.Status >= 400 && werkzeug(r) && r.StatusText != "" {
		add(PlatformFlask, tierFramework, fmt.Sprintf("Werkzeug's upper-case reason phrase %q (Flask)", r.StatusText))
	}
	if strings.Contains(body(r), "The requested resource was not found on this server.") {
		add(PlatformDjango, tierFramework, "Django's 404 page")
	}
	if strings.EqualFold(h.Get("Referrer-Policy"), "same-origin") && has(h, "X-Content-Type-Options") && has(h, "X-Frame-Options") {
		add(PlatformDjango, tierFramework, "Django SecurityMiddleware defaults (Referrer-Policy: same-origin, X-Content-Type-Options, X-Frame-Options)")
	}
	// Spring Security writes these cache headers on every response it
	// handles (Spring Security reference, "Default Security Headers").
	if h.Get("Cache-Control") == "no-cache, no-store, max-age=0, must-revalidate" && h.Get("Expires") == "0" && strings.EqualFold(h.Get("Pragma"), "no-cache") {
		add(PlatformSpring, tierFramework, "Spring Security default headers (Cache-Control: no-cache, no-store, max-age=0, must-revalidate; Pragma; Expires: 0)")
	}
	if has(h, "X-Application-Context") || springErrorJSON(r) {
		add(PlatformSpring, tierFramework, firstNonEmpty("X-Application-Context", !has(h, "X-Application-Context"), "Spring Boot error body"))
	}
	if strings.HasPrefix(strings.ToLower(h.Get("Content-Type")), "application/problem+json") && strings.Contains(body(r), `"traceId"`) {
		add(PlatformASPNET, tierFramework, "ASP.NET Core ProblemDetails body (traceId)")
	}
	if server == "" && r.Status == http.StatusNotFound && strings.HasPrefix(string(r.Body), "404 page not found") {
		if has(h, "X-Content-Type-Options") && strings.HasPrefix(h.Get("Content-Type"), "text/plain; charset=utf-8") {
			add(PlatformGo, tierFramework+1, "Go net/http 404 (\"404 page not found\", text/plain; charset=utf-8, X-Content-Type-Options: nosniff)")
		} else {
			add(PlatformGo, tierFramework+1, "Go net/http 404 body")
		}
		note("the \"404 page not found\" body is Go's default, shared by Go proxies such as Traefik")
	}
}

func firstNonEmpty(a string, useB bool, b string) string {
	if useB {
		return b
	}
	return a
}

func has(h http.Header, canonical string) bool {
	_, ok := h[canonical]
	if ok {
		return true
	}
	// Keys built by hand may not be canonical.
	for k := range h {
		if strings.EqualFold(k, canonical) {
			return true
		}
	}
	return false
}

// Responses returns every response of the exchange: preflights, actual
// responses and those of the extra probes, in order.
func (ex *Exchange) Responses() []*Response {
	var out []*Response
	add := func(hs []Hop) {
		for _, h := range hs {
			if h.Preflight != nil {
				out = append(out, h.Preflight)
			}
			if h.Response != nil {
				out = append(out, h.Response)
			}
		}
	}
	add(ex.Hops)
	for _, p := range ex.Probes {
		add(p.Hops)
	}
	return out
}

// Identify sets the exchange's platform: the one given (--platform) when
// not empty, else the one detected from the request URL and every
// response, with the detection kept in ex.Detection. explain, check, har,
// browser and serve all call it, so they read the same evidence the same
// way.
func (ex *Exchange) Identify(given string) {
	d := Detect(ex.Request.URL, ex.Responses()...)
	d.Given = given
	ex.Detection = &d
	if given != "" {
		ex.Platform = given
		return
	}
	ex.Platform = d.Platform
}

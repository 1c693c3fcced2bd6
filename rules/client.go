package rules

import (
	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// ClientRoute is one route of an API as a page calls it: the method it
// sends (ANY is called with PUT), the path, and whether the page sends
// Authorization or X-Api-Key. CD2050 simulates these; `corsdoctor fix`
// proves its rewrites on the same requests.
type ClientRoute struct {
	Method, Path string
	Auth, Key    bool
	Source       evidence.Source
	r            simRoute
}

// ClientRoutes lists the routes of api that a page calls (OPTIONS
// methods excluded).
func ClientRoutes(api *apimodel.API) []ClientRoute {
	var out []ClientRoute
	for _, r := range routesOf(api) {
		out = append(out, ClientRoute{Method: r.method, Path: r.path, Auth: r.auth, Key: r.key, Source: r.src.Source, r: r})
	}
	return out
}

// ClientRequest is the request a page at origin sends on rt, as CD2050
// builds it, then extra headers.
func ClientRequest(api *apimodel.API, origin string, rt ClientRoute, extra ...cors.Header) *cors.Request {
	req := simulatedRequest(api, origin, rt.r)
	req.Headers = append(req.Headers, extra...)
	return req
}

// OptionsResponse returns the default (else first 2xx) integration
// response of a non-proxy OPTIONS method, or nil: the one that answers
// preflights.
func OptionsResponse(m *apimodel.Method) *apimodel.IntegrationResponse {
	return optionsResponse(m)
}

package rules

import (
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
)

// CD2020 fires for plain-http origins allowed on an https API.
var cd2020 = &diag.Rule{
	ID: "CD2020", Needs: diag.NeedsAPIs, Name: "http-origin-on-https-api", Severity: diag.Warning, Rank: 219, Since: "0.1.0",
	Title: "Plain-http origin allowed on an https API",
	Doc: `API Gateway and function URL endpoints are https only. Allowing an http://
origin (other than localhost during development) lets any network attacker who can
inject script into that plain-http site read the API's responses.

Before:  AllowOrigins: ["http://app.example.com"]
After:   AllowOrigins: ["https://app.example.com"]`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Allow only https origins (keep http://localhost for development in a separate stage).",
		diag.APIGwHTTP: "Replace http:// origins with https:// in CorsConfiguration.AllowOrigins / cors_configuration.allow_origins.",
		diag.APIGwREST: "Use an https origin in the Access-Control-Allow-Origin mapping.",
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			originValues(api, func(o string, v apimodel.Value, where string) {
				rest, ok := strings.CutPrefix(strings.ToLower(o), "http://")
				if !ok || strings.ContainsAny(o, ", ") {
					return
				}
				host := rest
				if i := strings.IndexAny(host, ":/"); i >= 0 {
					host = host[:i]
				}
				if host == "localhost" || host == "127.0.0.1" || host == "[::1]" || strings.HasSuffix(host, ".localhost") {
					return
				}
				reportAPI(p, api, v.Source, fmt.Sprintf("%s allows the plain-http origin %q (%s) on an https API", apiName(api), o, where))
			})
		}
	},
}

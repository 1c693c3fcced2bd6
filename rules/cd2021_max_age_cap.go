package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/corsdoctor/corsdoctor/apimodel"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD2021 fires for Access-Control-Max-Age values browsers cap or AWS rejects.
var cd2021 = &diag.Rule{
	ID: "CD2021", Needs: diag.NeedsAPIs, Name: "max-age-beyond-browser-cap", Severity: diag.Info, Rank: 220, Since: "0.1.0",
	Title: "Access-Control-Max-Age beyond what browsers honour",
	Doc: `Chromium caps preflight caching at 7200 seconds (2 hours) and Firefox at 86400
(24 hours); larger values are silently reduced, so they do not cut preflights further.
HTTP API rejects MaxAge above 86400. A long cache also delays CORS fixes reaching
users whose browsers cached the old answer.

Before:  MaxAge: 604800
After:   MaxAge: 7200`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Use at most 7200 (Chromium's cap).",
		diag.APIGwHTTP: "CorsConfiguration.MaxAge / cors_configuration.max_age = 7200",
		diag.APIGwREST: "method.response.header.Access-Control-Max-Age: \"'7200'\"",
	},
	Check: func(p *diag.Pass) {
		for _, api := range p.APIs() {
			var g byLoc
			vals := map[evidence.Source]int{}
			check := func(v apimodel.Value, where string) {
				n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(v.S), "'"))
				if v.Unknown || err != nil || n <= 7200 {
					return
				}
				vals[v.Source] = n
				g.add(v.Source, where)
			}
			if api.Cors != nil && api.Cors.MaxAge != nil {
				check(*api.Cors.MaxAge, "MaxAge")
			}
			for _, res := range api.Resources {
				if ir := optionsResponse(res.Method("OPTIONS")); ir != nil {
					if v, ok := ir.Header("Access-Control-Max-Age"); ok {
						check(v, "OPTIONS "+res.Path)
					}
				}
			}
			g.each(func(loc evidence.Source, where string) {
				n := vals[loc]
				extra := ""
				if n > 86400 {
					extra = "; Firefox caps at 86400 too"
					if api.Kind == apimodel.HTTP {
						extra += ", and HTTP API rejects values above 86400"
					}
				}
				reportAPI(p, api, loc, fmt.Sprintf("%s sets Access-Control-Max-Age %d (%s): Chromium caches preflights for at most 7200 s%s", apiName(api), n, where, extra))
			})
		}
	},
}

package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1013 fires when Access-Control-Allow-Methods/-Headers cannot be parsed.
var cd1013 = &diag.Rule{
	ID:       "CD1013",
	Needs:    diag.NeedsExchanges,
	Name:     "invalid-allow-list",
	Severity: diag.Error,
	Rank:     47,
	Since:    "0.1.0",
	Title:    "Access-Control-Allow-Methods or -Headers cannot be parsed",
	Doc: `Access-Control-Allow-Methods and Access-Control-Allow-Headers are comma-separated
lists of tokens. One bad item (a space inside a name, double quotes around the
list, a slash) makes the
whole header unparsable and the preflight fails. (Stray single quotes are token
characters, so 'GET,PUT' parses but then matches neither GET nor PUT: see CD1008.)

Before:  Access-Control-Allow-Headers: Content-Type Authorization
After:   Access-Control-Allow-Headers: Content-Type, Authorization`,
	Fix: map[diag.Platform]string{
		diag.Generic:   "Send a comma-separated list of bare names: Access-Control-Allow-Headers: Content-Type, Authorization.",
		diag.APIGwREST: "In the integration response mapping the value is a quoted string literal: \"'Content-Type,Authorization'\" (outer double quotes for JSON/YAML, inner single quotes for API Gateway); the single quotes must not end up inside the header.",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			name := cors.HeaderAllowMethods
			if ex.Result.Error == cors.InvalidAllowHeadersPreflightResponse {
				name = cors.HeaderAllowHeaders
			}
			v := header(failedResponse(ex), name)
			_, bad, _ := cors.ParseList(v)
			d := fmt.Sprintf("%s is %q: the item %q is not a valid token, so the browser rejects the whole preflight", name, v, bad)
			p.Report(i, loc(ex), d, exchangeEvidence(ex, name)...)
		}, cors.InvalidAllowMethodsPreflightResponse, cors.InvalidAllowHeadersPreflightResponse)
	},
}

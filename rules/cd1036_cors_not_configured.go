package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1036 fires when the failing response shows that no CORS configuration
// answered: an S3 bucket without CORS rules, or a framework's own OPTIONS
// answer (evidence.KnownResponses, kinds "not-configured" and
// "default-options").
var cd1036 = &diag.Rule{
	ID:       "CD1036",
	Needs:    diag.NeedsExchanges,
	Name:     "cors-not-configured",
	Severity: diag.Error,
	Rank:     4,
	Since:    "0.2.0",
	Title:    "No CORS configuration answered: the resource has none",
	Doc: `The response says, in the server's own words, that no CORS configuration applies:
Amazon S3 answers a preflight to a bucket without CORS rules 403 AccessForbidden
"CORSResponse: CORS is not enabled for this bucket"; Flask answers OPTIONS by itself
(200 with an Allow header) when no Flask-CORS applies to the route, and Flask-CORS adds
nothing either when it refuses the origin. Authentication is not involved, whatever the
status: the fix is a CORS configuration.

Before:  OPTIONS /bucket/key -> 403 "CORS is not enabled for this bucket"
After:   aws s3api put-bucket-cors --bucket BUCKET --cors-configuration file://cors.json

See https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors-troubleshooting.html`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Configure CORS on the resource for the page's origin {{origin}}, method {{method}} and headers {{headers}}.",
		diag.S3:         s3CORSFix,
		diag.CloudFront: s3CORSFix,
		diag.Flask:      "pip/apt install Flask-CORS and apply it to this route: CORS(app, origins=['{{origin}}'], methods=[{{methods|q}}], allow_headers=[{{headers|q}}]) (or @cross_origin(origins=['{{origin}}']) on the view); if CORS(app, ...) is already there, add {{origin}} to its origins, exactly (scheme, host, port, no trailing slash).",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			rec := recognised(ex)
			if rec == nil || rec.Kind != evidence.KindNotConfigured && rec.Kind != evidence.KindDefaultOptions {
				return
			}
			stage := "request"
			if ex.Result.Stage == cors.StagePreflight {
				stage = "preflight"
			}
			d := fmt.Sprintf("%s answered the %s (%s): %s", rec.Layer, stage, rec.Marker, rec.Meaning)
			if rec.Kind == evidence.KindNotConfigured && ex.Result.PreflightStatus == 403 {
				d += "; the 403 is not an authentication failure"
			}
			plat, fix := fixFor(p.Rule.Fix, fixPlatform(ex, rec))
			ev := append(exchangeEvidence(ex, ""), "  recognised: "+rec.Marker)
			p.ReportFixText(i, loc(ex), plat, fix, d, ev...)
		})
	},
}

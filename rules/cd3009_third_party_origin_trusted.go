package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3009 fires when an origin on a shared hosting domain is trusted.
var cd3009 = &diag.Rule{
	ID:       "CD3009",
	Needs:    diag.NeedsScanProbes,
	Name:     "third-party-origin-trusted",
	Severity: diag.Error,
	Rank:     35,
	Since:    "0.1.0",
	Title:    "A shared hosting domain anyone can publish on is trusted (github.io, netlify.app, ...)",
	Doc: `The server trusts an origin on a domain where anyone can get a subdomain for
free: GitHub Pages (github.io), Heroku, Netlify, Vercel, Cloudflare Pages, Firebase,
Azure, App Engine, CloudFront distributions, S3 website endpoints, Glitch, Render,
ngrok, CodePen, JSFiddle, JS Bin, Replit. This usually comes from trusting
"*.github.io" for a documentation site or "*.vercel.app" for preview deployments;
the attacker publishes their own page there. Severity error with credentials,
warning without.

Before:  Origin: https://corsdoctor-attacker.github.io
         Access-Control-Allow-Origin: https://corsdoctor-attacker.github.io
After:   trust your exact page (https://yourorg.github.io) or a custom domain`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Replace the shared-domain wildcard by the exact origins of your own deployments (or move them to a custom domain you control); never trust *.github.io, *.vercel.app, *.netlify.app, *.cloudfront.net or S3 website domains.",
	},
	Check: scanOriginRule("third-party", func(pr *evidence.Probe) string {
		return "the server trusts " + pr.Request.Origin + ", on a hosting domain where anyone can publish a page"
	}, "arbitrary"),
}

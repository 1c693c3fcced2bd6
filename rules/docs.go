package rules

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// The catalogue's documents, generated from the registry: docs/rules.md
// (Markdown, also `corsdoctor rules --markdown`) and docs/platforms.md
// (PlatformsMarkdown). TestCatalogue and TestPlatformsDoc keep the files
// equal to them.

// Markdown renders the rule catalogue, docs/rules.md.
func Markdown() []byte {
	var b bytes.Buffer
	b.WriteString("# corsdoctor rules\n\n")
	b.WriteString("Generated from the rule registry (`go test ./rules -run TestCatalogue -update`, or `corsdoctor rules --markdown`); do not edit by hand. `corsdoctor rules ID` prints one rule.\n\n")
	b.WriteString("IDs are stable. Families: CD1xxx browser causes (check, explain, har, browser), CD2xxx API Gateway and infrastructure code (lint, aws), CD3xxx security (scan), CD4xxx logs and metrics (logs, aws).\n\n")
	b.WriteString("Fixes are written in the user's values: in a report, `{{origin}}` is the page's origin, `{{method}}` the request's method, `{{methods}}` GET, POST and that method, `{{headers}}` the request headers the preflight asks for, `{{allow_methods}}` and `{{allow_headers}}` those lists with what the failing preflight already allows (so a fix that replaces a list keeps what works) (`|q`, `|qq` and `|csv` quote the list for Python/JavaScript, Go/JSON and comma lists); `{{api_id}}` and `{{stage}}` are the API Gateway API id and stage (from an execute-api URL, or the API `aws diagnose` looked at; `ID` and `STAGE` when unknown), `{{bucket}}` the S3 bucket the URL names (`BUCKET` when unknown), `{{url}}` the request's URL without credentials, query or fragment (or the stage's invoke URL). The fix shown is the one for the detected platform (see [platforms.md](platforms.md)).\n\n")
	b.WriteString("| ID | Name | Severity | Title |\n|---|---|---|---|\n")
	all := All()
	for _, r := range all {
		title := r.Title
		if r.Deprecated {
			title += " (deprecated, replaced by " + r.ReplacedBy + ")"
		}
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s |\n", r.ID, strings.ToLower(r.ID), r.Name, r.Severity, escapePipes(title))
	}
	for _, r := range all {
		fmt.Fprintf(&b, "\n## %s\n\n**%s** (%s, since %s): %s\n\n", r.ID, r.Name, r.Severity, r.Since, r.Title)
		fmt.Fprintf(&b, "Reads: %s.\n\n", r.Needs)
		b.WriteString("```text\n" + strings.TrimSpace(r.Doc) + "\n```\n\n")
		b.WriteString("Fix:\n\n")
		for _, p := range r.FixPlatforms() {
			fmt.Fprintf(&b, "- %s: %s\n", p, escapeMD(r.Fix[p]))
		}
	}
	b.WriteString("\n## Retired IDs\n\nNever reused.\n\n| ID | Name | Replaced by | Why |\n|---|---|---|---|\n")
	for _, r := range retired {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", r.ID, r.Name, r.ReplacedBy, escapePipes(r.Why))
	}
	return b.Bytes()
}

func escapePipes(s string) string { return strings.ReplaceAll(s, "|", "\\|") }

func escapeMD(s string) string { return strings.ReplaceAll(s, "\n", " ") }

// PlatformsMarkdown renders docs/platforms.md.
func PlatformsMarkdown() []byte {
	var b bytes.Buffer
	b.WriteString(platformsIntro)
	b.WriteString("\n## Recognised responses\n\n")
	b.WriteString("Generated from `evidence.KnownResponses` (`go test ./rules -run TestPlatformsDoc -update`). Each entry has a test built from the real server's answer or its documentation (`evidence/known_test.go`).\n\n")
	b.WriteString("| id | platform | layer | kind | stage | meaning | source |\n|---|---|---|---|---|---|---|\n")
	for _, k := range evidence.KnownResponses {
		stage := "any"
		switch k.Preflight {
		case 1:
			stage = "preflight"
		case -1:
			stage = "actual"
		}
		plat := k.Platform
		if plat == "" {
			plat = "(any)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", k.ID, plat, escapePipes(k.Layer), k.Kind, stage, escapePipes(k.Meaning), escapePipes(k.Source))
	}
	b.WriteString("\nKinds and the rule that reads them: refused → CD1035, not-configured and default-options → CD1036, config-error → CD1037, too-large → CD1038, auth → CD1003 (preflight) / CD1023, no-route → CD1002, server-error → CD1017 (preflight) / CD1025.\n")
	return b.Bytes()
}

const platformsIntro = `# Platforms corsdoctor recognises

Every fix is written for a platform: the one given with ` + "`--platform`" + `, else the one
detected from the request URL and every response of the exchange (preflight, redirect
hops, actual response, check's probes). ` + "`explain`, `check`, `har`, `browser` and `serve`" + ` all
call the same detection (` + "`evidence.Detect`" + `, through ` + "`Exchange.Identify`" + `) and the same table of
recognised responses (` + "`evidence.Recognise`" + `). The report prints the platform with its
evidence ("platform: fastapi (detected from Server: uvicorn)"), the other layers seen
("also nginx: Server: nginx/1.27"), and says when signals disagree; the JSON report carries
the same in ` + "`platform_detection`" + ` (docs/json.md).

When several platforms are seen, the most specific wins: AWS service headers and library
refusal shapes first, then framework headers, then the URL host, then proxies, then CDNs.

Real servers check this end to end (` + "`internal/cli/frameworks_test.go`" + `, installed by ` + "`.ci/run`" + `):
FastAPI/Starlette, Django with django-cors-headers and Flask with Flask-CORS (Debian
packages), Express with cors (npm), nginx in front of an application, and Go with rs/cors
and jub0bs/cors, each with the misconfigurations users report and a correct setup:
` + "`check`" + ` must detect the platform, rank the cause first and write the fix in its terms.

| platform (` + "`--platform`" + `) | recognised by |
|---|---|
| apigw-rest | ` + "`x-amz-apigw-id`" + `; ` + "`x-amzn-RequestId`" + ` with ` + "`x-amzn-ErrorType`" + ` (gateway errors, also through CloudFront on edge-optimized APIs); host ` + "`*.execute-api.REGION.amazonaws.com`" + ` (REST assumed when no header tells REST from HTTP) |
| apigw-http | ` + "`apigw-requestid`" + ` |
| lambda-url | host ` + "`*.lambda-url.REGION.on.aws`" + `; ` + "`x-amzn-RequestId`" + ` without API Gateway ids or CloudFront |
| s3 | ` + "`Server: AmazonS3`" + `; ` + "`x-amz-id-2`" + ` with ` + "`x-amz-request-id`" + `; S3's XML error bodies; hosts ` + "`*.s3.amazonaws.com`" + `, ` + "`*.s3.REGION.amazonaws.com`" + `, ` + "`*.s3-REGION.amazonaws.com`" + `, ` + "`*.s3-website-*`" + `. A CloudFront cache hit on S3 (` + "`X-Cache: Hit from cloudfront`, `Server: AmazonS3`" + `) is s3 behind cloudfront |
| fastapi | ` + "`Server: uvicorn`/`hypercorn`" + `; Starlette's CORS refusal; ` + "`{\"detail\":\"Method Not Allowed\"}`" + ` |
| django | ` + "`Server: WSGIServer`" + ` (runserver); Django's 404 page; SecurityMiddleware defaults (` + "`Referrer-Policy: same-origin`" + ` with ` + "`X-Content-Type-Options`" + ` and ` + "`X-Frame-Options`" + `); django-cors-headers' refusal. ` + "`Server: gunicorn`" + ` alone names no framework (it runs Flask as often as Django): the report says so |
| flask | ` + "`Server: Werkzeug`" + `; Werkzeug's upper-case reason phrases ("404 NOT FOUND"), which survive behind gunicorn; Flask's automatic OPTIONS answer |
| express | ` + "`X-Powered-By: Express`" + `; "Cannot GET /path" pages; the cors package's refusals |
| spring | Spring's "Invalid CORS request"; the Spring Boot error body; ` + "`X-Application-Context`" + ` |
| aspnet | ` + "`Server: Kestrel`" + `; ` + "`X-Powered-By: ASP.NET`" + `; ProblemDetails bodies with ` + "`traceId`" + ` |
| go | rs/cors and jub0bs/cors refusals; the net/http 404 ("404 page not found" with ` + "`text/plain; charset=utf-8`" + ` and ` + "`X-Content-Type-Options: nosniff`" + `, shared with Go proxies such as Traefik: the report says so) |
| nginx | ` + "`Server: nginx`/`openresty`" + `; nginx error pages |
| envoy | ` + "`Server: envoy`" + `; ` + "`x-envoy-upstream-service-time`" + ` |
| kong | ` + "`Server: kong`" + `; ` + "`X-Kong-*`" + `; ` + "`Via: kong`" + `; Kong's plugin errors |
| traefik | ` + "`--platform traefik`" + ` only (Traefik sends no identifying header) |
| cloudfront | ` + "`X-Amz-Cf-Id`" + `; ` + "`Via: ... (CloudFront)`" + `; ` + "`X-Cache: ... from cloudfront`" + `; host ` + "`*.cloudfront.net`" + ` |
| cloudflare | ` + "`Server: cloudflare`" + `; ` + "`CF-RAY`" + ` |
| azure | hosts ` + "`*.azurewebsites.net`" + ` (App Service, Functions) and ` + "`*.azure-api.net`" + ` (API Management); ` + "`x-ms-request-id`" + `; ` + "`x-azure-ref`" + `; ` + "`Ocp-Apim-*`" + ` |
| gcp | hosts ` + "`*.run.app`" + `, ` + "`*.cloudfunctions.net`" + `; ` + "`Server: Google Frontend`" + `; ` + "`Function-Execution-Id`" + ` |
| vercel | host ` + "`*.vercel.app`" + `; ` + "`Server: Vercel`" + `; ` + "`x-vercel-id`" + ` |
| netlify | host ` + "`*.netlify.app`" + `; ` + "`Server: Netlify`" + `; ` + "`x-nf-request-id`" + ` |

` + "`generic`, `lambda-python` and `lambda-node`" + ` are accepted by ` + "`--platform`" + ` (not detected).

` + "`browser`" + ` observes headers and statuses but not bodies (Chromium does not expose the body of a
response it blocked), so the body-based entries below apply to ` + "`explain`, `check` (and `check --browser`) and `har`" + `
(when the HAR holds the body).
`

package rules

import (
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// Fix texts shared by several rules. Placeholders ({{origin}},
// {{methods}}, {{headers}}) are filled in with the exchange's values by
// diag (see diag.FillFix).

// s3CORSFix configures bucket CORS in every form users deploy it.
// AllowedMethods takes GET, PUT, POST, DELETE and HEAD only.
const s3CORSFix = `Give the bucket a CORS configuration that matches the page: ` +
	`JSON {"CORSRules":[{"AllowedOrigins":["{{origin}}"],"AllowedMethods":[{{methods|qq}}],"AllowedHeaders":[{{headers|qq}}],"ExposeHeaders":["ETag"],"MaxAgeSeconds":3000}]}; ` +
	`AWS CLI: aws s3api put-bucket-cors --bucket {{bucket}} --cors-configuration file://cors.json; ` +
	`CloudFormation: AWS::S3::Bucket Properties: CorsConfiguration: {CorsRules: [{AllowedOrigins: ["{{origin}}"], AllowedMethods: [{{methods|csv}}], AllowedHeaders: [{{headers|csv}}], MaxAge: 3000}]}; ` +
	`Terraform: resource "aws_s3_bucket_cors_configuration" "this" { bucket = aws_s3_bucket.this.id  cors_rule { allowed_origins = ["{{origin}}"]  allowed_methods = [{{methods|qq}}]  allowed_headers = [{{headers|qq}}]  max_age_seconds = 3000 } }. ` +
	`Behind CloudFront, S3 only answers CORS when it sees Origin: attach an origin request policy that forwards Origin, Access-Control-Request-Method and Access-Control-Request-Headers (the managed CORS-S3Origin policy), put Origin in the cache key (or use the managed CachingOptimized-with-CORS pattern), and allow the OPTIONS method on the behavior.`

// cloudFrontCacheFix keys the cache on Origin.
const cloudFrontCacheFix = `Make the cache key include Origin so each page origin gets its own cached answer: cache behavior > cache policy with the Origin header (or the managed CORS-S3Origin / CORS-CustomOrigin origin request policy with a cache policy that includes Origin), and let OPTIONS through (allowed methods GET, HEAD, OPTIONS, cached methods GET, HEAD, OPTIONS); then invalidate the cached objects: aws cloudfront create-invalidation --distribution-id DIST --paths '/*'.`

// allowlistFix edits an allowlist the server already has so that it
// takes the page's origin, method and headers. Used when the evidence
// shows the allowlist exists (a library's refusal, Vary: Origin).
var allowlistFix = map[diag.Platform]string{
	diag.Generic:    "The server already has a CORS allowlist and this request is not on it: add the page's exact origin {{origin}} (scheme, host and port, no trailing slash or path), the method {{method}} and the request headers {{headers}} to it.",
	diag.FastAPI:    "Edit the existing CORSMiddleware: allow_origins=['{{origin}}'] (exact: scheme, host, port, no trailing slash), allow_methods=[{{methods|q}}] (the default allows GET only), allow_headers=[{{headers|q}}].",
	diag.Django:     "Edit django-cors-headers' settings: CORS_ALLOWED_ORIGINS = ['{{origin}}'] (scheme required, no trailing slash or path; a list, not a string); CORS_ALLOW_METHODS and CORS_ALLOW_HEADERS from corsheaders.defaults plus {{headers}} if custom.",
	diag.Flask:      "Edit Flask-CORS: CORS(app, origins=['{{origin}}'], methods=[{{methods|q}}], allow_headers=[{{headers|q}}]) (or the same arguments to @cross_origin on the route); Flask-CORS adds no header at all for an origin it does not allow.",
	diag.Express:    "Edit the cors() options: cors({ origin: ['{{origin}}'], methods: [{{methods|q}}], allowedHeaders: [{{headers|q}}] }); an origin callback must call callback(null, false) to refuse, never callback(new Error(...)), which becomes a 500.",
	diag.GoPlatform: "Edit the middleware's configuration: rs/cors cors.Options{AllowedOrigins: []string{\"{{origin}}\"}, AllowedMethods: []string{{{methods|qq}}}, AllowedHeaders: []string{{{headers|qq}}}}; jub0bs/cors cors.Config{Origins: []string{\"{{origin}}\"}, Methods: []string{{{methods|qq}}}, RequestHeaders: []string{{{headers|qq}}}}. Both answer a refused preflight without CORS headers.",
	diag.Spring:     "Edit the CorsConfiguration: config.setAllowedOrigins(List.of(\"{{origin}}\")); config.setAllowedMethods(List.of({{methods|qq}})); config.setAllowedHeaders(List.of({{headers|qq}})); (or @CrossOrigin(origins = \"{{origin}}\") / registry.addMapping(\"/**\").allowedOrigins(\"{{origin}}\")); with Spring Security, http.cors(withDefaults()) so the same configuration answers preflights.",
	diag.ASPNET:     "Edit the policy: builder.Services.AddCors(o => o.AddPolicy(\"web\", p => p.WithOrigins(\"{{origin}}\").WithMethods({{methods|qq}}).WithHeaders({{headers|qq}}))); and app.UseCors(\"web\") after UseRouting, before UseAuthentication/UseAuthorization.",
	diag.S3:         s3CORSFix,
	diag.Azure:      "Add the origin to the platform's CORS list: az functionapp cors add --name APP --resource-group RG --allowed-origins {{origin}} (portal: API > CORS); locally: func start --cors {{origin}}. The platform's CORS replaces any CORS headers the function sets.",
	diag.Nginx:      "Add the origin to the map that feeds add_header: map $http_origin $cors_origin { default \"\"; \"{{origin}}\" $http_origin; } and add {{method}} to Access-Control-Allow-Methods and {{headers}} to Access-Control-Allow-Headers.",
	diag.Kong:       "Edit the cors plugin: config.origins=[\"{{origin}}\"], config.methods=[{{methods|qq}}, \"OPTIONS\"], config.headers=[{{headers|qq}}], preflight_continue=false.",
	diag.APIGwHTTP:  "aws apigatewayv2 update-api --api-id {{api_id}} --cors-configuration AllowOrigins={{origin}},AllowMethods={{methods|csv}},AllowHeaders={{headers|csv}}",
	diag.LambdaURL:  "aws lambda update-function-url-config --function-name FN --cors '{\"AllowOrigins\":[\"{{origin}}\"],\"AllowMethods\":[{{methods|qq}}],\"AllowHeaders\":[{{headers|qq}}],\"MaxAge\":7200}'",
}

// fixFor picks the text for platform plat from fixes, falling back to
// Generic; it returns the platform the text is for.
func fixFor(fixes map[diag.Platform]string, plat diag.Platform) (diag.Platform, string) {
	if f, ok := fixes[plat]; ok && f != "" {
		return plat, f
	}
	return diag.Generic, fixes[diag.Generic]
}

// allowlistPresent reports whether the evidence shows a CORS allowlist on
// the server (Vary: Origin on a response without Access-Control-Allow-
// Origin, or a library's refusal shape): the fix then edits it instead
// of installing CORS.
func allowlistPresent(ex *evidence.Exchange, r *evidence.Response) bool {
	if r != nil && header(r, cors.HeaderAllowOrigin) == "" && varies(r, "Origin") {
		return true
	}
	return recognisedAs(ex, evidence.KindRefused)
}

// fixPlatform is the platform a finding's fix is written for: the one
// the recognised layer names, else the exchange's.
func fixPlatform(ex *evidence.Exchange, rec *evidence.Recognition) diag.Platform {
	detected := ex.Platform == "" || ex.Detection != nil && ex.Platform == ex.Detection.Platform
	if rec != nil && rec.Platform != "" && detected {
		return diag.Platform(rec.Platform)
	}
	return diag.Platform(ex.Platform)
}

// hasHeader reports whether the page's request sets the header.
func hasHeader(ex *evidence.Exchange, name string) bool {
	for _, h := range ex.Request.Headers {
		if strings.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

package rules

import (
	"fmt"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD1037 fires when the CORS configuration itself is invalid and the
// layer fails instead of answering (evidence.KnownResponses, kind
// "config-error").
var cd1037 = &diag.Rule{
	ID:       "CD1037",
	Needs:    diag.NeedsExchanges,
	Name:     "cors-config-invalid",
	Severity: diag.Error,
	Rank:     3,
	Since:    "0.2.0",
	Title:    "The CORS configuration is invalid: the server fails (500) on every CORS request",
	Doc: `Some CORS libraries validate their configuration only when a request arrives, and
throw. Spring Framework 5.3+ (Spring Boot 2.4+) throws IllegalArgumentException "When
allowCredentials is true, allowedOrigins cannot contain the special value "*"" from
CorsConfiguration.validateAllowCredentials on every request carrying Origin, preflights
included: the page sees a 500 without CORS headers. Spring answers preflights in its CORS
processor before any controller, so a 500 on a Spring preflight is this configuration.

Before:  config.setAllowedOrigins(List.of("*")); config.setAllowCredentials(true);
After:   config.setAllowedOriginPatterns(List.of("https://*.example.com"));
         config.setAllowCredentials(true);    // or list the origins exactly`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Make the CORS configuration valid: with credentials allowed, list the allowed origins ({{origin}}) instead of \"*\".",
		diag.Spring:  "Replace allowedOrigins(\"*\") with the page's origins, config.setAllowedOrigins(List.of(\"{{origin}}\")), or with patterns, config.setAllowedOriginPatterns(List.of(\"{{origin}}\")) / registry.addMapping(\"/**\").allowedOriginPatterns(\"{{origin}}\").allowCredentials(true); never \"*\" with allowCredentials(true).",
	},
	Check: func(p *diag.Pass) {
		blocked(p, func(i int, ex *evidence.Exchange) {
			rec := recognised(ex)
			if rec == nil || rec.Kind != evidence.KindConfigError {
				return
			}
			d := fmt.Sprintf("%s failed with %d (%s): %s; the 500 is the configuration, not the endpoint's code", rec.Layer, failedResponse(ex).Status, rec.Marker, rec.Meaning)
			plat, fix := fixFor(p.Rule.Fix, fixPlatform(ex, rec))
			p.ReportFixText(i, loc(ex), plat, fix, d, statusEvidence(failedResponse(ex), hopKind(ex, rec.Preflight == 1))...)
		})
	},
}

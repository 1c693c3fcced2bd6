package rules

import (
	"strings"

	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3010 fires when an origin parser stops at a character browsers keep
// in host names.
var cd3010 = &diag.Rule{
	ID:       "CD3010",
	Needs:    diag.NeedsScanProbes,
	Name:     "origin-special-char-bypass",
	Severity: diag.Error,
	Rank:     45,
	Since:    "0.1.0",
	Title:    "The origin check is fooled by a special character in the host (app.example.com_.evil.net)",
	Doc: `The server extracts the host from Origin with a parser or regexp that stops at
a character browsers do accept in host names, then compares only the part before
it. https://app.example.com_.attacker.net is then seen as app.example.com.
Chromium, Firefox and Safari send "_" unchanged; Safari also sends ` + "` } { ! $ & ' ( ) * + , ; = ~" + `.
Severity error with credentials, warning without.

Before:  Origin: https://app.example.com_.evil-corsdoctor.net
         Access-Control-Allow-Origin: https://app.example.com_.evil-corsdoctor.net
After:   compare the whole Origin string with the allowlist

See https://corben.io/blog/18-6-16-advanced-cors-techniques`,
	Fix: map[diag.Platform]string{
		diag.Generic: "Do not extract and compare a part of the Origin: compare the complete header value with each allowlist entry.",
	},
	Check: scanOriginRule("special-char", func(pr *evidence.Probe) string {
		c := scanSpecialChar(pr.Request.Origin)
		return "the server trusts " + pr.Request.Origin + ": its origin check stops at \"" + c + "\", which " + scanCharBrowsers(c) + " keep in host names"
	}, "arbitrary", "substring", "prefix"),
}

// scanSpecialChar extracts the character a special-char probe inserted
// before ".evil-corsdoctor.net".
func scanSpecialChar(origin string) string {
	h := scanHost(origin)
	i := strings.LastIndex(h, ".evil-corsdoctor.net")
	if i <= 0 {
		return "?"
	}
	return h[i-1 : i]
}

func scanCharBrowsers(c string) string {
	if c == "_" {
		return "Chromium, Firefox and Safari"
	}
	return "Safari"
}

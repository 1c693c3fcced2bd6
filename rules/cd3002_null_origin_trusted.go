package rules

import (
	"github.com/corsdoctor/corsdoctor/diag"
	"github.com/corsdoctor/corsdoctor/evidence"
)

// CD3002 fires when Origin: null is trusted.
var cd3002 = &diag.Rule{
	ID:       "CD3002",
	Needs:    diag.NeedsScanProbes,
	Name:     "null-origin-trusted",
	Severity: diag.Error,
	Rank:     20,
	Since:    "0.1.0",
	Title:    "The opaque origin \"null\" is trusted",
	Doc: `Browsers send Origin: null from sandboxed iframes, data: and file: documents and
after some cross-origin redirects. Any website can produce it:
<iframe sandbox="allow-scripts" srcdoc="<script>fetch(url, {credentials: 'include'})...">.
Allowing "null" (often added to make local file:// development work) therefore
allows every site. Severity error with credentials, warning without.

Before:  Origin: null
         Access-Control-Allow-Origin: null
         Access-Control-Allow-Credentials: true
After:   no Access-Control-Allow-Origin for Origin: null

See https://fetch.spec.whatwg.org/#origin-header and
https://portswigger.net/web-security/cors#whitelisted-null-origin-value`,
	Fix: map[diag.Platform]string{
		diag.Generic:    "Remove \"null\" from the allowlist; develop locally from http://localhost:PORT and allow that origin in development only.",
		diag.Django:     "Remove 'null' from CORS_ALLOWED_ORIGINS.",
		diag.Express:    "Remove 'null' from the origin list passed to cors().",
		diag.GoPlatform: "Remove \"null\" from the allowed origins (jub0bs/cors rejects it at configuration time).",
	},
	Check: scanOriginRule("null", func(*evidence.Probe) string {
		return "the server answers Origin: null with Access-Control-Allow-Origin: null, and any site can send Origin: null from a sandboxed iframe"
	}, "arbitrary"),
}

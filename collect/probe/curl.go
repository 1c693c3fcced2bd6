package probe

import (
	"net/http"
	"sort"
	"strings"

	"github.com/corsdoctor/corsdoctor/internal/redact"
	"github.com/corsdoctor/corsdoctor/internal/shell"
)

// curlHidden are headers curl sets itself or that only add noise to a
// reproduction: client hints and Accept-Language. User-Agent and
// Sec-Fetch-* are kept, since servers and WAFs sometimes branch on them.
var curlHidden = map[string]bool{
	"Accept-Encoding": true, "Content-Length": true, "Accept-Language": true,
	"Sec-Ch-Ua": true, "Sec-Ch-Ua-Mobile": true, "Sec-Ch-Ua-Platform": true,
}

// curlCommand renders a request as a copy-pasteable curl command: -i to
// show the headers, -X for any method but GET, one -H per header (sorted,
// so the output is stable), --data-raw for the body. Secrets are
// redacted unless showSecrets.
func curlCommand(s Sent, showSecrets bool) string {
	var b strings.Builder
	b.WriteString("curl -i")
	if s.Method == http.MethodHead {
		b.WriteString(" -I")
	} else if s.Method != http.MethodGet || len(s.Body) > 0 {
		if s.Method != http.MethodGet {
			b.WriteString(" -X " + shell.Quote(s.Method))
		}
	}
	u := s.URL
	if !showSecrets {
		u = redact.URL(u)
	}
	b.WriteString(" " + shell.Quote(u))
	keys := make([]string, 0, len(s.Header))
	for k := range s.Header {
		if !curlHidden[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range s.Header[k] {
			if !showSecrets {
				v = redact.Value(k, v)
			}
			b.WriteString(" -H " + shell.Quote(k+": "+v))
		}
	}
	if len(s.Body) > 0 {
		body := string(s.Body)
		if len(body) > 2048 {
			body = body[:2048] + "..."
		}
		if !showSecrets {
			body = redact.Text(body)
		}
		b.WriteString(" --data-raw " + shell.Quote(body))
	}
	return b.String()
}

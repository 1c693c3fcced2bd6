package lab

import (
	"html/template"
	"net/http"
)

var indexTmpl = template.Must(template.New("index").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>corsdoctor lab</title>
<style>
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}
th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top;font-size:.92rem}
code{background:#f4f4f4;padding:0 .2rem}
.blocked{color:#b00020}.allowed{color:#1b5e20}
small{color:#666}
</style></head><body>
<h1>corsdoctor lab</h1>
<p>An API that fails in every way browsers see in the field, plus correctly configured
endpoints for contrast. Responses imitate the platform named in each row (API Gateway,
FastAPI, Django, Express, nginx, CloudFront), so corsdoctor detects the platform and gives
that platform's fix.</p>
<p>Diagnose one endpoint: <code>corsdoctor check {{.Base}}/aws/rest/proxy-no-headers --origin http://localhost:5173 -X PUT -H 'Content-Type: application/json'</code><br>
All of them: <code>corsdoctor demo</code></p>
{{range .Groups}}<h2>{{.Name}}</h2>
<table><tr><th>Endpoint</th><th>Request from the page</th><th>Reproduces</th><th>Browser</th><th>Expected diagnosis</th></tr>
{{range .Cases}}<tr>
<td><a href="{{.Path}}"><code>{{.Path}}</code></a><br><small>{{.Platform}}</small></td>
<td><code>{{.Method}}</code>{{range .Headers}}<br><code>{{.}}</code>{{end}}{{if .Credentials}}<br>credentials: include{{end}}{{range .Expose}}<br>reads {{.}}{{end}}<br><small>from {{.Origin}}</small></td>
<td><b>{{.Title}}</b><br>{{.Description}}{{if .RealWorld}}<br><small>Seen in: {{.RealWorld}}</small>{{end}}<br><small><code>{{.Command}}</code></small></td>
<td class="{{if eq .Verdict "BLOCKED"}}blocked{{else}}allowed{{end}}">{{.Verdict}}</td>
<td>{{if .Rule}}{{.Rule}}{{else}}none{{end}}</td>
</tr>{{end}}</table>
{{end}}</body></html>
`))

type group struct {
	Name  string
	Cases []indexCase
}

type indexCase struct {
	Case
	Command string
}

func index(w http.ResponseWriter, r *http.Request) {
	var groups []group
	for _, c := range catalogue {
		if n := len(groups); n == 0 || groups[n-1].Name != c.Group {
			groups = append(groups, group{Name: c.Group})
		}
		groups[len(groups)-1].Cases = append(groups[len(groups)-1].Cases, indexCase{c, c.CheckCommand("http://" + r.Host)})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = indexTmpl.Execute(w, struct {
		Base   string
		Groups []group
	}{"http://" + r.Host, groups})
}

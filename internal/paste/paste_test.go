package paste

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/corsdoctor/corsdoctor/cors"
)

func hdrs(kv ...string) []cors.Header {
	var out []cors.Header
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, cors.Header{Name: kv[i], Value: kv[i+1]})
	}
	return out
}

// parseCases are pastes with what they must give. Sources: the DevTools
// front-end's own tests of "Copy as cURL" (ChromeDevTools/devtools-frontend
// front_end/panels/network/NetworkLogView.test.ts at
// 039eaf720d1e7a35af587e0776eaff1650bb8150: the expected strings for the
// unix and win platforms), older Chromium and Firefox formats (the
// generators in NetworkLogView.ts at 0149ea0c7567de0d63f8f4b66e07040de0519733
// and Firefox 153's devtools/client/shared/curl.js), and commands written
// by hand.
var parseCases = []struct {
	desc   string
	in     string
	format Format
	method string
	url    string
	hs     []cors.Header
	body   string
	origin string
	mode   cors.Mode
	cred   cors.Credentials
	cookie string
}{
	{desc: "devtools test: header without value (unix)", in: "curl 'http://localhost' \\\n  -H 'header-with-value: some value' \\\n  -H 'no-value-header;'",
		format: CurlBash, method: "GET", url: "http://localhost", hs: hdrs("header-with-value", "some value", "no-value-header", "")},
	{desc: "devtools test: cookie with quotes (unix)", in: `curl 'http://localhost' -b 'eva="Sg4="'`,
		format: CurlBash, method: "GET", url: "http://localhost", cookie: `eva="Sg4="`, cred: cors.CredentialsInclude},
	{desc: "devtools test: cookie with quotes (win)", in: `curl ^"http://localhost^" -b ^"eva=^\^"Sg4=^\^"^"`,
		format: CurlCmd, method: "GET", url: "http://localhost", cookie: `eva="Sg4="`, cred: cors.CredentialsInclude},
	{desc: "devtools test: cookie with percent signs (win)", in: `curl ^"http://localhost^" -b ^"eva=^%^22Sg4^%^3D^%^22^"`,
		format: CurlCmd, method: "GET", url: "http://localhost", cookie: `eva=%22Sg4%3D%22`, cred: cors.CredentialsInclude},
	{desc: "devtools test: newline and ampersand (unix)", in: `curl 'http://localhost' -b $'query=evil\n\n & cmd /c calc.exe \n\n'`,
		format: CurlBash, method: "GET", url: "http://localhost", cookie: "query=evil\n\n & cmd /c calc.exe", cred: cors.CredentialsInclude},
	{desc: "devtools test: newline and ampersand (win)", in: "curl ^\"http://localhost^\" -b ^\"query=evil^\n\n^\n\n ^& cmd /c calc.exe ^\n\n^\n\n^\"",
		format: CurlCmd, method: "GET", url: "http://localhost", cookie: "query=evil\n\n & cmd /c calc.exe", cred: cors.CredentialsInclude},
	{desc: "older Chromium: URL first, --compressed, plain quotes on cmd", in: "curl \"https://api.example.com/a\" -H \"Origin: https://app.example.com\" -H \"X-Token: 1\" --compressed",
		format: CurlBash, method: "GET", url: "https://api.example.com/a", hs: hdrs("X-Token", "1"), origin: "https://app.example.com"},
	{desc: "Firefox on Windows: curl.exe", in: "curl.exe ^\"https://api.example.com/a^\" ^\n  -X POST ^\n  -H ^\"Origin: https://app.example.com^\" ^\n  --data-raw ^\"^{^\\^\"a^\\^\":1^}^\"",
		format: CurlCmd, method: "POST", url: "https://api.example.com/a", body: `{"a":1}`, origin: "https://app.example.com"},
	{desc: "ANSI-C escapes: \\xHH, \\uHHHH, octal, \\' and !", in: `curl 'https://a.example/x' --data-raw $'it\'s\u0021 \x41\101\n'`,
		format: CurlBash, method: "POST", url: "https://a.example/x", body: "it's! AA\n"},
	{desc: "double quotes keep \\$ \\\" \\\\ escapes, backslash elsewhere literal", in: `curl "https://a.example/x" -d "a=\$1&b=\"q\"&c=\\&d=\n"`,
		format: CurlBash, method: "POST", url: "https://a.example/x", body: `a=$1&b="q"&c=\&d=\n`},
	{desc: "combined short options and attached arguments", in: `curl -sSLk -XPUT -H'Content-Type: application/json' https://a.example/x -d'{}'`,
		format: CurlBash, method: "PUT", url: "https://a.example/x", hs: hdrs("Content-Type", "application/json"), body: "{}"},
	{desc: "several -d joined with &", in: `curl https://a.example/x -d a=1 -d b=2`,
		format: CurlBash, method: "POST", url: "https://a.example/x", body: "a=1&b=2"},
	{desc: "-G moves the data into the query", in: `curl -G https://a.example/x?z=0 -d a=1 --data-urlencode 'q=a b'`,
		format: CurlBash, method: "GET", url: "https://a.example/x?z=0&a=1&q=a+b"},
	{desc: "-I is HEAD; -u is Basic authorization", in: `curl -I -u ann:pw https://a.example/x`,
		format: CurlBash, method: "HEAD", url: "https://a.example/x", hs: hdrs("Authorization", "Basic YW5uOnB3")},
	{desc: "--json sets Content-Type and Accept", in: `curl --json '{"a":1}' https://a.example/x`,
		format: CurlBash, method: "POST", url: "https://a.example/x", hs: hdrs("Content-Type", "application/json", "Accept", "application/json"), body: `{"a":1}`},
	{desc: "DevTools escapes brackets for curl's globbing", in: `curl 'https://a.example/x?a\[0\]=1&b\{c\}'`,
		format: CurlBash, method: "GET", url: "https://a.example/x?a[0]=1&b{c}"},
	{desc: "--globoff keeps backslashes", in: `curl -g 'https://a.example/x?a\[0\]=1'`,
		format: CurlBash, method: "GET", url: `https://a.example/x?a\[0\]=1`},
	{desc: "-H 'Name:' removes a curl header: nothing sent", in: `curl https://a.example/x -H 'Accept:' -H 'X-A: 1'`,
		format: CurlBash, method: "GET", url: "https://a.example/x", hs: hdrs("X-A", "1")},
	{desc: "no scheme: http, as curl", in: `curl api.example.com/x -H 'Origin: https://app.example.com'`,
		format: CurlBash, method: "GET", url: "http://api.example.com/x", origin: "https://app.example.com"},
	{desc: "comment lines and CRLF continuations", in: "# copied from DevTools\r\ncurl 'https://a.example/x' \\\r\n  -H 'X-A: 1'",
		format: CurlBash, method: "GET", url: "https://a.example/x", hs: hdrs("X-A", "1")},
	{desc: "-e sets the Referer: the page origin", in: `curl https://a.example/x -e 'https://app.example.com/page?x=1;auto'`,
		format: CurlBash, method: "GET", url: "https://a.example/x", origin: "https://app.example.com"},
	{desc: "Sec-Fetch-Mode gives the mode", in: `curl https://a.example/x -H 'Origin: https://app.example.com' -H 'Sec-Fetch-Mode: no-cors'`,
		format: CurlBash, method: "GET", url: "https://a.example/x", origin: "https://app.example.com", mode: cors.ModeNoCORS},
	{desc: "Origin: null", in: `curl https://a.example/x -H 'Origin: null'`,
		format: CurlBash, method: "GET", url: "https://a.example/x", origin: "null"},

	{desc: "PowerShell: $([char]N), backtick escapes, Invoke-RestMethod", in: "Invoke-RestMethod -Uri \"https://a.example/x\" `\n-Method \"POST\" `\n-Headers @{\n\"X-A\"=\"v`\"1`\"\"\n  \"Origin\"=\"https://app.example.com\"\n} `\n-ContentType \"text/plain\" `\n-Body \"caf$([char]233) `$5\"",
		format: PowerShell, method: "POST", url: "https://a.example/x", hs: hdrs("X-A", `v"1"`, "Content-Type", "text/plain"), body: "café $5", origin: "https://app.example.com"},
	{desc: "PowerShell: single-quoted strings, positional URI, session cookies", in: "$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession\n$session.Cookies.Add((New-Object System.Net.Cookie(\"sid\", \"a1\", \"/\", \"a.example\")))\n$session.Cookies.Add((New-Object System.Net.Cookie(\"b\", \"2\", \"/\", \"a.example\")))\niwr 'https://a.example/x?it''s' -WebSession $session -Headers @{'Referer'='https://app.example.com/p'}",
		format: PowerShell, method: "GET", url: "https://a.example/x?it's", origin: "https://app.example.com", cookie: "sid=a1; b=2", cred: cors.CredentialsInclude},

	{desc: "fetch typed by hand: single quotes, unquoted keys, trailing commas, comments, await, .then", in: "await fetch('https://a.example/x', {\n  method: 'PATCH', // update\n  headers: {'Content-Type': 'application/json', Authorization: `Bearer t`,},\n  body: JSON.stringify({a: [1, 'two', null, true]}),\n  mode: 'cors', credentials: 'include', referrer: 'https://app.example.com/p',\n}).then(r => r.json());",
		format: Fetch, method: "PATCH", url: "https://a.example/x", hs: hdrs("Content-Type", "application/json", "Authorization", "Bearer t"), body: `{"a":[1,"two",null,true]}`, origin: "https://app.example.com", mode: cors.ModeCORS, cred: cors.CredentialsInclude},
	{desc: "fetch: headers as new Headers([[name, value]]), \\u escapes", in: `fetch("https://a.example/x", {headers: new Headers([["X-A", "caf\u00e9 \ud83d\ude00"]]), credentials: "omit", referrer: "https://app.example.com/"})`,
		format: Fetch, method: "GET", url: "https://a.example/x", hs: hdrs("X-A", "café 😀"), origin: "https://app.example.com", cred: cors.CredentialsOmit},
	{desc: "fetch: a body expression is a simple body", in: `fetch("https://a.example/x", {method: "POST", body: form, mode: "no-cors", referrer: "https://app.example.com/"})`,
		format: Fetch, method: "POST", url: "https://a.example/x", origin: "https://app.example.com", mode: cors.ModeNoCORS},
	{desc: "fetch (Node.js): cookie and Referer headers, Referrer-Policy dropped", in: "fetch(\"https://a.example/x\", {\n  \"headers\": {\n    \"x-a\": \"1\",\n    \"cookie\": \"sid=1\",\n    \"Referer\": \"https://app.example.com/\",\n    \"Referrer-Policy\": \"strict-origin-when-cross-origin\"\n  },\n  \"body\": null,\n  \"method\": \"GET\"\n});",
		format: FetchNode, method: "GET", url: "https://a.example/x", hs: hdrs("x-a", "1"), origin: "https://app.example.com", cookie: "sid=1", cred: cors.CredentialsInclude},
	{desc: "fetch: a header value expression that does not change safelisting", in: `fetch("https://a.example/x", {headers: {Authorization: "Bearer " + token}, referrer: "https://app.example.com/"})`,
		format: Fetch, method: "GET", url: "https://a.example/x", hs: hdrs("Authorization", ""), origin: "https://app.example.com"},
}

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range parseCases {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			r, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if r.Format != tc.format || r.Method != tc.method || r.URL != tc.url {
				t.Errorf("got %s %s %s, want %s %s %s", r.Format, r.Method, r.URL, tc.format, tc.method, tc.url)
			}
			if diff := cmp.Diff(tc.hs, r.Headers); diff != "" {
				t.Errorf("page headers (-want +got):\n%s", diff)
			}
			if tc.body != "" && string(r.Body) != tc.body {
				t.Errorf("body %q, want %q", r.Body, tc.body)
			}
			if r.Origin != tc.origin || r.Mode != tc.mode || r.Credentials != tc.cred || r.Cookie != tc.cookie {
				t.Errorf("origin %q mode %q credentials %q cookie %q; want %q %q %q %q", r.Origin, r.Mode, r.Credentials, r.Cookie, tc.origin, tc.mode, tc.cred, tc.cookie)
			}
			for _, n := range r.Notes {
				for _, h := range append(r.Headers, r.Browser...) {
					if len(h.Value) > 5 && strings.Contains(n, h.Value) && !strings.Contains(h.Value, "://") {
						t.Errorf("note %q carries the value of header %s", n, h.Name)
					}
				}
			}
		})
	}
}

func TestParseMultipart(t *testing.T) {
	r, err := Parse(`curl https://a.example/x -F a=1 -F 'b=two words'`)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Headers) != 1 || !strings.HasPrefix(r.Headers[0].Value, "multipart/form-data; boundary=") {
		t.Fatalf("headers %v", r.Headers)
	}
	if !strings.Contains(string(r.Body), "two words") || !strings.Contains(string(r.Body), `name="a"`) {
		t.Errorf("body %q", r.Body)
	}
	req := r.CORS()
	req.Origin = "https://app.example.com"
	if p := cors.PlanRequest(&req); p.Required {
		t.Errorf("multipart POST needs no preflight, got %+v", p)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{"wget https://a.example/", "not a curl command"},
		{"curl", "no URL"},
		{"curl https://a.example/ https://b.example/", "2 URLs"},
		{"curl 'https://a.example/' ;\ncurl 'https://b.example/'", "2 commands"},
		{"curl 'https://a.example/", "unterminated single quote"},
		{`curl "https://a.example/`, "unterminated double quote"},
		{`curl $'https://a.example/`, "unterminated $'...'"},
		{"curl https://a.example/ --frobnicate", `"--frobnicate" is not supported`},
		{"curl https://a.example/ -Z", `"-Z" is not supported`},
		{"curl https://a.example/ -d @/etc/passwd", "reads the body from a file"},
		{"curl https://a.example/ --data-binary @body.json", "reads the body from a file"},
		{"curl https://a.example/ -b cookies.txt", "reads a cookie file"},
		{"curl https://a.example/ -K cfg", "reads a config file"},
		{"curl https://a.example/ -T f", "uploads a file"},
		{"curl https://a.example/ -H @headers.txt", "reads headers from a file"},
		{"curl https://a.example/ -F f=@x.png", "reads a file"},
		{"curl https://a.example/ -H 'bad header'", "without a colon"},
		{"curl https://a.example/ -H 'b@d: 1'", "invalid header name"},
		{"curl https://a.example/ -X", "needs an argument"},
		{"curl ftp://a.example/", "unsupported URL scheme"},
		{"curl https://a.example/ -H 'Sec-Fetch-Mode: navigate'", "navigate request"},
		{"curl https://a.example/ -H 'Origin: https://app.example.com/path'", "not an origin"},
		{"curl ^\"https://a.example/^\" -H \"X", "unterminated double quote"},
		{"Invoke-WebRequest -Uri \"https://a.example/$token\"", "variable"},
		{"Invoke-WebRequest -Uri \"https://a.example/\" -InFile body.json", "reads the body from a file"},
		{"Invoke-WebRequest -Uri \"https://a.example/\" -Frob 1", `"-Frob" is not supported`},
		{"Invoke-WebRequest -Method GET", "without -Uri"},
		{"$session = New-Object Microsoft.PowerShell.Commands.WebRequestSession", "no Invoke-WebRequest"},
		{"Invoke-WebRequest -Uri \"https://a.example/\"\nInvoke-WebRequest -Uri \"https://b.example/\"", "several requests"},
		{"Invoke-WebRequest -Uri \"https://a.example/\" -Headers @{\"a\"=\"1\"", "missing }"},
		{`fetch(url)`, "string literal"},
		{`fetch("https://a.example/", {method: "GET"`, "expected ',' or '}'"},
		{`fetch("https://a.example/", {method: "GET"}`, `expected ")"`},
		{`fetch("https://a.example/", {"method": "GET",, })`, "expected a key"},
		{`fetch("https://a.example/", {headers: {"Content-Type": ct}})`, "depends on the value"},
		{`fetch("https://a.example/", {mode: "navigate"})`, "navigate"},
		{`fetch("https://a.example/", {credentials: "all"})`, "unknown credentials"},
		{`fetch("https://a.example/", {method: "OPTIONS"})`, "preflight"},
		{`fetch("https://a.example/") ;` + "\n" + `fetch("https://b.example/")`, "several fetch() calls"},
		{`fetch("https://a.example/", {body: "x` + "\n" + `"})`, "line 1, column 38: line break in a string"},
		{`fetch("https://a.example/", ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `)`, "nested deeper"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestBrowserHeaders checks the sorting of pasted headers into the page's
// and the browser's, the rules of browserHeader.
func TestBrowserHeaders(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		desc string
		hs   []string // -H arguments
		page []string // names kept as the page's
	}{
		{"forbidden and browser-added", []string{"User-Agent: x", "Accept-Encoding: gzip", "sec-ch-ua: \"x\"", "sec-fetch-site: cross-site", "Accept-Language: en", "Priority: u=1, i", "X-Client-Data: abc", "DPR: 2", "Connection: keep-alive", "X-A: 1"}, []string{"X-A"}},
		{"Accept: */* is the default; another Accept is the page's", []string{"Accept: */*"}, nil},
		{"Accept set by the page", []string{"Accept: application/json"}, []string{"Accept"}},
		{"Disable cache pair", []string{"Cache-Control: no-cache", "Pragma: no-cache"}, nil},
		{"Cache-Control alone is the page's", []string{"Cache-Control: no-cache"}, []string{"Cache-Control"}},
		{"max-age=0 alone: a validating reload", []string{"Cache-Control: max-age=0"}, nil},
		{"revalidation", []string{"If-None-Match: \"e1\"", "If-Modified-Since: Tue, 01 Jan 2030 00:00:00 GMT"}, nil},
		{"content headers stay the page's", []string{"Content-Type: text/plain", "Content-Language: en", "Range: bytes=0-1", "Authorization: Bearer x"}, []string{"Content-Type", "Content-Language", "Range", "Authorization"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			t.Parallel()
			cmd := "curl https://a.example/x -H 'Origin: https://app.example.com'"
			for _, h := range tc.hs {
				cmd += " -H '" + strings.ReplaceAll(h, "'", `'\''`) + "'"
			}
			r, err := Parse(cmd)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range r.Headers {
				got = append(got, h.Name)
			}
			if diff := cmp.Diff(tc.page, got); diff != "" {
				t.Errorf("page headers (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPasteIsNotExecuted: quoting must never expand or run anything.
func TestPasteIsNotExecuted(t *testing.T) {
	r, err := Parse(`curl "https://a.example/$(touch /tmp/pwned)" -H "X-A: ` + "`id`" + `" -H 'X-B: $HOME'`)
	if err != nil {
		t.Fatal(err)
	}
	if r.URL != "https://a.example/$(touch /tmp/pwned)" || r.Headers[0].Value != "`id`" || r.Headers[1].Value != "$HOME" {
		t.Errorf("got %s %v", r.URL, r.Headers)
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.in)
	}
	for _, dir := range []string{"chromium", "firefox"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
		for _, file := range files {
			if b, err := os.ReadFile(file); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if (r == nil) == (err == nil) {
			t.Fatalf("Parse returned %v and %v", r, err)
		}
		if err != nil {
			return
		}
		if u := strings.ToLower(r.URL); !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			t.Errorf("URL %q", r.URL)
		}
		for _, h := range r.Headers {
			if !cors.IsToken(h.Name) {
				t.Errorf("header name %q", h.Name)
			}
		}
		if r.Method == "" {
			t.Error("empty method")
		}
	})
}

// TestErrorsDoNotEchoData: a mistaken paste may be a token; errors name
// what is wrong without quoting pasted data.
func TestErrorsDoNotEchoData(t *testing.T) {
	t.Parallel()
	const secret = "eyJhbGciOiJIUzI1NiJ9.s3cr3t"
	for _, in := range []string{
		secret,
		"Bearer " + secret,
		`"` + secret + `"` + "\nInvoke-WebRequest -Uri \"https://a.example/\"",
		`fetch("https://a.example/", {method: "PUT", body: "a" + "` + secret + `" + x, headers: {"Content-Type": "` + secret + `" + y}})`,
	} {
		r, err := Parse(in)
		msg := ""
		if err != nil {
			msg = err.Error()
		} else {
			msg = strings.Join(r.Notes, "\n")
		}
		if strings.Contains(msg, "s3cr3t") {
			t.Errorf("Parse(%q) echoes the data: %s", in, msg)
		}
	}
}

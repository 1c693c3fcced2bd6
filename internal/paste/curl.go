package paste

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"path"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
)

// curlArgOpts are the curl options that take an argument and that a paste
// may carry; curlIgnored those of them that do not change the request.
var (
	curlLongArg = map[string]bool{
		"--request": true, "--header": true, "--data": true, "--data-raw": true, "--data-binary": true,
		"--data-ascii": true, "--data-urlencode": true, "--json": true, "--cookie": true, "--user-agent": true,
		"--referer": true, "--user": true, "--url": true, "--form": true, "--form-string": true, "--range": true,
		"--oauth2-bearer": true,
		// argument ignored: output, timing, TLS and connection details
		"--output": true, "--max-time": true, "--connect-timeout": true, "--retry": true, "--retry-delay": true,
		"--retry-max-time": true, "--write-out": true, "--cacert": true, "--capath": true, "--cert": true,
		"--key": true, "--cert-type": true, "--key-type": true, "--proxy": true, "--resolve": true,
		"--connect-to": true, "--cookie-jar": true, "--limit-rate": true, "--max-redirs": true,
		"--interface": true, "--dns-servers": true, "--proto": true, "--proto-redir": true, "--tls-max": true,
		"--ciphers": true, "--noproxy": true, "--trace": true, "--trace-ascii": true, "--stderr": true,
		"--dump-header": true, "--speed-limit": true, "--speed-time": true, "--expect100-timeout": true,
		"--keepalive-time": true, "--local-port": true, "--proxy-user": true, "--preproxy": true,
	}
	curlLongFlag = map[string]bool{
		"--head": true, "--get": true, "--insecure": true, "--globoff": true, "--compressed": true,
		"--include": true, "--silent": true, "--show-error": true, "--location": true, "--verbose": true,
		"--fail": true, "--fail-with-body": true, "--no-buffer": true, "--progress-bar": true,
		"--location-trusted": true, "--no-keepalive": true, "--tr-encoding": true, "--raw": true,
		"--ipv4": true, "--ipv6": true, "--path-as-is": true, "--ssl-no-revoke": true,
		"--junk-session-cookies": true, "--http1.0": true, "--http1.1": true, "--http2": true,
		"--http2-prior-knowledge": true, "--http3": true, "--http3-only": true, "--remote-name": true,
		"--remote-header-name": true, "--remote-time": true, "--anyauth": true, "--basic": true,
		"--digest": true, "--ntlm": true, "--negotiate": true, "--disable": true, "--tcp-nodelay": true,
		"--no-progress-meter": true, "--styled-output": true, "--no-styled-output": true,
		"--no-sessionid": true, "--no-alpn": true, "--no-npn": true, "--tlsv1.2": true, "--tlsv1.3": true,
		"--ssl": true, "--ssl-reqd": true, "--create-dirs": true, "--xattr": true, "--suppress-connect-headers": true,
	}
	// short option letter -> long name
	curlShort = map[byte]string{
		'X': "--request", 'H': "--header", 'd': "--data", 'b': "--cookie", 'A': "--user-agent",
		'e': "--referer", 'u': "--user", 'F': "--form", 'r': "--range", 'o': "--output",
		'm': "--max-time", 'w': "--write-out", 'x': "--proxy", 'c': "--cookie-jar", 'E': "--cert",
		'U': "--proxy-user", 'Y': "--speed-limit", 'y': "--speed-time", 'D': "--dump-header",
		'I': "--head", 'G': "--get", 'k': "--insecure", 'g': "--globoff", 'i': "--include",
		's': "--silent", 'S': "--show-error", 'L': "--location", 'v': "--verbose", 'f': "--fail",
		'N': "--no-buffer", '#': "--progress-bar", '4': "--ipv4", '6': "--ipv6", 'O': "--remote-name",
		'J': "--remote-header-name", 'R': "--remote-time", 'j': "--junk-session-cookies", 'q': "--disable",
		'0': "--http1.0",
	}
	// options whose argument would make corsdoctor read a file or run
	// something: refused in a paste.
	curlRefused = map[string]string{
		"--config": "reads a config file", "--upload-file": "uploads a file", "--netrc": "reads ~/.netrc",
		"--netrc-file": "reads a netrc file", "--variable": "reads variables", "--expand-url": "expands variables",
		"--next": "starts another request",
	}
	curlShortRefused = map[byte]string{'K': "--config", 'T': "--upload-file", 'n': "--netrc", ':': "--next"}
)

// parseCurl reads a curl command line: "Copy as cURL (bash)" (Chromium:
// `curl --url 'URL'` since Chromium 130 or so, `curl 'URL'` before;
// ANSI-C $'...' quoting for control characters, ' and !), "Copy as cURL
// (cmd)" (^-escaped for cmd.exe, then quoted for the C runtime) and
// Firefox's "Copy as cURL" (POSIX, or "curl.exe" with cmd quoting on
// Windows), or a curl command someone wrote. Options that read files
// (-d @file, -b file, -K, -T) are refused: a paste is data.
func parseCurl(text string, f Format) (*Request, error) {
	var cmds [][]string
	var err error
	if f == CurlCmd {
		cmds, err = splitCmd(text)
	} else {
		cmds, err = splitPOSIX(text)
	}
	if err != nil {
		return nil, errorf(f, "%v", err)
	}
	if len(cmds) == 0 {
		return nil, ErrEmpty
	}
	if len(cmds) > 1 {
		return nil, errorf(f, "the paste holds %d commands (Copy all as cURL?); copy one request", len(cmds))
	}
	args := cmds[0]
	if base := strings.ToLower(path.Base(strings.ReplaceAll(args[0], `\`, "/"))); base != "curl" && base != "curl.exe" {
		return nil, errorf(f, "the command is %q, not curl", clip(args[0], 20))
	}
	r := &Request{Format: f}
	var (
		rawURL, method    string
		urls              int
		data              []string
		dataSet, get      bool
		head, globoff     bool
		form              []string
		jsonData          bool
		userAgent, refURL string
	)
	setURL := func(v string) {
		urls++
		rawURL = v
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		var opt, val string
		hasVal := false
		switch {
		case a == "--":
			for _, rest := range args[i+1:] {
				setURL(rest)
			}
			i = len(args)
			continue
		case strings.HasPrefix(a, "--"):
			opt = a
			if why, ok := curlRefused[opt]; ok {
				return nil, errorf(f, "curl option %s %s: not supported in a paste", opt, why)
			}
			if curlLongFlag[opt] {
				break
			}
			if !curlLongArg[opt] {
				if strings.HasPrefix(opt, "--no-") && curlLongFlag["--"+opt[5:]] {
					opt = ""
					break
				}
				return nil, errorf(f, "curl option %q is not supported (argument %d)", clip(opt, 40), i)
			}
			if i+1 >= len(args) {
				return nil, errorf(f, "curl option %s needs an argument", opt)
			}
			i++
			val, hasVal = args[i], true
		case strings.HasPrefix(a, "-") && len(a) > 1:
			// Short options, possibly combined (-sSL) or with the
			// argument attached (-XPUT).
			for j := 1; j < len(a); j++ {
				c := a[j]
				if long, ok := curlShortRefused[c]; ok {
					return nil, errorf(f, "curl option -%c (%s) %s: not supported in a paste", c, long, curlRefused[long])
				}
				long, ok := curlShort[c]
				if !ok {
					return nil, errorf(f, "curl option %q is not supported (argument %d)", "-"+string(rune(c)), i)
				}
				if curlLongFlag[long] {
					if err := r.curlFlag(long, &head, &get, &globoff); err != nil {
						return nil, err
					}
					continue
				}
				opt = long
				if j+1 < len(a) {
					val, hasVal = a[j+1:], true
				} else if i+1 < len(args) {
					i++
					val, hasVal = args[i], true
				} else {
					return nil, errorf(f, "curl option -%c needs an argument", c)
				}
				break
			}
			if !hasVal {
				continue
			}
		default:
			setURL(a)
			continue
		}
		if !hasVal {
			if opt != "" {
				if err := r.curlFlag(opt, &head, &get, &globoff); err != nil {
					return nil, err
				}
			}
			continue
		}
		switch opt {
		case "--request":
			method = val
		case "--url":
			setURL(val)
		case "--header":
			if strings.HasPrefix(val, "@") {
				return nil, errorf(f, "curl -H @file reads headers from a file: not supported in a paste")
			}
			if err := r.curlHeader(val); err != nil {
				return nil, err
			}
		case "--data", "--data-ascii", "--data-binary", "--json":
			if strings.HasPrefix(val, "@") {
				return nil, errorf(f, "curl %s @file reads the body from a file: not supported in a paste (give the body with corsdoctor's --data @FILE)", opt)
			}
			data, dataSet = append(data, val), true
			jsonData = jsonData || opt == "--json"
		case "--data-raw":
			data, dataSet = append(data, val), true
		case "--data-urlencode":
			name, content, hasEq := strings.Cut(val, "=")
			if !hasEq {
				if strings.Contains(val, "@") {
					return nil, errorf(f, "curl --data-urlencode with @file reads a file: not supported in a paste")
				}
				content, name = val, ""
			}
			enc := url.QueryEscape(content)
			if name != "" {
				enc = name + "=" + enc
			}
			data, dataSet = append(data, enc), true
		case "--form", "--form-string":
			if opt == "--form" && strings.ContainsAny(val, "@<") {
				if _, v, _ := strings.Cut(val, "="); strings.HasPrefix(v, "@") || strings.HasPrefix(v, "<") {
					return nil, errorf(f, "curl -F with @file or <file reads a file: not supported in a paste")
				}
			}
			form = append(form, val)
		case "--cookie":
			if !strings.Contains(val, "=") {
				return nil, errorf(f, "curl -b without '=' reads a cookie file: not supported in a paste (give the cookie as -b 'name=value')")
			}
			r.Headers = append(r.Headers, cors.Header{Name: "Cookie", Value: val})
		case "--user-agent":
			userAgent = val
		case "--referer":
			refURL, _, _ = strings.Cut(val, ";auto")
		case "--user":
			r.Headers = append(r.Headers, cors.Header{Name: "Authorization", Value: "Basic " + base64.StdEncoding.EncodeToString([]byte(val))})
		case "--oauth2-bearer":
			r.Headers = append(r.Headers, cors.Header{Name: "Authorization", Value: "Bearer " + val})
		case "--range":
			r.Headers = append(r.Headers, cors.Header{Name: "Range", Value: "bytes=" + val})
		}
	}
	switch {
	case urls == 0:
		return nil, errorf(f, "no URL in the curl command")
	case urls > 1:
		return nil, errorf(f, "the curl command has %d URLs; paste one request", urls)
	}
	if !globoff {
		// curl globs [] and {}; DevTools escapes them with a backslash.
		rawURL = strings.NewReplacer(`\[`, "[", `\]`, "]", `\{`, "{", `\}`, "}").Replace(rawURL)
	}
	if !strings.Contains(rawURL, "://") {
		rawURL = "http://" + rawURL
		r.note("the URL has no scheme: read as http://, as curl does")
	}
	r.URL = rawURL
	if userAgent != "" {
		r.Headers = append(r.Headers, cors.Header{Name: "User-Agent", Value: userAgent})
	}
	if refURL != "" {
		r.Headers = append(r.Headers, cors.Header{Name: "Referer", Value: refURL})
	}
	if jsonData {
		r.setDefaultHeader("Content-Type", "application/json")
		r.setDefaultHeader("Accept", "application/json")
	}
	if len(form) > 0 {
		if dataSet {
			return nil, errorf(f, "curl -F and -d cannot be combined")
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for _, fv := range form {
			name, v, _ := strings.Cut(fv, "=")
			if err := mw.WriteField(name, v); err != nil {
				return nil, errorf(f, "-F: %v", err)
			}
		}
		mw.Close()
		r.Body, r.HasBody = buf.Bytes(), true
		r.setDefaultHeader("Content-Type", mw.FormDataContentType())
	}
	if dataSet {
		body := strings.Join(data, "&")
		if get {
			sep := "?"
			if strings.Contains(r.URL, "?") {
				sep = "&"
			}
			r.URL += sep + body
		} else {
			r.Body, r.HasBody = []byte(body), true
		}
	}
	switch {
	case method != "":
		r.Method = method
	case head:
		r.Method = "HEAD"
	case get:
		r.Method = "GET"
	case r.HasBody:
		r.Method = "POST"
	default:
		r.Method = "GET"
	}
	return r, nil
}

func (r *Request) curlFlag(long string, head, get, globoff *bool) error {
	switch long {
	case "--head":
		*head = true
	case "--get":
		*get = true
	case "--globoff":
		*globoff = true
	case "--insecure":
		r.Insecure = true
	}
	return nil
}

// curlHeader adds one -H argument: "Name: value"; "Name;" sends the header
// empty; "Name:" alone removes a header curl would add (nothing to do).
func (r *Request) curlHeader(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok {
		if n, ok := strings.CutSuffix(strings.TrimSpace(v), ";"); ok && validName(n) {
			r.Headers = append(r.Headers, cors.Header{Name: n})
			return nil
		}
		return errorf(r.Format, "header argument without a colon (want -H 'Name: value')")
	}
	name = strings.TrimSpace(name)
	if !validName(name) {
		return errorf(r.Format, "invalid header name %q", clip(name, 40))
	}
	value = strings.TrimSpace(value)
	if value == "" {
		return nil
	}
	r.Headers = append(r.Headers, cors.Header{Name: name, Value: value})
	return nil
}

// setDefaultHeader adds name unless the request has it already.
func (r *Request) setDefaultHeader(name, value string) {
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			return
		}
	}
	r.Headers = append(r.Headers, cors.Header{Name: textproto.CanonicalMIMEHeaderKey(name), Value: value})
}

func validName(s string) bool { return cors.IsToken(s) }

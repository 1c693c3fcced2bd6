package report

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/corsdoctor/corsdoctor/cors"
)

// Sequence diagram: page -> browser -> server, laid out here and drawn by
// the template as inline SVG (no library: a handful of lines, boxes and
// texts, and the output stays small and deterministic).

type diagram struct {
	ID            string
	Width, Height int
	Title, Desc   string
	Lanes         []lane
	LifeTop       int
	Msgs          []dmsg
	Notes         []dnote
}

type lane struct {
	X, BoxX    int
	Label, Sub string
}

type dmsg struct {
	X1, X2, Y  int
	LX         int // label centre
	Label, Sub string
	Class      string
	Head       string // polygon points of the arrowhead
}

type dnote struct {
	X, Y, W, H int
	Title      string
	Fail       bool
	Lines      []dline
}

type dline struct {
	X, Y  int
	Text  string
	Class string
}

const (
	laneW  = 200
	xPage  = 110
	xBrows = 390
	xServ  = 670
	dWidth = 780
)

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return strconv.Itoa(code)
}

func buildDiagram(hr *htmlResult) *diagram {
	r := hr.R
	d := &diagram{ID: hr.Anchor + "-diagram", Width: dWidth}
	d.Lanes = []lane{
		{X: xPage, Label: "Page", Sub: shorten(r.Origin, 30)},
		{X: xBrows, Label: "Browser", Sub: engineLabel(r.Engine) + " CORS checks"},
		{X: xServ, Label: "Server", Sub: shorten(hostOf(r.URL), 30)},
	}
	for i := range d.Lanes {
		d.Lanes[i].BoxX = d.Lanes[i].X - laneW/2 + 20
	}
	y := 80
	d.LifeTop = 62
	msg := func(from, to int, label, sub, class string) {
		m := dmsg{X1: from, X2: to, Y: y, LX: (from + to) / 2, Label: shorten(label, 40), Sub: shorten(sub, 46), Class: class}
		dir := 1
		if to < from {
			dir = -1
		}
		m.Head = fmt.Sprintf("%d,%d %d,%d %d,%d", to, y, to-dir*9, y-5, to-dir*9, y+5)
		d.Msgs = append(d.Msgs, m)
		y += 50
	}
	note := func(title string, cs []check) {
		if len(cs) == 0 {
			return
		}
		n := dnote{X: xBrows - 200, W: 400, Y: y - 22, Title: title}
		ly := n.Y + 38
		for _, c := range cs {
			sym := "✓"
			switch c.State {
			case "fail":
				sym, n.Fail = "✗", true
			case "skip":
				sym = "–"
			}
			text := sym + " " + c.Name
			if c.State == "fail" {
				text += ": " + shortReason(c.c, hr.R)
			}
			n.Lines = append(n.Lines, dline{X: n.X + 12, Y: ly, Text: shorten(text, 56), Class: "c-" + c.State})
			ly += 18
		}
		n.H = ly - n.Y - 4
		d.Notes = append(d.Notes, n)
		y = n.Y + n.H + 44
	}
	path := pathOf(r.URL)
	msg(xPage, xBrows, r.Method+" "+shorten(path, 30), "fetch from "+r.Origin+", credentials "+r.Credentials, "m-req")
	if r.BlockedAt == "request" {
		note("Before sending", hr.ActualChecks)
	}
	if r.Preflight.Required {
		sub := "Access-Control-Request-Method: " + r.Preflight.RequestMethod
		if r.Preflight.RequestHeaders != "" {
			sub += "; -Headers: " + r.Preflight.RequestHeaders
		}
		msg(xBrows, xServ, "OPTIONS "+shorten(path, 30), sub, "m-req")
		if r.Preflight.Sent {
			cls := "m-ok"
			if r.BlockedAt == "preflight" {
				cls = "m-bad"
			}
			sub := ""
			if v, ok := hget(r.Preflight.Headers, cors.HeaderAllowOrigin); ok {
				sub = "Access-Control-Allow-Origin: " + v
			} else {
				sub = "no Access-Control-Allow-Origin"
			}
			msg(xServ, xBrows, statusText(r.Preflight.Status), sub, cls)
		} else {
			msg(xServ, xBrows, "no preflight response", "not observed", "m-skip")
		}
		note("Preflight checks", hr.PreflightChecks)
	}
	switch {
	case r.BlockedAt == "preflight" || r.BlockedAt == "request":
		msg(xBrows, xServ, r.Method+" "+shorten(path, 30), "not sent", "m-skip")
	default:
		msg(xBrows, xServ, r.Method+" "+shorten(path, 30), "Origin: "+r.Origin, "m-req")
		for _, red := range r.Actual.Redirects {
			msg(xServ, xBrows, "redirect", "Location: "+red, "m-req")
			msg(xBrows, xServ, r.Method+" "+shorten(pathOf(red), 30), hostOf(red), "m-req")
		}
		if r.Actual.Sent {
			cls := "m-ok"
			if r.BlockedAt == "actual" || r.BlockedAt == "redirect" {
				cls = "m-bad"
			}
			sub := "no Access-Control-Allow-Origin"
			if v, ok := hget(r.Actual.Headers, cors.HeaderAllowOrigin); ok {
				sub = "Access-Control-Allow-Origin: " + v
			}
			msg(xServ, xBrows, statusText(r.Actual.Status), sub, cls)
		} else {
			label := "no response"
			if r.Error != "" {
				label = "network error"
			}
			msg(xServ, xBrows, label, shorten(r.Error+r.Incomplete, 46), "m-skip")
		}
		if r.Actual.Sent || r.BlockedAt != "" {
			note("Response checks", hr.ActualChecks)
		}
	}
	switch Verdict(r) {
	case "ALLOWED":
		msg(xBrows, xPage, "response delivered", fmt.Sprintf("status %d readable by JavaScript", r.Actual.Status), "m-ok")
	case "BLOCKED":
		msg(xBrows, xPage, "TypeError: Failed to fetch", shorten(r.ChromiumError, 46), "m-bad")
	default:
		msg(xBrows, xPage, strings.ToLower(Verdict(r)), "", "m-skip")
	}
	d.Height = y - 10
	d.Title = "Sequence diagram: " + r.Method + " " + r.URL + " from " + r.Origin
	var desc []string
	for _, m := range d.Msgs {
		desc = append(desc, m.Label)
	}
	d.Desc = strings.Join(desc, "; then ")
	return d
}

package accesslog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/corsdoctor/corsdoctor/evidence"
)

// maxNames bounds the distinct methods, routes, origins and error types
// kept; beyond it values count as "(other)", so memory stays bounded
// whatever the input (a variable for tests).
var maxNames = 50_000

// maxBad is how many malformed lines are kept as examples.
const maxBad = 10

const other = "(other)"

type rkey struct{ m, r uint32 }

type skey struct {
	m, r, o uint32
	class   uint8
}

const (
	class4xx uint8 = iota
	class5xx
	classOther
)

var classNames = [...]string{"4xx", "5xx", "other"}

type routeAgg struct {
	total, client, server, other int64
	statuses                     statusCounts
	errTypes                     map[uint32]int64
	origins                      map[uint32]*evidence.Count
	firstOK, lastOK              int64
	firstErr, lastErr            int64
	firstErrAt                   evidence.Source
	okAfterErr, flips            int64
	last                         int8 // -1 nothing yet, 0 ok, 1 failed
	// hot-path caches: the last origin's counts, and this route's
	// counters of each deployment (a.deploys order)
	lastOrigin uint32
	lastCount  *evidence.Count
	deps       []*[2]evidence.Count
}

// statusCounts counts responses per status: a short list (a route sees a
// handful of statuses; lookups are a few compares, not a map access per
// line), a map beyond 16 statuses.
type statusCounts struct {
	list []statusCount
	more map[int]int64
}

type statusCount struct {
	status int
	n      int64
}

func (s *statusCounts) add(status int, n int64) {
	for i := range s.list {
		if s.list[i].status == status {
			s.list[i].n += n
			return
		}
	}
	if len(s.list) < 16 {
		s.list = append(s.list, statusCount{status, n})
		return
	}
	if s.more == nil {
		s.more = map[int]int64{}
	}
	s.more[status] += n
}

func (s *statusCounts) each(f func(status int, n int64)) {
	for _, c := range s.list {
		f(c.status, c.n)
	}
	for st, n := range s.more {
		f(st, n)
	}
}

func (s *statusCounts) asMap() map[int]int64 {
	m := make(map[int]int64, len(s.list)+len(s.more))
	s.each(func(st int, n int64) { m[st] += n })
	return m
}

type seriesAgg struct {
	count         int64
	started, last int64
	startedAt     evidence.Source
	minutes       map[int64]int64
}

type deployAgg struct {
	at            int64
	before, after evidence.Count
	routes        map[rkey]*[2]evidence.Count
}

// aggregator accumulates records of one or more inputs; one per worker,
// merged at the end.
type aggregator struct {
	sinceMS, untilMS int64
	windowMS         int64

	ids   map[string]uint32
	names []string
	// internCache and routeCache are direct-mapped caches in front of
	// ids and routes: log lines repeat a few methods, routes and
	// origins, and a hit costs a short compare instead of a map access.
	internCache [256]internEntry
	routeCache  [256]routeEntry

	routes  map[rkey]*routeAgg
	series  map[skey]*seriesAgg
	deploys []deployAgg

	lines, records, malformed, filtered int64
	first, last                         int64
	originsLogged                       bool
	bad                                 []string
	truncated                           []string
	formats                             map[Format]bool
	files                               []string
}

type internEntry struct {
	s  string
	id uint32
}

type routeEntry struct {
	k  rkey
	ra *routeAgg
}

func newAggregator(opt *Options) *aggregator {
	a := &aggregator{
		ids:     map[string]uint32{},
		routes:  map[rkey]*routeAgg{},
		series:  map[skey]*seriesAgg{},
		formats: map[Format]bool{},
	}
	if !opt.Since.IsZero() {
		a.sinceMS = opt.Since.UnixMilli()
	}
	if !opt.Until.IsZero() {
		a.untilMS = opt.Until.UnixMilli()
	}
	a.windowMS = opt.window().Milliseconds()
	for _, d := range opt.Deploys {
		a.deploys = append(a.deploys, deployAgg{at: d.UnixMilli(), routes: map[rkey]*[2]evidence.Count{}})
	}
	// id 0 is "no value"; set directly (the intern cache's zero entries
	// already read as "" -> 0)
	a.ids[""] = 0
	a.names = append(a.names, "")
	return a
}

// intern returns the id of s; the map lookup with string(b) does not
// allocate when s is known.
func (a *aggregator) intern(b []byte) uint32 {
	h := len(b)
	if len(b) > 0 {
		h = h*31 + int(b[0])*7 + int(b[len(b)-1]) + int(b[len(b)/2])*3
	}
	e := &a.internCache[h&255]
	if e.s == string(b) && (len(b) > 0 || e.id == 0) {
		return e.id
	}
	if id, ok := a.ids[string(b)]; ok {
		e.s, e.id = a.names[id], id
		return id
	}
	if len(a.names) >= maxNames {
		b = []byte(other)
		if id, ok := a.ids[other]; ok {
			return id
		}
	}
	s := string(b)
	id := uint32(len(a.names))
	a.ids[s] = id
	a.names = append(a.names, s)
	return id
}

func (a *aggregator) internString(s string) uint32 { return a.intern([]byte(s)) }

// failed reports whether the browser sees a failure: any 4xx/5xx, and
// for OPTIONS any status outside 200-299 (a preflight needs an ok status).
func failed(method []byte, status int) (bool, uint8) {
	switch {
	case status >= 500:
		return true, class5xx
	case status >= 400:
		return true, class4xx
	case string(method) == "OPTIONS" && (status < 200 || status > 299):
		return true, classOther
	}
	return false, 0
}

// add aggregates one record; file and line locate it for "first
// error" reports.
func (a *aggregator) add(rec *Record, file string, line int) { a.addN(rec, file, line, 1) }

// addN aggregates n identical records (Logs Insights result rows).
func (a *aggregator) addN(rec *Record, file string, line int, n int64) {
	if rec.Time != 0 {
		if (a.sinceMS != 0 && rec.Time < a.sinceMS) || (a.untilMS != 0 && rec.Time >= a.untilMS) {
			a.filtered += n
			return
		}
		if a.first == 0 || rec.Time < a.first {
			a.first = rec.Time
		}
		if rec.Time > a.last {
			a.last = rec.Time
		}
	}
	a.records += n
	k := rkey{a.intern(rec.Method), a.intern(rec.Route)}
	ce := &a.routeCache[(k.m*31+k.r)&255]
	ra := ce.ra
	if ra == nil || ce.k != k {
		ra = a.routes[k]
		if ra == nil {
			ra = &routeAgg{last: -1}
			a.routes[k] = ra
		}
		ce.k, ce.ra = k, ra
	}
	ra.total += n
	ra.statuses.add(rec.Status, n)
	bad, class := failed(rec.Method, rec.Status)
	var o uint32
	if len(rec.Origin) > 0 {
		a.originsLogged = true
		o = a.intern(rec.Origin)
		c := ra.lastCount
		if c == nil || ra.lastOrigin != o {
			if ra.origins == nil {
				ra.origins = map[uint32]*evidence.Count{}
			}
			c = ra.origins[o]
			if c == nil {
				c = &evidence.Count{}
				ra.origins[o] = c
			}
			ra.lastOrigin, ra.lastCount = o, c
		}
		c.Total += n
		if bad {
			c.Errors += n
		}
	}
	t := rec.Time
	if bad {
		switch class {
		case class5xx:
			ra.server += n
		case class4xx:
			ra.client += n
		default:
			ra.other += n
		}
		if len(rec.ErrType) > 0 {
			if ra.errTypes == nil {
				ra.errTypes = map[uint32]int64{}
			}
			ra.errTypes[a.intern(rec.ErrType)] += n
		}
		if ra.firstErrAt.File == "" || (t != 0 && (ra.firstErr == 0 || t < ra.firstErr)) {
			ra.firstErr = t
			ra.firstErrAt = evidence.Source{File: file, Line: line}
		}
		if t > ra.lastErr {
			ra.lastErr = t
		}
		if ra.last == 0 {
			ra.flips++
		}
		ra.last = 1
		sk := skey{k.m, k.r, o, class}
		sa := a.series[sk]
		if sa == nil {
			sa = &seriesAgg{minutes: map[int64]int64{}, startedAt: evidence.Source{File: file, Line: line}, started: t}
			a.series[sk] = sa
		}
		sa.count += n
		if t != 0 && (sa.started == 0 || t < sa.started) {
			sa.started = t
			sa.startedAt = evidence.Source{File: file, Line: line}
		}
		if t > sa.last {
			sa.last = t
		}
		if t != 0 {
			sa.minutes[t/60000] += n
		}
	} else {
		if ra.firstOK == 0 || (t != 0 && t < ra.firstOK) {
			ra.firstOK = t
		}
		if t > ra.lastOK {
			ra.lastOK = t
		}
		if ra.firstErrAt.File != "" && (t == 0 || t > ra.firstErr) {
			ra.okAfterErr += n
		}
		if ra.last == 1 {
			ra.flips++
		}
		ra.last = 0
	}
	if t != 0 {
		for i := range a.deploys {
			d := &a.deploys[i]
			var side int
			switch {
			case t >= d.at-a.windowMS && t < d.at:
				side = 0
			case t >= d.at && t < d.at+a.windowMS:
				side = 1
			default:
				continue
			}
			if ra.deps == nil {
				ra.deps = make([]*[2]evidence.Count, len(a.deploys))
			}
			c := ra.deps[i]
			if c == nil {
				c = d.routes[k]
				if c == nil {
					c = &[2]evidence.Count{}
					d.routes[k] = c
				}
				ra.deps[i] = c
			}
			c[side].Total += n
			w := &d.before
			if side == 1 {
				w = &d.after
			}
			w.Total += n
			if bad {
				c[side].Errors += n
				w.Errors += n
			}
		}
	}
}

func (a *aggregator) malformedLine(file string, line int, err error) {
	a.malformed++
	if len(a.bad) < maxBad {
		a.bad = append(a.bad, fmt.Sprintf("%s:%d: %v", file, line, err))
	}
}

// merge adds b into a.
func (a *aggregator) merge(b *aggregator) {
	a.lines += b.lines
	a.records += b.records
	a.malformed += b.malformed
	a.filtered += b.filtered
	if b.first != 0 && (a.first == 0 || b.first < a.first) {
		a.first = b.first
	}
	if b.last > a.last {
		a.last = b.last
	}
	a.originsLogged = a.originsLogged || b.originsLogged
	for _, s := range b.bad {
		if len(a.bad) < maxBad {
			a.bad = append(a.bad, s)
		}
	}
	a.truncated = append(a.truncated, b.truncated...)
	for f := range b.formats {
		a.formats[f] = true
	}
	a.files = append(a.files, b.files...)
	id := func(x uint32) uint32 { return a.internString(b.names[x]) }
	for k, rb := range b.routes {
		nk := rkey{id(k.m), id(k.r)}
		ra := a.routes[nk]
		if ra == nil {
			ra = &routeAgg{last: -1}
			a.routes[nk] = ra
		}
		ra.total += rb.total
		ra.client += rb.client
		ra.server += rb.server
		ra.other += rb.other
		rb.statuses.each(func(s int, n int64) { ra.statuses.add(s, n) })
		for e, n := range rb.errTypes {
			if ra.errTypes == nil {
				ra.errTypes = map[uint32]int64{}
			}
			ra.errTypes[id(e)] += n
		}
		for o, c := range rb.origins {
			if ra.origins == nil {
				ra.origins = map[uint32]*evidence.Count{}
			}
			no := id(o)
			if ra.origins[no] == nil {
				ra.origins[no] = &evidence.Count{}
			}
			ra.origins[no].Total += c.Total
			ra.origins[no].Errors += c.Errors
		}
		if rb.firstOK != 0 && (ra.firstOK == 0 || rb.firstOK < ra.firstOK) {
			ra.firstOK = rb.firstOK
		}
		ra.lastOK = max(ra.lastOK, rb.lastOK)
		if rb.firstErrAt.File != "" && (ra.firstErrAt.File == "" || (rb.firstErr != 0 && (ra.firstErr == 0 || rb.firstErr < ra.firstErr))) {
			ra.firstErr, ra.firstErrAt = rb.firstErr, rb.firstErrAt
		}
		ra.lastErr = max(ra.lastErr, rb.lastErr)
		ra.okAfterErr += rb.okAfterErr
		ra.flips += rb.flips
	}
	for k, sb := range b.series {
		nk := skey{id(k.m), id(k.r), id(k.o), k.class}
		sa := a.series[nk]
		if sa == nil {
			sa = &seriesAgg{minutes: map[int64]int64{}, started: sb.started, startedAt: sb.startedAt}
			a.series[nk] = sa
		}
		sa.count += sb.count
		if sb.started != 0 && (sa.started == 0 || sb.started < sa.started) {
			sa.started, sa.startedAt = sb.started, sb.startedAt
		}
		sa.last = max(sa.last, sb.last)
		for m, n := range sb.minutes {
			sa.minutes[m] += n
		}
	}
	for i := range a.deploys {
		d, e := &a.deploys[i], &b.deploys[i]
		d.before.Total += e.before.Total
		d.before.Errors += e.before.Errors
		d.after.Total += e.after.Total
		d.after.Errors += e.after.Errors
		for k, c := range e.routes {
			nk := rkey{id(k.m), id(k.r)}
			dc := d.routes[nk]
			if dc == nil {
				dc = &[2]evidence.Count{}
				d.routes[nk] = dc
			}
			for s := 0; s < 2; s++ {
				dc[s].Total += c[s].Total
				dc[s].Errors += c[s].Errors
			}
		}
	}
}

// stats renders the aggregate, deterministically sorted.
func (a *aggregator) stats() *evidence.LogStats {
	out := &evidence.LogStats{
		Files: a.files, Lines: a.lines, Records: a.records, Malformed: a.malformed, Filtered: a.filtered,
		Bad: a.bad, Truncated: a.truncated, First: msTime(a.first), Last: msTime(a.last),
		OriginsLogged: a.originsLogged, Routes: []evidence.RouteStats{}, Series: []evidence.ErrorSeries{},
	}
	for f := range a.formats {
		out.Formats = append(out.Formats, string(f))
	}
	slices.Sort(out.Formats)
	for k, r := range a.routes {
		rs := evidence.RouteStats{
			Method: a.names[k.m], Route: a.names[k.r], Total: r.total, Client: r.client, Server: r.server, Other: r.other,
			Statuses: r.statuses.asMap(), FirstOK: msTime(r.firstOK), LastOK: msTime(r.lastOK),
			FirstError: msTime(r.firstErr), LastError: msTime(r.lastErr), FirstErrorAt: r.firstErrAt,
			OKAfterError: r.okAfterErr, Flips: r.flips,
		}
		if len(r.errTypes) > 0 {
			rs.Errors = map[string]int64{}
			for e, n := range r.errTypes {
				rs.Errors[a.names[e]] += n
			}
		}
		if len(r.origins) > 0 {
			rs.Origins = map[string]*evidence.Count{}
			for o, c := range r.origins {
				cc := *c
				rs.Origins[a.names[o]] = &cc
			}
		}
		out.Routes = append(out.Routes, rs)
	}
	slices.SortFunc(out.Routes, func(x, y evidence.RouteStats) int {
		return cmp.Or(cmp.Compare(y.Failed(), x.Failed()), cmp.Compare(y.Total, x.Total),
			strings.Compare(x.Route, y.Route), strings.Compare(x.Method, y.Method))
	})
	for k, s := range a.series {
		es := evidence.ErrorSeries{
			Method: a.names[k.m], Route: a.names[k.r], Origin: a.names[k.o], Class: classNames[k.class],
			Count: s.count, Started: msTime(s.started), StartedAt: s.startedAt, Last: msTime(s.last),
			PerMinute: []evidence.MinuteCount{},
		}
		for m, n := range s.minutes {
			es.PerMinute = append(es.PerMinute, evidence.MinuteCount{Minute: time.UnixMilli(m * 60000).UTC(), Count: n})
		}
		slices.SortFunc(es.PerMinute, func(x, y evidence.MinuteCount) int { return x.Minute.Compare(y.Minute) })
		out.Series = append(out.Series, es)
	}
	slices.SortFunc(out.Series, func(x, y evidence.ErrorSeries) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), x.Started.Compare(y.Started), strings.Compare(x.Route, y.Route),
			strings.Compare(x.Method, y.Method), strings.Compare(x.Origin, y.Origin), strings.Compare(x.Class, y.Class))
	})
	for _, d := range a.deploys {
		ds := evidence.DeployStats{At: msTime(d.at), Before: d.before, After: d.after, Routes: []evidence.DeployRoute{}}
		for k, c := range d.routes {
			ds.Routes = append(ds.Routes, evidence.DeployRoute{Method: a.names[k.m], Route: a.names[k.r], Before: c[0], After: c[1]})
		}
		slices.SortFunc(ds.Routes, func(x, y evidence.DeployRoute) int {
			return cmp.Or(cmp.Compare(y.After.Errors, x.After.Errors), strings.Compare(x.Route, y.Route), strings.Compare(x.Method, y.Method))
		})
		out.Deploys = append(out.Deploys, ds)
	}
	return out
}

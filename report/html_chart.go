package report

import (
	"bytes"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Charts: a time series with markers, as inline SVG.

// Chart is a time series chart (error rates, request counts) with
// vertical markers (deployments, configuration changes).

type Chart struct {
	Title  string
	YLabel string
	Series []Series
	// Markers are drawn as labelled vertical lines.
	Markers []Marker
	// Width and Height in pixels; default 720 x 240.
	Width, Height int
}

// Series is one line of a Chart.
type Series struct {
	Name   string
	Points []Point
}

// Point is one sample.
type Point struct {
	T time.Time
	V float64
}

// Marker is a labelled instant.
type Marker struct {
	T     time.Time
	Label string
}

type chartView struct {
	Title, YLabel, Desc string
	W, H                int
	L, R, T, B          int // plot area
	Lines               []chartLine
	YTicks, XTicks      []chartTick
	Markers             []chartMarker
	Legend              []chartLegend
	Empty               bool
}

type chartLine struct {
	Class, Points, Name string
	// Dots mark each sample when there are few (a lone sample shows).
	Dots []chartTick
}
type chartTick struct {
	X, Y  int
	Label string
}
type chartMarker struct {
	X, LY int
	Label string
}
type chartLegend struct{ Class, Name string }

// ChartSVG renders c as an inline SVG figure. Values and labels are
// escaped; a chart with no point renders an empty frame saying so.
func ChartSVG(c Chart) template.HTML {
	v := chartView{Title: c.Title, YLabel: c.YLabel, W: c.Width, H: c.Height}
	if v.W <= 0 {
		v.W = 720
	}
	if v.H <= 0 {
		v.H = 240
	}
	v.L, v.R, v.T, v.B = 56, v.W-16, 44, v.H-36
	var tmin, tmax time.Time
	vmax := 0.0
	n := 0
	for _, s := range c.Series {
		for _, p := range s.Points {
			if n == 0 || p.T.Before(tmin) {
				tmin = p.T
			}
			if n == 0 || p.T.After(tmax) {
				tmax = p.T
			}
			if p.V > vmax {
				vmax = p.V
			}
			n++
		}
	}
	for _, m := range c.Markers {
		if n > 0 && m.T.Before(tmin) {
			tmin = m.T
		}
		if n > 0 && m.T.After(tmax) {
			tmax = m.T
		}
	}
	if n == 0 {
		v.Empty = true
	} else {
		if vmax <= 0 {
			vmax = 1
		}
		vmax = niceCeil(vmax)
		span := tmax.Sub(tmin)
		if span <= 0 {
			span = time.Minute
		}
		px := func(t time.Time) int {
			return v.L + int(float64(v.R-v.L)*float64(t.Sub(tmin))/float64(span))
		}
		py := func(f float64) int {
			return v.B - int(float64(v.B-v.T)*f/vmax)
		}
		for i, s := range c.Series {
			pts := append([]Point(nil), s.Points...)
			sort.Slice(pts, func(a, b int) bool { return pts[a].T.Before(pts[b].T) })
			var b strings.Builder
			var dots []chartTick
			for j, p := range pts {
				if j > 0 {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, "%d,%d", px(p.T), py(p.V))
				if len(pts) <= 60 {
					dots = append(dots, chartTick{X: px(p.T), Y: py(p.V)})
				}
			}
			cls := fmt.Sprintf("series s%d", i%4)
			v.Lines = append(v.Lines, chartLine{Class: cls, Points: b.String(), Name: s.Name, Dots: dots})
			v.Legend = append(v.Legend, chartLegend{Class: fmt.Sprintf("s%d", i%4), Name: s.Name})
		}
		for k := 0; k <= 2; k++ {
			f := vmax * float64(k) / 2
			v.YTicks = append(v.YTicks, chartTick{X: v.L - 6, Y: py(f), Label: strconv.FormatFloat(f, 'g', 4, 64)})
		}
		layout := "15:04"
		if span > 24*time.Hour {
			layout = "01-02 15:04"
		}
		for k := 0; k <= 2; k++ {
			t := tmin.Add(span * time.Duration(k) / 2)
			v.XTicks = append(v.XTicks, chartTick{X: px(t), Y: v.B + 16, Label: t.UTC().Format(layout)})
		}
		for i, m := range c.Markers {
			v.Markers = append(v.Markers, chartMarker{X: px(m.T), LY: v.T - 6 - (i%2)*12, Label: shorten(m.Label, 28)})
		}
	}
	var names []string
	for _, s := range c.Series {
		names = append(names, s.Name)
	}
	v.Desc = c.Title + ": " + strings.Join(names, ", ")
	if len(c.Markers) > 0 {
		var ms []string
		for _, m := range c.Markers {
			ms = append(ms, m.Label+" at "+m.T.UTC().Format(time.RFC3339))
		}
		v.Desc += "; markers: " + strings.Join(ms, ", ")
	}
	var buf bytes.Buffer
	if err := htmlTmpl.ExecuteTemplate(&buf, "chart", v); err != nil {
		return template.HTML("<p>chart: " + template.HTMLEscapeString(err.Error()) + "</p>")
	}
	return template.HTML(buf.String())
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten.
func niceCeil(f float64) float64 {
	p := 1.0
	for p*10 <= f {
		p *= 10
	}
	for p > f*10 && p > 1e-9 {
		p /= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= f {
			return m * p
		}
	}
	return 10 * p
}

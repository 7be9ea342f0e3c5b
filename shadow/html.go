package shadow

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Match-rate colours of the overview: a route is green at or above
// goodRate, amber at or above fairRate, red below.
const (
	goodRate = 99.0
	fairRate = 95.0
)

// htmlRanges are the report ranges the pages offer; the first is the default.
var htmlRanges = []string{"1h", "15m", "6h", "24h", "7d"}

// HTMLHandler serves the reports as pages: /shadow/ lists every route with
// data and its match-rate bar, /shadow/<route> ranks its fields and shows a
// sample side by side. Mount it at /shadow/. No external assets.
func HTMLHandler(store *Store) http.Handler {
	ui := &htmlUI{store: store}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /shadow/{$}", ui.overview)
	mux.HandleFunc("GET /shadow/{route}", ui.route)
	mux.Handle("GET /shadow", http.RedirectHandler("/shadow/", http.StatusMovedPermanently))
	return mux
}

type htmlUI struct{ store *Store }

type overviewRow struct {
	Route             string
	Compared, Matched int64
	Rate              float64
	Colour            string
}

type overviewPage struct {
	Range  string
	Ranges []string
	Rows   []overviewRow
}

func (ui *htmlUI) overview(w http.ResponseWriter, r *http.Request) {
	rng, since, now := reportRange(r)
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	routes, err := ui.store.Routes(ctx)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	page := overviewPage{Range: rng, Ranges: htmlRanges}
	for _, name := range routes {
		compared, matched, err := ui.store.MatchRate(ctx, name, since, now)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		row := overviewRow{Route: name, Compared: compared, Matched: matched, Colour: "none"}
		if compared > 0 {
			row.Rate = 100 * float64(matched) / float64(compared)
			row.Colour = rateColour(row.Rate)
		}
		page.Rows = append(page.Rows, row)
	}
	render(w, "overview", page)
}

func rateColour(rate float64) string {
	switch {
	case rate >= goodRate:
		return "good"
	case rate >= fairRate:
		return "fair"
	}
	return "bad"
}

type fieldRow struct {
	FieldReport
	Link string
}

type sampleView struct {
	Field       FieldReport
	Sample      Sample
	Index       int
	Links       []sampleLink
	Legacy, New []prettyLine
}

type sampleLink struct {
	N       int
	Link    string
	Current bool
}

type routePage struct {
	Report
	Range       string
	Ranges      []string
	Colour      string
	Real, Noise []fieldRow
	Selected    *sampleView
}

func (ui *htmlUI) route(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("route")
	rng, since, now := reportRange(r)
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	rep, err := ui.store.Report(ctx, name, since, now)
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	page := routePage{Report: rep, Range: rng, Ranges: htmlRanges, Colour: "none"}
	if rep.Compared > 0 {
		page.Colour = rateColour(rep.MatchRate)
	}
	wantEP, wantField := r.URL.Query().Get("ep"), r.URL.Query().Get("f")
	n, _ := strconv.Atoi(r.URL.Query().Get("sample"))
	for _, f := range rep.Fields {
		row := fieldRow{FieldReport: f, Link: sampleURL(name, rng, f, 0)}
		if f.Verdict.Real {
			page.Real = append(page.Real, row)
		} else {
			page.Noise = append(page.Noise, row)
		}
		selected := wantField == "" && page.Selected == nil && len(f.Samples) > 0 ||
			f.Endpoint == wantEP && f.Template == wantField
		if selected && len(f.Samples) > 0 {
			page.Selected = newSampleView(name, rng, f, min(max(n, 0), len(f.Samples)-1))
		}
	}
	render(w, "route", page)
}

func newSampleView(route, rng string, f FieldReport, i int) *sampleView {
	s := f.Samples[i]
	paths := make([]string, len(s.Differences))
	for k, d := range s.Differences {
		paths[k] = d.Path
	}
	v := &sampleView{Field: f, Sample: s, Index: i, Legacy: prettyBody(s.Legacy, paths), New: prettyBody(s.New, paths)}
	for k := range f.Samples {
		v.Links = append(v.Links, sampleLink{N: k + 1, Link: sampleURL(route, rng, f, k), Current: k == i})
	}
	return v
}

func sampleURL(route, rng string, f FieldReport, i int) string {
	q := url.Values{"range": {rng}, "ep": {f.Endpoint}, "f": {f.Template}, "sample": {strconv.Itoa(i)}}
	return "/shadow/" + url.PathEscape(route) + "?" + q.Encode() + "#sample"
}

// reportRange reads ?range= (15m, 1h, 6h, 24h, 7d; default 1h).
func reportRange(r *http.Request) (string, time.Time, time.Time) {
	rng := r.URL.Query().Get("range")
	d, ok := parseRange(rng)
	if !ok {
		rng = htmlRanges[0]
		d, _ = parseRange(rng)
	}
	now := time.Now()
	return rng, now.Add(-d), now
}

func parseRange(s string) (time.Duration, bool) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		return time.Duration(n) * 24 * time.Hour, err == nil && n > 0
	}
	d, err := time.ParseDuration(s)
	return d, err == nil && d > 0
}

func render(w http.ResponseWriter, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}

var pages = template.Must(template.New("shadow").Funcs(template.FuncMap{
	"pct":         func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) + "%" },
	"ms":          ms,
	"reasons":     reasons,
	"kinds":       kinds,
	"verdictWord": verdictWord,
	"routeURL": func(route, rng string) string {
		return "/shadow/" + url.PathEscape(route) + "?range=" + url.QueryEscape(rng)
	},
	"bar":    func(v float64) string { return strconv.FormatFloat(max(v, 0.5), 'f', 2, 64) },
	"indent": func(n int) string { return strings.Repeat("  ", n) },
}).Parse(pageTemplates))

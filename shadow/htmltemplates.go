package shadow

// pageTemplates are the report pages: one stylesheet, inline, no scripts.
const pageTemplates = `
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}} · strangler shadow</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d2330;background:#fafbfc}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.6rem 0 .5rem}
a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{font-weight:600;background:#f0f2f5}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px/1.3 ui-monospace,monospace}
.ranges a{margin-right:.6rem}.ranges a.on{font-weight:700;color:#1d2330}
.bar{position:relative;height:1.3rem;background:#e3e6ea;border-radius:3px;min-width:14rem}
.bar span{position:absolute;left:0;top:0;bottom:0;border-radius:3px}
.bar b{position:absolute;right:.4rem;top:0;font-weight:600;line-height:1.3rem}
.good{background:#2e9d57}.fair{background:#e0a100}.bad{background:#d33b3b}.none{background:#b9bec7}
.pill{display:inline-block;padding:0 .45rem;border-radius:9px;color:#fff;font-size:12px;font-weight:600}
.real{background:#d33b3b}.noise{background:#8a93a3}
.summary span{margin-right:1.2rem}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}
.body{background:#fff;border:1px solid #e3e6ea;overflow:auto;max-height:70vh;padding:.4rem 0}
.body div{white-space:pre;font:12px/1.45 ui-monospace,monospace;padding:0 .5rem}
.body div.d{background:#fde8e8;border-left:3px solid #d33b3b}
.redacted{background:#ececec;color:#666;font-style:italic;border:1px dashed #999;padding:0 .2rem}
.k{color:#6b3fa0}.s{color:#1a7f37}.n{color:#0550ae}
.samples a{margin-right:.4rem}.samples a.on{font-weight:700}
.muted{color:#6b7280}
</style></head><body>{{end}}

{{define "ranges"}}<p class="ranges">Range: {{$cur := .Range}}{{range .Ranges}}<a href="?range={{.}}"{{if eq . $cur}} class="on"{{end}}>{{.}}</a>{{end}}</p>{{end}}

{{define "overview"}}{{template "head" "routes"}}
<h1>Shadow comparison</h1>
<p class="muted">Share of compared requests where the new service answered like Magento. Green from 99 %, amber from 95 %, red below.</p>
{{template "ranges" .}}
{{if not .Rows}}<p>No route has shadow data yet.</p>{{else}}
<table><tr><th>Route</th><th>Match rate</th><th class="num">Compared</th><th class="num">Matched</th></tr>
{{$rng := .Range}}{{range .Rows}}<tr>
<td><a href="{{routeURL .Route $rng}}">{{.Route}}</a></td>
<td>{{if .Compared}}<div class="bar" title="{{pct .Rate}}"><span class="{{.Colour}}" style="width: {{bar .Rate}}%"></span><b>{{pct .Rate}}</b></div>{{else}}<div class="bar"><b class="muted">no comparisons in range</b></div>{{end}}</td>
<td class="num">{{.Compared}}</td><td class="num">{{.Matched}}</td></tr>
{{end}}</table>{{end}}
</body></html>{{end}}

{{define "route"}}{{template "head" .Route}}
<p><a href="/shadow/?range={{.Range}}">← all routes</a></p>
<h1>{{.Route}}</h1>
{{template "ranges" .}}
<div class="bar"><span class="{{.Colour}}" style="width: {{bar .MatchRate}}%"></span><b>{{if .Compared}}{{pct .MatchRate}} match{{else}}nothing compared{{end}}</b></div>
<p class="summary"><span>compared <b>{{.Compared}}</b></span><span>matched <b>{{.Matched}}</b></span><span>differing <b>{{.Differing}}</b></span>
<span>not comparable: {{reasons .NotComparable}}</span><span>noise samples {{.NoiseSamples}}</span>
<span>new side: {{.NewRequests}} answers, {{.NewErrors5xx}} errors</span></p>
<table><tr><th>Latency</th><th class="num">n</th><th class="num">p50</th><th class="num">p95</th><th class="num">p99</th></tr>
{{range $side, $l := .Latency}}<tr><td>{{$side}}</td><td class="num">{{$l.Count}}</td><td class="num">{{ms $l.P50}}</td><td class="num">{{ms $l.P95}}</td><td class="num">{{ms $l.P99}}</td></tr>{{end}}
</table>

<h2>Real differences</h2>
{{if not .Real}}<p class="muted">None: every difference seen is within legacy's own noise.</p>{{else}}{{template "fields" .Real}}{{end}}

<h2>Noise <span class="muted">(not clearly above legacy's own variation)</span></h2>
{{if not .Noise}}<p class="muted">None.</p>{{else}}{{template "fields" .Noise}}{{end}}

<h2>Endpoints</h2>
<table><tr><th>Endpoint</th><th class="num">Compared</th><th class="num">Match</th><th class="num">Differing</th><th>Not comparable</th><th class="num">Legacy p99</th><th class="num">New p99</th></tr>
{{range .Endpoints}}<tr><td><code>{{.Endpoint}}</code></td><td class="num">{{.Compared}}</td><td class="num">{{if .Compared}}{{pct .MatchRate}}{{else}}-{{end}}</td><td class="num">{{.Differing}}</td><td>{{reasons .NotComparable}}</td><td class="num">{{ms (index .Latency "legacy").P99}}</td><td class="num">{{ms (index .Latency "new").P99}}</td></tr>
{{end}}</table>

{{with .Selected}}<h2 id="sample">Sample: <code>{{.Field.Template}}</code> <span class="muted">{{.Field.Endpoint}}</span></h2>
<p class="samples">Samples: {{range .Links}}<a href="{{.Link}}"{{if .Current}} class="on"{{end}}>{{.N}}</a>{{end}}</p>
<p><code>{{.Sample.Method}} {{.Sample.Path}}</code> · x-request-id <code>{{.Sample.RequestID}}</code> · {{.Sample.At.Format "2006-01-02 15:04:05 MST"}}{{with .Sample.Served}} · served by {{.}}{{end}}
· status legacy {{.Sample.LegacyStatus}}, new {{.Sample.NewStatus}}</p>
<table><tr><th>Path</th><th>Kind</th><th>Legacy</th><th>New</th></tr>
{{range .Sample.Differences}}<tr><td><code>{{.Path}}</code></td><td>{{.Kind}}</td><td><code>{{.Legacy}}</code></td><td><code>{{.New}}</code>{{if .Redacted}} <span class="redacted">redacted</span>{{end}}</td></tr>{{end}}
</table>
{{if .Sample.Omitted}}<p class="muted">{{.Sample.Omitted}} more differences not kept.</p>{{end}}
<div class="sbs"><div><h2>Legacy (Magento)</h2><div class="body">{{range .Legacy}}<div{{if .Diff}} class="d"{{end}} style="padding-left: {{.Indent}}em">{{.HTML}}</div>{{else}}<div class="muted">body not kept</div>{{end}}</div></div>
<div><h2>New service</h2><div class="body">{{range .New}}<div{{if .Diff}} class="d"{{end}} style="padding-left: {{.Indent}}em">{{.HTML}}</div>{{else}}<div class="muted">body not kept</div>{{end}}</div></div></div>
{{end}}
</body></html>{{end}}

{{define "fields"}}<table><tr><th></th><th>Field</th><th>Endpoint</th><th class="num">Raw</th><th class="num">Raw rate</th><th class="num">Noise</th><th class="num">Noise rate</th><th>Kinds</th><th>Samples</th></tr>
{{range .}}<tr><td>{{$v := verdictWord .Verdict}}<span class="pill {{if .Verdict.Real}}real{{else}}noise{{end}}">{{$v}}</span></td>
<td><code>{{.Template}}</code></td><td><code>{{.Endpoint}}</code></td><td class="num">{{.Raw}}</td><td class="num">{{pct .Verdict.RawRate}}</td>
<td class="num">{{.Noise}}</td><td class="num">{{pct .Verdict.NoiseRate}}</td><td>{{kinds .Kinds}}</td>
<td>{{if .Samples}}<a href="{{.Link}}">{{len .Samples}} sample(s)</a>{{else}}<span class="muted">none</span>{{end}}</td></tr>
{{end}}</table>{{end}}
`

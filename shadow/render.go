package shadow

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// The text renderers share one layout: a summary, latency per side, then an
// endpoint table and a field table. Only the table syntax differs.
type tableWriter interface {
	heading(title string)
	line(text string)
	table(header []string, rows [][]string)
}

func renderReport(t tableWriter, rep Report) {
	t.heading(fmt.Sprintf("Shadow report: %s (%s to %s)", rep.Route,
		rep.Since.Format("2006-01-02 15:04"), rep.Until.Format("2006-01-02 15:04 MST")))
	t.line(fmt.Sprintf("compared %d, matched %d (%s), differing %d; not comparable: %s; noise samples %d",
		rep.Compared, rep.Matched, percent(rep.Compared, rep.MatchRate), rep.Differing, reasons(rep.NotComparable), rep.NoiseSamples))
	t.line(fmt.Sprintf("new side: %d answers, %d errors (5xx, no answer, fallback)", rep.NewRequests, rep.NewErrors5xx))
	rows := [][]string{}
	for _, side := range []string{SideLegacy, SideNew} {
		l := rep.Latency[side]
		rows = append(rows, []string{side, fmt.Sprint(l.Count), ms(l.P50), ms(l.P95), ms(l.P99)})
	}
	t.table([]string{"latency", "n", "p50", "p95", "p99"}, rows)
	t.heading("Endpoints")
	rows = rows[:0]
	for _, e := range rep.Endpoints {
		rows = append(rows, []string{e.Endpoint, fmt.Sprint(e.Compared), percent(e.Compared, e.MatchRate),
			fmt.Sprint(e.Differing), reasons(e.NotComparable), ms(e.Latency[SideLegacy].P99), ms(e.Latency[SideNew].P99)})
	}
	t.table([]string{"endpoint", "compared", "match", "differing", "not comparable", "legacy p99", "new p99"}, rows)
	t.heading("Fields")
	rows = rows[:0]
	for _, f := range rep.Fields {
		rows = append(rows, []string{verdictWord(f.Verdict), f.Template, f.Endpoint,
			fmt.Sprintf("%d (%.2f%%)", f.Raw, f.Verdict.RawRate), fmt.Sprintf("%d (%.2f%%)", f.Noise, f.Verdict.NoiseRate),
			kinds(f.Kinds), fmt.Sprint(len(f.Samples))})
	}
	t.table([]string{"verdict", "field", "endpoint", "raw", "noise", "kinds", "samples"}, rows)
}

func verdictWord(v Verdict) string {
	if v.Real {
		return "REAL"
	}
	return "noise"
}

func percent(n int64, rate float64) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f%%", rate)
}

func ms(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fms", v)
}

// sortedCounts renders a map as "a 3, b 1", by name.
func sortedCounts(m map[string]int64, empty string) string {
	if len(m) == 0 {
		return empty
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

func reasons(m map[string]int64) string { return sortedCounts(m, "none") }

func kinds(m map[string]int64) string { return sortedCounts(m, "") }

// WriteTable writes the report as aligned plain text for a terminal.
func WriteTable(w io.Writer, rep Report) error {
	tw := &textTables{w: w}
	renderReport(tw, rep)
	return tw.err
}

type textTables struct {
	w   io.Writer
	err error
}

func (t *textTables) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func (t *textTables) heading(title string) {
	t.printf("\n%s\n%s\n", title, strings.Repeat("=", len(title)))
}
func (t *textTables) line(text string) { t.printf("%s\n", text) }

func (t *textTables) table(header []string, rows [][]string) {
	if len(rows) == 0 {
		t.printf("(none)\n")
		return
	}
	tw := tabwriter.NewWriter(t.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(header, "\t")))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil && t.err == nil {
		t.err = err
	}
}

// WriteMarkdown writes the report as GitHub-flavoured Markdown, for a pull
// request or a ticket.
func WriteMarkdown(w io.Writer, rep Report) error {
	md := &markdownTables{textTables{w: w}}
	renderReport(md, rep)
	return md.err
}

type markdownTables struct{ textTables }

func (t *markdownTables) heading(title string) { t.printf("\n## %s\n\n", mdEscape(title)) }
func (t *markdownTables) line(text string)     { t.printf("%s\n\n", mdEscape(text)) }

func (t *markdownTables) table(header []string, rows [][]string) {
	if len(rows) == 0 {
		t.printf("_none_\n\n")
		return
	}
	t.printf("| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat(" --- |", len(header)))
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = mdCell(c)
		}
		t.printf("| %s |\n", strings.Join(cells, " | "))
	}
	t.printf("\n")
}

// mdCell shows paths and templates as code, everything else escaped.
func mdCell(c string) string {
	if strings.ContainsAny(c, "$/{[") {
		return "`" + strings.NewReplacer("`", "'", "|", `\|`).Replace(c) + "`"
	}
	return mdEscape(c)
}

// mdEscape keeps field paths and counts from turning into Markdown.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;").Replace(s)
}

package routes

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// changedLines returns the lines that differ between a and b, which must have
// the same number of lines.
func changedLines(t *testing.T, a, b []byte) []string {
	t.Helper()
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	require.Equal(t, len(al), len(bl), "line count changed")
	var out []string
	for i := range al {
		if al[i] != bl[i] {
			out = append(out, al[i]+" => "+bl[i])
		}
	}
	return out
}

func TestSetPercentChangesOneLineAndKeepsComments(t *testing.T) {
	data, err := os.ReadFile("examples/magento.yaml")
	require.NoError(t, err)
	out, err := SetPercent(data, "product-api", 5000)
	require.NoError(t, err)
	assert.Equal(t, []string{"    percent: 25 =>     percent: 50"}, changedLines(t, data, out))
	f, err := Parse("x", out)
	require.NoError(t, err)
	assert.Equal(t, Percent(5000), f.Routes[0].Percent)

	out, err = SetPercent(data, "search-default-store", 1)
	require.NoError(t, err)
	assert.Equal(t, []string{"    percent: 0 =>     percent: 0.01"}, changedLines(t, data, out))
}

func TestSetPercentInlineCommentsQuotesAndFlow(t *testing.T) {
	src := base + `  - name: a   # the first
    match: {prefix: /a}
    to: catalog
    percent: '10'   # quoted, with a comment
  - {name: b, match: {prefix: /b}, to: catalog, percent: 3.5}  # flow style
  - {name: c, match: {prefix: /c}, to: catalog}
  - name: d
    match: {prefix: /d}
    to: catalog     # no percent yet
    sticky: {cookie: s}
`
	out, err := SetPercent([]byte(src), "a", 7525)
	require.NoError(t, err)
	assert.Equal(t, []string{"    percent: '10'   # quoted, with a comment =>     percent: 75.25   # quoted, with a comment"}, changedLines(t, []byte(src), out))

	out, err = SetPercent([]byte(src), "b", 10000)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"  - {name: b, match: {prefix: /b}, to: catalog, percent: 3.5}  # flow style => " +
			"  - {name: b, match: {prefix: /b}, to: catalog, percent: 100}  # flow style"}, changedLines(t, []byte(src), out))

	out, err = SetPercent([]byte(src), "c", 100)
	require.NoError(t, err)
	assert.Contains(t, string(out), "  - {name: c, match: {prefix: /c}, to: catalog, percent: 1}\n")

	out, err = SetPercent([]byte(src), "d", 2000)
	require.NoError(t, err)
	assert.Contains(t, string(out), "    to: catalog     # no percent yet\n    percent: 20\n    sticky: {cookie: s}\n")
	f, err := Parse("x", out)
	require.NoError(t, err)
	assert.Equal(t, Percent(2000), f.Routes[3].Percent)

	_, err = SetPercent([]byte(src), "nope", 1)
	assert.EqualError(t, err, `no route named "nope" in the route file`)
}

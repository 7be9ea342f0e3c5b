package shadow

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/internal/redistest"
)

// testMatch stands in for the lead's matcher built from the route file.
func testMatch(method, path string, _ http.Header) (string, bool) {
	if strings.HasPrefix(path, "/rest/V1/products") || strings.HasPrefix(path, "/rest/V1/categories") {
		return testRoute, true
	}
	return "", false
}

func replayFile(t *testing.T, srv *redistest.Server, db int, file, format string, legacy, new *backend) (Summary, Report, string) {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, SelectDB: db, DisableCache: true, ForceSingleClient: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	store := NewStore(c, WithSampleInterval(0))
	f, err := os.Open(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	routes := testConfig(t, legacy, new).Routes
	r := routes[testRoute]
	r.Legacy, r.New = []string{"http://legacy.invalid:1"}, []string{"http://new.invalid:1"} // overridden below
	routes[testRoute] = r
	var progress bytes.Buffer
	sum, err := Replay(context.Background(), ReplayOptions{Routes: routes, Match: testMatch, Source: f, Format: format,
		LegacyURL: legacy.srv.URL, NewURL: new.srv.URL, Concurrency: 3, Progress: &progress, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	rep, err := store.Report(context.Background(), testRoute, now.Add(-time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	return sum, rep, progress.String()
}

// shape is what must not depend on where the requests came from.
type shape struct {
	Compared, Matched, Noise int64
	Endpoints                map[string][2]int64
	Fields                   map[string]string
}

func shapeOf(rep Report) shape {
	s := shape{Compared: rep.Compared, Matched: rep.Matched, Noise: rep.NoiseSamples, Endpoints: map[string][2]int64{}, Fields: map[string]string{}}
	for _, e := range rep.Endpoints {
		s.Endpoints[e.Endpoint] = [2]int64{e.Compared, e.Matched}
	}
	for _, f := range rep.Fields {
		s.Fields[f.Endpoint+" "+f.Template] = verdictWord(f.Verdict) + " " + kinds(f.Kinds)
	}
	return s
}

func TestReplayAccessLogAndHARGiveTheSameReport(t *testing.T) {
	srv := redistest.Start(t)
	legacy, new := newBackend(t, true), newBackend(t, false)
	logSum, logRep, logProgress := replayFile(t, srv, 1, "access.log", FormatAccessLog, legacy, new)
	harSum, harRep, harProgress := replayFile(t, srv, 2, "requests.har", FormatHAR, legacy, new)

	// 12 products (all differ: generated_at; 3 in price) and 12 categories
	// (2 differ); the POST and the checkout page are skipped.
	for _, sum := range []Summary{logSum, harSum} {
		if sum.Replayed != 24 || sum.Compared != 24 || sum.Matched != 10 || sum.Skipped[skipMethod] != 1 || sum.Skipped[skipUnmatched] != 1 {
			t.Fatalf("summary %+v", sum)
		}
	}
	if logSum.Skipped[skipInvalid] != 1 || logSum.Read != 27 || harSum.Read != 26 {
		t.Fatalf("read: log %+v, har %+v", logSum, harSum)
	}
	ls, hs := shapeOf(logRep), shapeOf(harRep)
	if !equalShape(ls, hs) {
		t.Fatalf("reports differ:\naccess log %+v\nHAR        %+v", ls, hs)
	}
	want := map[string]string{
		productEP + " body:$.generated_at":           "noise value 12",
		productEP + " body:$.price":                  "REAL numeric 3",
		productEP + " body:$.seller_email":           "REAL value 3",
		categoryEP + " body:$.children_data[*].name": "REAL value 2",
	}
	if !equalMaps(ls.Fields, want) || ls.Noise != 24 || ls.Compared != 24 {
		t.Fatalf("fields %v, noise %d", ls.Fields, ls.Noise)
	}
	// Both sides were called for every replayed request, never the POST.
	for _, b := range []*backend{legacy, new} {
		for _, c := range b.receiverCalls() {
			if c.Method != http.MethodGet || c.Host != "shop.example.com" {
				t.Fatalf("replay sent %s to %s", c.Method, c.Host)
			}
		}
	}
	if n := len(new.receiverCalls()); n != 48 {
		t.Fatalf("new side called %d times, want 48 (24 per replay)", n)
	}
	bar := regexp.MustCompile(`\r\[#{30}\] 27/27 matched 41\.7%\n$`)
	if !bar.MatchString(logProgress) || !strings.HasSuffix(harProgress, "26/26 matched 41.7%\n") {
		t.Fatalf("progress:\n%q\n%q", logProgress, harProgress)
	}
}

func equalShape(a, b shape) bool {
	if a.Compared != b.Compared || a.Matched != b.Matched || a.Noise != b.Noise || len(a.Endpoints) != len(b.Endpoints) {
		return false
	}
	for k, v := range a.Endpoints {
		if b.Endpoints[k] != v {
			return false
		}
	}
	return equalMaps(a.Fields, b.Fields)
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestReplayRejectsBadInput(t *testing.T) {
	store := NewStore(openClient(t, redistest.Start(t).Addr()))
	legacy, new := newBackend(t, true), newBackend(t, false)
	routes := testConfig(t, legacy, new).Routes
	for name, o := range map[string]ReplayOptions{
		"format":   {Routes: routes, Match: testMatch, Source: strings.NewReader(""), Format: "pcap", Store: store},
		"no store": {Routes: routes, Match: testMatch, Source: strings.NewReader(""), Format: FormatHAR},
		"bad har":  {Routes: routes, Match: testMatch, Source: strings.NewReader("{"), Format: FormatHAR, Store: store},
		"bad url":  {Routes: routes, Match: testMatch, Source: strings.NewReader(""), Format: FormatAccessLog, Store: store, NewURL: "ftp://x"},
	} {
		if _, err := Replay(context.Background(), o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// A pipe cannot be counted up front: the progress line then shows what is
// done without a bar.
func TestProgressWithoutKnownTotal(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	src, err := openSource(struct{ io.Reader }{f}, FormatAccessLog)
	if err != nil {
		t.Fatal(err)
	}
	if src.total() != 0 {
		t.Fatalf("total %d from a pipe", src.total())
	}
	n := 0
	for {
		_, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		n++
	}
	if n != 27 {
		t.Fatalf("read %d entries, want 27 (one of them bad)", n)
	}
	var out bytes.Buffer
	p := newProgress(&out, 0)
	p.done(&Summary{Replayed: 20, Compared: 8, Matched: 6, Skipped: map[string]int{"method": 2}})
	if out.String() != "\r22 done matched 75.0%\n" {
		t.Fatalf("progress %q", out.String())
	}
}

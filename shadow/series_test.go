package shadow

import (
	"context"
	"testing"
	"time"

	"github.com/strangler-dev/strangler/internal/redistest"
)

// TestReportSeriesPerMinute: the report carries one point per minute with
// data, oldest first, with that minute's own counts, and only minutes in
// the report's range.
func TestReportSeriesPerMinute(t *testing.T) {
	store := testStore(t, openClient(t, redistest.Start(t).Addr()))
	ctx := context.Background()
	t0 := time.Now().Truncate(time.Minute).Add(-20 * time.Minute)
	record := func(o Observation) {
		t.Helper()
		if err := store.Record(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	// Minute 0: 2 of 3 match. Minute 4: 1 of 1. Minute 9: only a timeout.
	record(obsAt(t0.Add(time.Second), matching(), 10, 10))
	record(obsAt(t0.Add(2*time.Second), matching(), 10, 10))
	record(obsAt(t0.Add(3*time.Second), differing("body:$.a"), 10, 10))
	record(obsAt(t0.Add(4*time.Minute+10*time.Second), matching(), 10, 10))
	timeout := obsAt(t0.Add(9*time.Minute), nil, 10, 0)
	timeout.NotComparable = NotComparableTimeout
	record(timeout)

	rep, err := store.Report(ctx, "r1", t0.Add(-time.Hour), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	want := []Point{
		{At: t0.UTC(), Compared: 3, Matched: 2},
		{At: t0.Add(4 * time.Minute).UTC(), Compared: 1, Matched: 1},
		{At: t0.Add(9 * time.Minute).UTC(), Compared: 0, Matched: 0},
	}
	if len(rep.Series) != len(want) {
		t.Fatalf("series %+v, want %+v", rep.Series, want)
	}
	for i := range want {
		if !rep.Series[i].At.Equal(want[i].At) || rep.Series[i].Compared != want[i].Compared || rep.Series[i].Matched != want[i].Matched {
			t.Errorf("point %d: %+v, want %+v", i, rep.Series[i], want[i])
		}
	}

	late, err := store.Report(ctx, "r1", t0.Add(3*time.Minute), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(late.Series) != 2 || !late.Series[0].At.Equal(t0.Add(4*time.Minute)) {
		t.Fatalf("a report from minute 3 has series %+v, want minutes 4 and 9", late.Series)
	}
	empty, err := store.Report(ctx, "no-data", t0, time.Now())
	if err != nil || empty.Series == nil || len(empty.Series) != 0 {
		t.Fatalf("a route without data: series %#v (%v), want an empty list", empty.Series, err)
	}
}

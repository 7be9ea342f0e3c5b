package shadow

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/shadow/diff"
)

// Report adds up a route's minutes from since to now (whole minutes, both
// ends included) and classifies each field against its endpoint's noise.
func (s *Store) Report(ctx context.Context, route string, since, now time.Time) (Report, error) {
	rep := Report{Route: route, Since: since.UTC(), Until: now.UTC(), Thresholds: s.thresholds, Stats: newStats(),
		Endpoints: []EndpointReport{}, Fields: []FieldReport{}, Series: []Point{}}
	if err := checkRoute(route); err != nil {
		return rep, err
	}
	minutes, err := s.minutes(ctx, route, since, now)
	if err != nil {
		return rep, err
	}
	cmds := make(rueidis.Commands, 0, 3*len(minutes))
	for _, m := range minutes {
		cmds = append(cmds, s.c.B().Hgetall().Key(minuteKey(route, m)).Build(),
			s.c.B().Hgetall().Key(endpointsKey(route, m)).Build(),
			s.c.B().Hgetall().Key(fieldsKey(route, m)).Build())
	}
	endpoints := map[string]*EndpointReport{}
	fields := map[[2]string]*FieldReport{}
	for i, r := range s.c.DoMulti(ctx, cmds...) {
		h, err := r.AsIntMap()
		if err != nil {
			return rep, fmt.Errorf("route %q: report: %w", route, err)
		}
		if i%3 == 0 {
			rep.Series = append(rep.Series, Point{At: time.Unix(minutes[i/3]*60, 0).UTC(), Compared: h[cCompared], Matched: h[cMatched]})
		}
		for name, n := range h {
			switch i % 3 {
			case 0:
				rep.add(name, n)
			case 1:
				addEndpoint(endpoints, name, n)
			default:
				addField(fields, name, n)
			}
		}
	}
	rep.finish()
	for _, e := range endpoints {
		e.finish()
		rep.Endpoints = append(rep.Endpoints, *e)
	}
	sort.Slice(rep.Endpoints, func(i, j int) bool {
		a, b := rep.Endpoints[i], rep.Endpoints[j]
		if a.Differing != b.Differing {
			return a.Differing > b.Differing
		}
		return a.Endpoint < b.Endpoint
	})
	for _, f := range fields {
		var ep Stats
		if e := endpoints[f.Endpoint]; e != nil {
			ep = e.Stats
		}
		v := diff.Classify(f.Raw, f.Noise, ep.Compared, ep.NoiseSamples, s.thresholds)
		f.Verdict = Verdict{Real: v.Real, RawRate: v.RawRate, NoiseRate: v.NoiseRate, Relative: v.Relative, Absolute: v.Absolute}
		rep.Fields = append(rep.Fields, *f)
	}
	rankFields(rep.Fields)
	if err := s.loadSamples(ctx, &rep); err != nil {
		return rep, err
	}
	return rep, nil
}

// minutes lists the minutes with data between from and to.
func (s *Store) minutes(ctx context.Context, route string, from, to time.Time) ([]int64, error) {
	members, err := s.c.Do(ctx, s.c.B().Zrange().Key(indexKey(route)).
		Min(strconv.FormatInt(minuteOf(from), 10)).Max(strconv.FormatInt(minuteOf(to), 10)).Byscore().Build()).AsStrSlice()
	if err != nil {
		return nil, fmt.Errorf("route %q: minutes: %w", route, err)
	}
	out := make([]int64, 0, len(members))
	for _, m := range members {
		if n, err := strconv.ParseInt(m, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out, nil
}

func addEndpoint(eps map[string]*EndpointReport, field string, n int64) {
	name, ep, ok := strings.Cut(field, "\t")
	if !ok {
		return
	}
	e := eps[ep]
	if e == nil {
		e = &EndpointReport{Endpoint: ep, Stats: newStats()}
		eps[ep] = e
	}
	e.add(name, n)
}

func addField(fields map[[2]string]*FieldReport, field string, n int64) {
	parts := strings.SplitN(field, "\t", 3)
	if len(parts) != 3 {
		return
	}
	key := [2]string{parts[1], parts[2]}
	f := fields[key]
	if f == nil {
		f = &FieldReport{Endpoint: parts[1], Template: parts[2], Kinds: map[string]int64{}, Samples: []Sample{}}
		fields[key] = f
	}
	switch counter := parts[0]; {
	case counter == fRaw:
		f.Raw += n
	case counter == fNoise:
		f.Noise += n
	case strings.HasPrefix(counter, pKind):
		f.Kinds[counter[len(pKind):]] += n
	}
}

// rankFields puts real differences first, the clearest on top, then the
// rest by raw count.
func rankFields(fs []FieldReport) {
	sort.Slice(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		switch {
		case a.Verdict.Real != b.Verdict.Real:
			return a.Verdict.Real
		case a.Verdict.Real && a.Verdict.Absolute != b.Verdict.Absolute:
			return a.Verdict.Absolute > b.Verdict.Absolute
		case a.Raw != b.Raw:
			return a.Raw > b.Raw
		case a.Endpoint != b.Endpoint:
			return a.Endpoint < b.Endpoint
		}
		return a.Template < b.Template
	})
}

// loadSamples reads each field's samples taken within the report's range.
func (s *Store) loadSamples(ctx context.Context, rep *Report) error {
	if len(rep.Fields) == 0 {
		return nil
	}
	n := s.perField.Load()
	cmds := make(rueidis.Commands, len(rep.Fields))
	for i, f := range rep.Fields {
		cmds[i] = s.c.B().Lrange().Key(sampleKey(rep.Route, f.Endpoint, f.Template)).Start(0).Stop(n - 1).Build()
	}
	from := rep.Since.Truncate(time.Minute)
	for i, r := range s.c.DoMulti(ctx, cmds...) {
		items, err := r.AsStrSlice()
		if err != nil {
			return fmt.Errorf("route %q: samples: %w", rep.Route, err)
		}
		for _, it := range items {
			var sm Sample
			if json.Unmarshal([]byte(it), &sm) != nil || sm.At.Before(from) || minuteOf(sm.At) > minuteOf(rep.Until) {
				continue
			}
			rep.Fields[i].Samples = append(rep.Fields[i].Samples, sm)
		}
	}
	return nil
}

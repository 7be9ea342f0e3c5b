package shadow

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/shadow/diff"
)

// Counter names in the route and endpoint hashes.
const (
	cCompared  = "compared"
	cMatched   = "matched"
	cDiffering = "differing"
	cNoise     = "noise"
	cNewReq    = "new:req"
	cNew5xx    = "new:5xx"
	pNC        = "nc:"
	pLatency   = "lat:"
	fRaw       = "raw"
	fNoise     = "noise"
	pKind      = "kind:"
)

// maxSampleDifferences caps the differences kept with one sample.
const maxSampleDifferences = 50

// Record adds one observation to the counters of its minute, its endpoint
// and its fields, and pushes its sample where one is due. All of it goes to
// Redis in one pipelined round trip.
func (s *Store) Record(ctx context.Context, obs Observation) error {
	if err := checkRoute(obs.Route); err != nil {
		return err
	}
	if obs.Result == nil && obs.reason() == "" {
		return fmt.Errorf("route %q: an observation needs a Result or a NotComparable reason", obs.Route)
	}
	if obs.At.IsZero() {
		obs.At = time.Now()
	}
	w := s.newWriter(obs.Route, obs.At)
	ep := endpointOf(obs.Method, obs.Path)
	for _, name := range obs.counters() {
		w.incr(w.mk, name, 1)
		w.incr(w.ek, name+"\t"+ep, 1)
	}
	if obs.reason() == "" && obs.Result != nil {
		for t, kinds := range fieldKinds(obs.Result) {
			w.incr(w.fk, fRaw+"\t"+ep+"\t"+t, 1)
			for _, k := range kinds {
				w.incr(w.fk, pKind+string(k)+"\t"+ep+"\t"+t, 1)
			}
			if err := s.sample(w, &obs, ep, t); err != nil {
				return err
			}
		}
		if obs.Noise != nil {
			for t := range fieldKinds(obs.Noise) {
				w.incr(w.fk, fNoise+"\t"+ep+"\t"+t, 1)
			}
		}
	}
	return w.flush(ctx)
}

// recordMissed adds n join misses at once, the sweeper's batch.
func (s *Store) recordMissed(ctx context.Context, route, endpoint string, at time.Time, n int64) error {
	if err := checkRoute(route); err != nil {
		return err
	}
	w := s.newWriter(route, at)
	name := pNC + NotComparableJoinMissed
	w.incr(w.mk, name, n)
	w.incr(w.ek, name+"\t"+endpoint, n)
	return w.flush(ctx)
}

// counters are the route and endpoint counters one observation adds 1 to.
func (o *Observation) counters() []string {
	out := make([]string, 0, 6)
	switch r := o.reason(); {
	case r != "":
		out = append(out, pNC+r)
	case o.Result.Match:
		out = append(out, cCompared, cMatched)
	default:
		out = append(out, cCompared, cDiffering)
	}
	if o.Noise != nil && o.reason() == "" {
		out = append(out, cNoise)
	}
	if o.Legacy.Latency > 0 {
		out = append(out, pLatency+SideLegacy+":"+latencyBucket(o.Legacy.Latency))
	}
	if o.New.Latency > 0 {
		out = append(out, pLatency+SideNew+":"+latencyBucket(o.New.Latency))
	}
	if o.New.answered() {
		out = append(out, cNewReq)
		if o.New.errored() {
			out = append(out, cNew5xx)
		}
	}
	return out
}

// fieldKinds groups a result's differences by field template: a field counts
// once per pair however many array elements differ in it.
func fieldKinds(res *diff.Result) map[string][]diff.Kind {
	out := make(map[string][]diff.Kind, len(res.Differences))
	for _, d := range res.Differences {
		kinds := out[d.Template]
		seen := false
		for _, k := range kinds {
			seen = seen || k == d.Kind
		}
		if !seen {
			out[d.Template] = append(kinds, d.Kind)
		}
	}
	return out
}

// sample pushes the pair as a sample of field t when one is due.
func (s *Store) sample(w *writer, obs *Observation, ep, t string) error {
	key := sampleKey(obs.Route, ep, t)
	if !s.dueSample(key, obs.At) {
		return nil
	}
	if w.sample == nil {
		b, err := json.Marshal(newSample(obs))
		if err != nil {
			return fmt.Errorf("route %q: sample: %w", obs.Route, err)
		}
		w.sample = b
	}
	n := s.perField.Load()
	w.cmds = append(w.cmds,
		w.c.B().Lpush().Key(key).Element(rueidis.BinaryString(w.sample)).Build(),
		w.c.B().Ltrim().Key(key).Start(0).Stop(n-1).Build(),
		w.c.B().Expire().Key(key).Seconds(w.ttl).Build())
	return nil
}

func newSample(obs *Observation) Sample {
	res := obs.Result
	legacy, candidate := obs.samples()
	sm := Sample{At: obs.At.UTC(), RequestID: obs.RequestID, Method: obs.Method, Path: obs.Path, Served: obs.Served,
		LegacyStatus: obs.Legacy.Status, NewStatus: obs.New.Status, Omitted: res.Omitted,
		Legacy: string(legacy), New: string(candidate)}
	for i, d := range res.Differences {
		if i == maxSampleDifferences {
			sm.Omitted += len(res.Differences) - i
			break
		}
		sm.Differences = append(sm.Differences, SampleDifference{Path: d.Path, Template: d.Template, Kind: string(d.Kind),
			Legacy: d.Legacy, New: d.Candidate, Redacted: d.Redacted})
	}
	return sm
}

// writer batches one observation's commands.
type writer struct {
	c          rueidis.Client
	route      string
	minute     int64
	mk, ek, fk string
	ttl        int64
	touched    map[string]bool
	cmds       rueidis.Commands
	sample     []byte
}

func (s *Store) newWriter(route string, at time.Time) *writer {
	m := minuteOf(at)
	return &writer{c: s.c, route: route, minute: m, mk: minuteKey(route, m), ek: endpointsKey(route, m),
		fk: fieldsKey(route, m), ttl: int64(s.retention / time.Second), touched: map[string]bool{}}
}

func (w *writer) incr(key, field string, n int64) {
	w.touched[key] = true
	w.cmds = append(w.cmds, w.c.B().Hincrby().Key(key).Field(field).Increment(n).Build())
}

func (w *writer) flush(ctx context.Context) error {
	for k := range w.touched {
		w.cmds = append(w.cmds, w.c.B().Expire().Key(k).Seconds(w.ttl).Build())
	}
	idx := indexKey(w.route)
	m := strconv.FormatInt(w.minute, 10)
	oldest := strconv.FormatInt(w.minute-w.ttl/60, 10)
	w.cmds = append(w.cmds,
		w.c.B().Zadd().Key(idx).ScoreMember().ScoreMember(float64(w.minute), m).Build(),
		w.c.B().Zremrangebyscore().Key(idx).Min("-inf").Max("("+oldest).Build(),
		w.c.B().Expire().Key(idx).Seconds(w.ttl).Build(),
		w.c.B().Zadd().Key(routesKey).ScoreMember().ScoreMember(float64(time.Now().Unix()), w.route).Build())
	for _, r := range w.c.DoMulti(ctx, w.cmds...) {
		if err := r.Error(); err != nil {
			return fmt.Errorf("route %q: store: %w", w.route, err)
		}
	}
	return nil
}

package ratelimit

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/strangler-dev/strangler/internal/redistest"
)

// The GCRA script is tested on a real redis-server with the clock line
// swapped for one that reads "now" from the last argument, so long request
// schedules (hours of simulated time) run in milliseconds. Everything below
// the clock line is the production script.
var testClockScript = newScript("local now = tonumber(ARGV[#ARGV])\n")

type scriptRig struct {
	t     *testing.T
	redis Redis
	raw   rueidis.Client
}

func newRueidis(t testing.TB, addrs ...string) rueidis.Client {
	t.Helper()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: addrs, DisableCache: true})
	if err != nil {
		t.Fatalf("rueidis: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func newScriptRig(t *testing.T) *scriptRig {
	srv := redistest.Start(t)
	c := newRueidis(t, srv.Addr())
	return &scriptRig{t: t, redis: FromRueidis(c), raw: c}
}

type scriptKey struct {
	key    string
	l      Limit
	cost   int64
	shadow bool
}

// decide runs the script at simulated time nowUS and returns admit and the
// per-key figures (verdict, remaining, reset µs, retry µs).
func (r *scriptRig) decide(nowUS int64, keys ...scriptKey) (bool, [][4]int64) {
	r.t.Helper()
	out := r.call(opDecide, nowUS, keys)
	res := make([][4]int64, len(keys))
	for i := range keys {
		copy(res[i][:], out[1+4*i:])
	}
	return out[0] == 1, res
}

func (r *scriptRig) call(op string, nowUS int64, keys []scriptKey) []int64 {
	r.t.Helper()
	ks := make([]string, len(keys))
	args := []string{op, "1", itoa(len(keys))}
	for i, k := range keys {
		ks[i] = k.key
		a := newRate(k.l).args()
		shadow := "0"
		if k.shadow {
			shadow = "1"
		}
		args = append(args, a[0], a[1], a[2], costArg(max(k.cost, 1)), shadow)
	}
	args = append(args, costArg(nowUS))
	out, err := r.redis.EvalSHA(context.Background(), testClockScript.sha, ks, args, nil)
	if err != nil && isNoScript(err) {
		out, err = r.redis.Eval(context.Background(), testClockScript.src, ks, args, nil)
	}
	if err != nil {
		r.t.Fatalf("script: %v", err)
	}
	return out
}

func (r *scriptRig) get(key string) string {
	v, err := r.raw.Do(context.Background(), r.raw.B().Get().Key(key).Build()).ToString()
	if err != nil && !rueidis.IsRedisNil(err) {
		r.t.Fatalf("get %s: %v", key, err)
	}
	return v
}

const t0 = int64(1_800_000_000_000_000) // a 2027 instant, in µs: real magnitudes

func TestFreshKeyFigures(t *testing.T) {
	r := newScriptRig(t)
	l := Limit{Count: 10, Period: time.Second, Burst: 10}
	ok, res := r.decide(t0, scriptKey{key: "fresh", l: l})
	if !ok || res[0] != [4]int64{0, 9, 100_000, 0} {
		t.Fatalf("fresh key with burst 10: admit %v, figures %v; want remaining 9, reset 100ms", ok, res[0])
	}
	// Nine more at the same instant use the burst up; the eleventh waits one
	// emission interval (100 ms).
	for i := 8; i >= 0; i-- {
		ok, res = r.decide(t0, scriptKey{key: "fresh", l: l})
		if !ok || res[0][1] != int64(i) {
			t.Fatalf("request %d: admit %v figures %v", 10-i, ok, res[0])
		}
	}
	ok, res = r.decide(t0, scriptKey{key: "fresh", l: l})
	if ok || res[0] != [4]int64{1, 0, 1_000_000, 100_000} {
		t.Fatalf("11th at once: admit %v figures %v; want over, reset 1s, retry 100ms", ok, res[0])
	}
	ok, _ = r.decide(t0+99_999, scriptKey{key: "fresh", l: l})
	if ok {
		t.Fatal("admitted 1µs before the retry time")
	}
	ok, res = r.decide(t0+100_000, scriptKey{key: "fresh", l: l})
	if !ok || res[0][1] != 0 {
		t.Fatalf("at the retry time: admit %v figures %v", ok, res[0])
	}
	ttl, err := r.raw.Do(context.Background(), r.raw.B().Pttl().Key("fresh").Build()).AsInt64()
	if err != nil || ttl < 990 || ttl > 1000 {
		t.Fatalf("key TTL %d ms (%v), want the 1 s until the limit is idle", ttl, err)
	}
}

// window checks the GCRA bound on a list of admitted times: in any stretch
// [t_i, t_j], j-i+1 <= (t_j-t_i)*Count/Period + Burst. With
// f(k) = k*Period - t_k*Count this is f(j) - min_{i<=j} f(i) <= (Burst-1)*Period,
// one pass instead of all pairs.
func window(t *testing.T, admitted []int64, l Limit) {
	t.Helper()
	p, c, b := int64(l.Period/time.Microsecond), l.Count, newRate(l).burst
	minF := int64(0)
	for k, at := range admitted {
		f := int64(k)*p - (at-t0)*c
		if k == 0 || f < minF {
			minF = f
		}
		if f-minF > (b-1)*p {
			t.Fatalf("%d per %v burst %d: admitted more than rate*window+burst by request %d at +%dµs", l.Count, l.Period, b, k, at-t0)
		}
	}
}

func TestLongRunNeverAboveRatePlusBurst(t *testing.T) {
	r := newScriptRig(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, l := range []Limit{
		{Count: 3, Period: time.Second, Burst: 1},
		{Count: 7, Period: time.Minute, Burst: 3},
		{Count: 1000, Period: time.Hour, Burst: 50},
		{Count: 50, Period: time.Second, Burst: 0}, // burst = count
	} {
		key := l.Period.String() + "-" + costArg(l.Count)
		interval := int64(l.Period/time.Microsecond) / l.Count
		now, admitted := t0, []int64{}
		for range 4000 {
			// Bursts, idle gaps and overload: exponential gaps averaging a third
			// of the interval, now and then a long pause.
			gap := int64(rng.ExpFloat64() * float64(interval) / 3)
			if rng.IntN(50) == 0 {
				gap = interval * int64(rng.IntN(int(newRate(l).burst)+3))
			}
			now += gap
			if ok, _ := r.decide(now, scriptKey{key: key, l: l}); ok {
				admitted = append(admitted, now)
			}
		}
		window(t, admitted, l)
		if len(admitted) < 100 {
			t.Fatalf("%v: only %d admitted: the schedule does not exercise the limit", l, len(admitted))
		}
	}
}

func TestOverloadAdmitsExactlyTheRate(t *testing.T) {
	r := newScriptRig(t)
	l := Limit{Count: 7, Period: time.Second, Burst: 4}
	interval := float64(time.Second/time.Microsecond) / 7
	var admitted []int64
	var last int64
	for k := range 20000 { // four times the rate, for ~11 simulated minutes
		last = t0 + int64(float64(k)*interval/4)
		if ok, _ := r.decide(last, scriptKey{key: "overload", l: l}); ok {
			admitted = append(admitted, last)
		}
	}
	window(t, admitted, l)
	// Under constant overload GCRA wastes nothing: burst + rate*elapsed.
	want := int((last-t0)*7/1_000_000) + 4
	if n := len(admitted); n < want-1 || n > want {
		t.Fatalf("admitted %d over %dµs, want %d (-1)", n, last-t0, want)
	}
}

func TestSteadyClientAtTheRateIsNeverRejected(t *testing.T) {
	r := newScriptRig(t)
	// The client sends at ceil(k*Period/Count) µs, up to 1µs late, so it
	// needs a burst of 2 (one interval of jitter tolerance). Emission
	// intervals that are not whole microseconds: a rounded-up interval would
	// drift and reject, fastest where the interval is a few µs.
	for _, l := range []Limit{
		{Count: 3, Period: time.Second, Burst: 2},
		{Count: 7, Period: time.Minute, Burst: 2},
		{Count: 1000, Period: time.Hour, Burst: 2},
		{Count: 999_983, Period: time.Second, Burst: 2},
		{Count: 700_001, Period: time.Second, Burst: 2},
	} {
		key := "steady-" + costArg(l.Count) + l.Period.String()
		p := int64(l.Period / time.Microsecond)
		for k := range int64(3000) {
			at := t0 + (k*p+l.Count-1)/l.Count
			if ok, res := r.decide(at, scriptKey{key: key, l: l}); !ok {
				t.Fatalf("%d per %v: request %d at exactly the rate rejected: %v", l.Count, l.Period, k, res)
			}
		}
	}
}

func TestRejectedRequestConsumesNothing(t *testing.T) {
	r := newScriptRig(t)
	// Keys expire in real time (PX) while this test's clock is simulated:
	// intervals of 600 ms keep them alive for the test's duration.
	a := scriptKey{key: "rl:{g}:a:x", l: Limit{Count: 100, Period: time.Minute, Burst: 100}}
	b := scriptKey{key: "rl:{g}:b:x", l: Limit{Count: 1, Period: time.Minute, Burst: 1}}
	if ok, _ := r.decide(t0, a, b); !ok {
		t.Fatal("first request rejected")
	}
	before := r.get(a.key)
	ok, res := r.decide(t0+10, a, b)
	if ok || res[0][0] != 0 || res[1][0] != 1 {
		t.Fatalf("second request: admit %v figures %v; want rejected by b only", ok, res)
	}
	if after := r.get(a.key); after != before {
		t.Fatalf("limit a's key changed on a rejected request: %q -> %q", before, after)
	}
	// a's figures describe its state as it stays: 99 left (98 had the
	// rejected request consumed), 10µs into a 600ms interval.
	if res[0][1] != 99 {
		t.Fatalf("a reported remaining %d on a rejected request, want the unchanged 99", res[0][1])
	}
}

func TestShadowKeyBehavesAsIfEnforcedAlone(t *testing.T) {
	r := newScriptRig(t)
	en := scriptKey{key: "rl:{g}:en:x", l: Limit{Count: 100, Period: time.Second, Burst: 100}}
	sh := scriptKey{key: "rl:{g}:sh:x", l: Limit{Count: 1, Period: time.Minute, Burst: 1}, shadow: true}
	r.decide(t0, en, sh)
	shBefore := r.get(sh.key)
	ok, res := r.decide(t0+1, en, sh)
	if !ok || res[1][0] != 1 {
		t.Fatalf("shadow over limit must not reject: admit %v figures %v", ok, res)
	}
	if got := r.get(sh.key); got != shBefore {
		t.Fatalf("the shadow key consumed on its own rejection: %q -> %q", shBefore, got)
	}
}

func TestRefundGivesBack(t *testing.T) {
	r := newScriptRig(t)
	k := scriptKey{key: "refund", l: Limit{Count: 2, Period: time.Minute, Burst: 2}}
	r.decide(t0, k)
	r.decide(t0, k)
	if ok, _ := r.decide(t0, k); ok {
		t.Fatal("third admitted")
	}
	r.call(opRefund, t0, []scriptKey{k})
	if ok, _ := r.decide(t0, k); !ok {
		t.Fatal("refund gave nothing back")
	}
}

func TestBatchedDecisionsSeeEachOther(t *testing.T) {
	r := newScriptRig(t)
	a := newRate(Limit{Count: 1, Period: time.Minute, Burst: 1}).args()
	one := []string{"1", a[0], a[1], a[2], "1", "0"}
	// Three decisions in one call: the first two share a key (burst 1).
	args := append([]string{opDecide, "3"}, one...)
	args = append(append(args, one...), one...)
	args = append(args, costArg(t0))
	out, err := r.redis.Eval(context.Background(), testClockScript.src, []string{"same", "same", "other"}, args, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 15 || out[0] != 1 || out[5] != 0 || out[10] != 1 {
		t.Fatalf("batch of three: %v; want admitted, rejected (the first took the burst), admitted", out)
	}
}

package rollout

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/redis/rueidis"
)

// Redis layout. A route's keys share its name as hash tag, so the state
// and its history live in one Redis Cluster slot and one script writes both.
const (
	keyPrefix      = "strangler:rollout:"
	changesChannel = keyPrefix + "changes" // PUBLISHed route names, for other replicas
	leaseKey       = keyPrefix + "lease"
)

func stateKey(route string) string   { return keyPrefix + "{" + route + "}:state" }
func historyKey(route string) string { return keyPrefix + "{" + route + "}:history" }

// The state hash: v (version, bumped by every write), json (the rollout
// state; absent when the route has none), file (the file percent last put
// in history, for routes without a rollout), e (epoch: a random name given
// when the hash is created, so a replica can tell a hash recreated after
// Redis lost its data, whose versions start again, from a stale read).
const (
	fieldVersion = "v"
	fieldState   = "json"
	fieldFile    = "file"
	fieldEpoch   = "e"
)

// writeScript is a compare-and-set on the version, so a write based on a
// stale read fails instead of undoing someone else's change; the history
// and the change notice go with it or not at all.
//
// KEYS: state hash, history list. ARGV: expected version, state JSON ("" to
// delete), file marker ("" to leave), history cap, channel, route, epoch
// (used if the hash is new), events...
var writeScript = rueidis.NewLuaScript(`
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return -1 end
if v == 0 then redis.call('HSET', KEYS[1], 'e', ARGV[7]) end
v = v + 1
redis.call('HSET', KEYS[1], 'v', v)
if ARGV[2] == '' then redis.call('HDEL', KEYS[1], 'json') else redis.call('HSET', KEYS[1], 'json', ARGV[2]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'file', ARGV[3]) end
for i = 8, #ARGV do redis.call('LPUSH', KEYS[2], ARGV[i]) end
if #ARGV >= 8 then redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[4]) - 1) end
redis.call('PUBLISH', ARGV[5], ARGV[6])
return v
`)

type store struct {
	c          rueidis.Client
	historyCap int
}

// stored is one route's hash as read.
type stored struct {
	version int64
	st      *state // nil: no rollout state
	file    string // file marker, "" when never written
	epoch   string
}

func (s *store) loadCmd(route string) rueidis.Completed {
	return s.c.B().Hmget().Key(stateKey(route)).Field(fieldVersion, fieldState, fieldFile, fieldEpoch).Build()
}

func decodeStored(route string, r rueidis.RedisResult) (stored, error) {
	vals, err := r.ToArray()
	if err != nil {
		return stored{}, fmt.Errorf("route %q: read rollout state: %w", route, err)
	}
	var out stored
	if len(vals) != 4 {
		return out, fmt.Errorf("route %q: read rollout state: %d fields, want 4", route, len(vals))
	}
	if v, err := vals[0].ToString(); err == nil {
		if out.version, err = strconv.ParseInt(v, 10, 64); err != nil {
			return out, fmt.Errorf("route %q: rollout state version %q: %w", route, v, err)
		}
	}
	if raw, err := vals[1].ToString(); err == nil {
		out.st = new(state)
		if err := json.Unmarshal([]byte(raw), out.st); err != nil {
			return out, fmt.Errorf("route %q: decode rollout state: %w", route, err)
		}
	}
	out.file, _ = vals[2].ToString()
	out.epoch, _ = vals[3].ToString()
	return out, nil
}

func (s *store) load(ctx context.Context, route string) (stored, error) {
	return decodeStored(route, s.c.Do(ctx, s.loadCmd(route)))
}

// loadMany reads many routes in one round trip (one per node in a cluster).
func (s *store) loadMany(ctx context.Context, names []string) (map[string]stored, error) {
	cmds := make(rueidis.Commands, len(names))
	for i, n := range names {
		cmds[i] = s.loadCmd(n)
	}
	out := make(map[string]stored, len(names))
	for i, r := range s.c.DoMulti(ctx, cmds...) {
		st, err := decodeStored(names[i], r)
		if err != nil {
			return nil, err
		}
		out[names[i]] = st
	}
	return out, nil
}

// write stores st (nil removes the rollout state) if the route is still as
// cur was read, and returns it as now stored. ok false: someone else wrote
// first; read again.
func (s *store) write(ctx context.Context, route string, cur stored, st *state, fileMarker string, events []Event) (stored, bool, error) {
	stateJSON := ""
	if st != nil {
		b, err := json.Marshal(st)
		if err != nil {
			return cur, false, fmt.Errorf("route %q: encode rollout state: %w", route, err)
		}
		stateJSON = string(b)
	}
	out := stored{version: cur.version, st: st, file: cur.file, epoch: cur.epoch}
	if fileMarker != "" {
		out.file = fileMarker
	}
	if cur.version == 0 {
		out.epoch = rand.Text()
	}
	args := []string{strconv.FormatInt(cur.version, 10), stateJSON, fileMarker, strconv.Itoa(s.historyCap), changesChannel, route, out.epoch}
	for _, e := range events {
		b, err := json.Marshal(e)
		if err != nil {
			return cur, false, fmt.Errorf("route %q: encode history event: %w", route, err)
		}
		args = append(args, string(b))
	}
	v, err := writeScript.Exec(ctx, s.c, []string{stateKey(route), historyKey(route)}, args).AsInt64()
	if err != nil {
		return cur, false, fmt.Errorf("route %q: write rollout state: %w", route, err)
	}
	out.version = v
	return out, v >= 0, nil
}

// history is newest first.
func (s *store) history(ctx context.Context, route string, limit int) ([]Event, error) {
	raw, err := s.c.Do(ctx, s.c.B().Lrange().Key(historyKey(route)).Start(0).Stop(int64(limit)-1).Build()).AsStrSlice()
	if err != nil {
		return nil, fmt.Errorf("route %q: read history: %w", route, err)
	}
	out := make([]Event, 0, len(raw))
	for _, r := range raw {
		var e Event
		if err := json.Unmarshal([]byte(r), &e); err != nil {
			return nil, fmt.Errorf("route %q: decode history event: %w", route, err)
		}
		out = append(out, e)
	}
	return out, nil
}

package ratelimit

import (
	"context"
	"fmt"
	"strings"

	"github.com/redis/rueidis"
)

// Redis is what the service needs from a Redis client: run a Lua script on
// the node that owns its keys. Implementations are safe for concurrent use.
type Redis interface {
	// EvalSHA runs the script cached under sha1 and appends the integers it
	// returns to dst. An error whose text starts with "NOSCRIPT" means the
	// node has not cached the script.
	EvalSHA(ctx context.Context, sha1 string, keys, args []string, dst []int64) ([]int64, error)
	// Eval runs a script from its source; Redis caches it on that node as a
	// side effect, which is how a NOSCRIPT node is loaded: SCRIPT LOAD would
	// not know which cluster node to go to.
	Eval(ctx context.Context, src string, keys, args []string, dst []int64) ([]int64, error)
	// CrossSlot reports whether one script may touch keys of different
	// hash slots: true for a single Redis, false for Redis Cluster.
	CrossSlot() bool
}

func isNoScript(err error) bool { return strings.HasPrefix(err.Error(), "NOSCRIPT") }

// FromRueidis adapts a rueidis client. rueidis pipelines concurrent calls on
// shared connections by itself, which is what makes it the faster choice
// here (see bench_client_test.go).
func FromRueidis(c rueidis.Client) Redis { return rueidisRedis{c} }

type rueidisRedis struct{ c rueidis.Client }

func (r rueidisRedis) EvalSHA(ctx context.Context, sha1 string, keys, args []string, dst []int64) ([]int64, error) {
	cmd := r.c.B().Evalsha().Sha1(sha1).Numkeys(int64(len(keys))).Key(keys...).Arg(args...).Build()
	return appendInts(r.c.Do(ctx, cmd), dst)
}

func (r rueidisRedis) Eval(ctx context.Context, src string, keys, args []string, dst []int64) ([]int64, error) {
	cmd := r.c.B().Eval().Script(src).Numkeys(int64(len(keys))).Key(keys...).Arg(args...).Build()
	return appendInts(r.c.Do(ctx, cmd), dst)
}

func (r rueidisRedis) CrossSlot() bool { return r.c.Mode() != rueidis.ClientModeCluster }

func appendInts(res rueidis.RedisResult, dst []int64) ([]int64, error) {
	msgs, err := res.ToArray()
	if err != nil {
		return dst, err
	}
	for i := range msgs {
		v, err := msgs[i].AsInt64()
		if err != nil {
			return dst, fmt.Errorf("script reply %d: %w", i, err)
		}
		dst = append(dst, v)
	}
	return dst, nil
}

package ratelimit

import (
	"context"

	"github.com/redis/go-redis/v9"
)

// goRedis is the go-redis/v9 side of the client comparison
// (bench_client_test.go). It lost to rueidis, so it lives in a test file.
type goRedis struct{ c redis.UniversalClient }

func (g goRedis) EvalSHA(ctx context.Context, sha1 string, keys, args []string, dst []int64) ([]int64, error) {
	return appendGoRedis(g.c.EvalSha(ctx, sha1, keys, anys(args)...), dst)
}

func (g goRedis) Eval(ctx context.Context, src string, keys, args []string, dst []int64) ([]int64, error) {
	return appendGoRedis(g.c.Eval(ctx, src, keys, anys(args)...), dst)
}

func (g goRedis) CrossSlot() bool {
	_, cluster := g.c.(*redis.ClusterClient)
	return !cluster
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func appendGoRedis(cmd *redis.Cmd, dst []int64) ([]int64, error) {
	vs, err := cmd.Int64Slice()
	if err != nil {
		return dst, err
	}
	return append(dst, vs...), nil
}

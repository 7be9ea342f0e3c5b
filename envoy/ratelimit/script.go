package ratelimit

import (
	"crypto/sha1"
	_ "embed"
	"encoding/hex"
)

//go:embed gcra.lua
var gcraBody string

// redisClock makes Redis TIME the only clock: every service instance and
// every shard then agree on "now", whatever their own clocks say.
const redisClock = "local t = redis.call('TIME')\nlocal now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"

// script is the decision script with its SHA1, for EVALSHA.
type script struct {
	src string
	sha string
}

func newScript(clock string) *script {
	src := clock + gcraBody
	sum := sha1.Sum([]byte(src))
	return &script{src: src, sha: hex.EncodeToString(sum[:])}
}

var gcraScript = newScript(redisClock)

// Script operations, ARGV[1].
const (
	opDecide = "d"
	opRefund = "r"
)

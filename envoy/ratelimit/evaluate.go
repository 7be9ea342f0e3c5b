package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// evaluate decides every slot in Redis. On a single Redis the decision
// joins a batch (batch.go): one script call for it and whatever other
// decisions are waiting. On Redis Cluster one call can only reach one slot,
// so each group (hash tag) gets its own call, in turn; if a later group
// rejects, the groups already admitted are refunded, so a rejected request
// still consumes nothing (give or take what a concurrent request saw
// meanwhile).
func (s *Service) evaluate(ctx context.Context, d *decision) error {
	if oneGroup(d) {
		_, err := s.run(ctx, d, opDecide, nil)
		return err
	}
	var admitted [][]int
	for _, idx := range groups(d) {
		ok, err := s.run(ctx, d, opDecide, idx)
		if err != nil || !ok {
			s.refund(d, admitted)
			return err
		}
		admitted = append(admitted, idx)
	}
	return nil
}

func oneGroup(d *decision) bool {
	for i := 1; i < len(d.slots); i++ {
		if d.slots[i].lim.Group != d.slots[0].lim.Group {
			return false
		}
	}
	return true
}

// groups lists slot indices per group, in order of first appearance.
func groups(d *decision) [][]int {
	var out [][]int
	byGroup := map[string]int{}
	for i := range d.slots {
		g := d.slots[i].lim.Group
		j, ok := byGroup[g]
		if !ok {
			j = len(out)
			byGroup[g] = j
			out = append(out, nil)
		}
		out[j] = append(out[j], i)
	}
	return out
}

// refund gives back what admitted groups consumed, on its own deadline:
// the decision's may be spent. Best effort, like any compensation.
func (s *Service) refund(d *decision, admitted [][]int) {
	if len(admitted) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.table.Load().cfg.RedisTimeout)
	defer cancel()
	for _, idx := range admitted {
		var consumed []int
		for _, i := range idx {
			if !d.slots[i].over {
				consumed = append(consumed, i)
			}
		}
		if len(consumed) == 0 {
			continue
		}
		if _, err := s.run(ctx, d, opRefund, consumed); err != nil {
			s.log.Warn("rate limit refund failed", "err", err)
		}
	}
}

// run makes one script call for the slots idx (nil: all) of one decision
// and, for opDecide, files the verdicts; it reports whether the script
// admitted the request.
func (s *Service) run(ctx context.Context, d *decision, op string, idx []int) (bool, error) {
	keys, args := appendDecision(d.keys[:0], append(d.args[:0], op, "1"), d, idx)
	out, err := s.script(ctx, keys, args, d.out[:0])
	d.keys, d.args, d.out = keys, args, out
	if err != nil || op == opRefund {
		return false, err
	}
	admit, rest, err := fileDecision(d, idx, out)
	if err == nil && len(rest) != 0 {
		err = fmt.Errorf("decision script returned %d numbers too many", len(rest))
	}
	return admit, err
}

// script runs the decision script, loading it where Redis lost it.
func (s *Service) script(ctx context.Context, keys, args []string, dst []int64) ([]int64, error) {
	start := time.Now()
	out, err := s.redis.EvalSHA(ctx, gcraScript.sha, keys, args, dst)
	if err != nil && isNoScript(err) {
		out, err = s.redis.Eval(ctx, gcraScript.src, keys, args, dst[:0])
	}
	s.m.redisSeconds.Observe(time.Since(start).Seconds())
	return out, err
}

// appendDecision appends one decision's part of a script call: its keys,
// and its key count followed by five arguments per key.
func appendDecision(keys, args []string, d *decision, idx []int) ([]string, []string) {
	n := len(d.slots)
	if idx != nil {
		n = len(idx)
	}
	args = append(args, itoa(n))
	for j := range n {
		sl := &d.slots[at(idx, j)]
		keys = append(keys, string(d.key(sl)))
		args = append(args, sl.lim.args[0], sl.lim.args[1], sl.lim.args[2], costArg(sl.cost), sl.lim.shadowArg)
	}
	return keys, args
}

// fileDecision reads one decision's part of the script's reply into its
// slots and returns whether it was admitted, and the rest of the reply.
func fileDecision(d *decision, idx []int, out []int64) (bool, []int64, error) {
	n := len(d.slots)
	if idx != nil {
		n = len(idx)
	}
	if len(out) < 1+4*n {
		return false, nil, fmt.Errorf("decision script returned %d numbers for %d keys", len(out), n)
	}
	for j := range n {
		r := out[1+4*j:]
		sl := &d.slots[at(idx, j)]
		sl.evaluated, sl.over, sl.remaining, sl.resetUS, sl.retryUS = true, r[0] == 1, r[1], r[2], r[3]
	}
	return out[0] == 1, out[1+4*n:], nil
}

func at(idx []int, j int) int {
	if idx == nil {
		return j
	}
	return idx[j]
}

func costArg(c int64) string {
	if c == 1 {
		return "1"
	}
	return strconv.FormatInt(c, 10)
}

// itoa is strconv.Itoa, which does not allocate below 100.
func itoa(n int) string { return strconv.Itoa(n) }

func isTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}

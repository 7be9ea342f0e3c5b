package ratelimit

import (
	"context"
	"sync/atomic"
	"time"
)

// callBound cancels a batch worker's script calls at their deadline. Calls
// that finish in time (nearly all) leave the context uncancelled, so it and
// the timer serve the next call too: no context, channel and timer per call.
// Only a call that was actually cut off costs a fresh context.
type callBound struct {
	timer *time.Timer
	cur   *cancelable
	armed atomic.Pointer[cancelable] // what the timer cancels if it fires; nil once taken
}

type cancelable struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// start bounds the next call to d and returns its context.
func (c *callBound) start(d time.Duration) context.Context {
	if c.cur == nil {
		ctx, cancel := context.WithCancel(context.Background())
		c.cur = &cancelable{ctx: ctx, cancel: cancel}
	}
	c.armed.Store(c.cur)
	if c.timer == nil {
		c.timer = time.AfterFunc(d, c.fire)
	} else {
		c.timer.Reset(d)
	}
	return c.cur.ctx
}

// fire runs on the timer's goroutine. Whoever takes armed first decides:
// the timer (the context is cancelled) or end (it stays usable).
func (c *callBound) fire() {
	if a := c.armed.Swap(nil); a != nil {
		a.cancel()
	}
}

// end closes the bound of the call start began.
func (c *callBound) end() {
	c.timer.Stop()
	if c.armed.Swap(nil) == nil {
		c.cur = nil // the timer took it: that context is cancelled, or about to be
	}
}

// close releases the context still held.
func (c *callBound) close() {
	if c.timer != nil {
		c.timer.Stop()
	}
	if c.cur != nil {
		c.cur.cancel()
	}
}

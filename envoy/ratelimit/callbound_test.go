package ratelimit

import (
	"testing"
	"time"
)

// A worker's call context must be cancelled when its bound passes, and the
// next call must never inherit that cancellation.
func TestCallBoundCancelsOnlyTheLateCall(t *testing.T) {
	var c callBound
	defer c.close()
	ctx := c.start(time.Hour)
	c.end()
	if ctx.Err() != nil {
		t.Fatal("a call that ended in time was cancelled")
	}
	late := c.start(time.Millisecond)
	select {
	case <-late.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the bound did not cancel a late call")
	}
	c.end()
	next := c.start(time.Hour)
	defer c.end()
	if next.Err() != nil {
		t.Fatalf("the call after a cancelled one starts cancelled: %v", next.Err())
	}
}

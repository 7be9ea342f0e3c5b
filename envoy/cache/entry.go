package cache

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// entry is one stored response, or a hit-for-miss marker that tells
// requests to go to the origin without waiting on each other (the origin
// answered this key with something not storable).
type entry struct {
	key           string // the full cache key, checked on read
	uncacheable   bool
	status        int
	born          time.Time // when it was fresh at age 0 (stored time less origin Age)
	ttl, swr, sie time.Duration
	headers       []hdr
	body          []byte
	size          int // encoded size, for the local cache budget

	reply *hitReply // prebuilt answer parts, see reply.go
}

// keep is how long Redis keeps the entry: its life plus the longer stale
// window.
func (e *entry) keep() time.Duration { return e.ttl + max(e.swr, e.sie) }

func (e *entry) age(now time.Time) time.Duration { return max(now.Sub(e.born), 0) }

// Entry encoding: version, flags, then uvarints (born as Unix ms, ttl, swr
// and sie as ms, status, key length), key, header count and each name and
// value length-prefixed, then the body to the end.
const (
	entryVersion    = 1
	flagUncacheable = 1
)

func (e *entry) encode() []byte {
	n := 2 + 6*binary.MaxVarintLen64 + len(e.key) + binary.MaxVarintLen64 + len(e.body)
	for _, h := range e.headers {
		n += 2*binary.MaxVarintLen64 + len(h.name) + len(h.value)
	}
	b := make([]byte, 0, n)
	var flags byte
	if e.uncacheable {
		flags |= flagUncacheable
	}
	b = append(b, entryVersion, flags)
	for _, v := range []int64{e.born.UnixMilli(), e.ttl.Milliseconds(), e.swr.Milliseconds(), e.sie.Milliseconds(), int64(e.status)} {
		b = binary.AppendVarint(b, v)
	}
	b = appendString(b, e.key)
	b = binary.AppendUvarint(b, uint64(len(e.headers)))
	for _, h := range e.headers {
		b = appendString(b, h.name)
		b = appendString(b, h.value)
	}
	return append(b, e.body...)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errCorrupt = errors.New("corrupt cache entry")

// decodeEntry parses an encoded entry; the body aliases b.
func decodeEntry(b []byte) (*entry, error) {
	if len(b) < 2 || b[0] != entryVersion {
		return nil, errCorrupt
	}
	d := decoder{b: b[2:]}
	e := &entry{uncacheable: b[1]&flagUncacheable != 0, size: len(b)}
	e.born = time.UnixMilli(d.varint())
	e.ttl = time.Duration(d.varint()) * time.Millisecond
	e.swr = time.Duration(d.varint()) * time.Millisecond
	e.sie = time.Duration(d.varint()) * time.Millisecond
	e.status = int(d.varint())
	e.key = d.str()
	nh := d.uvarint()
	if nh > uint64(len(d.b)) {
		return nil, errCorrupt
	}
	e.headers = make([]hdr, 0, nh)
	for range nh {
		e.headers = append(e.headers, hdr{d.str(), d.str()})
	}
	if d.err != nil {
		return nil, fmt.Errorf("%w: %v", errCorrupt, d.err)
	}
	e.body = d.b
	return e, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errors.New("truncated")
	}
	d.b = nil
}

// phase is where an entry is in its life at a given moment.
type phase int

const (
	phaseFresh      phase = iota // serve it
	phaseRevalidate              // in stale-while-revalidate: serve stale, one request refreshes
	phaseExpired                 // past both: a miss (it may still stand in for a failed origin)
)

func (e *entry) phase(now time.Time) phase {
	switch age := e.age(now); {
	case age < e.ttl:
		return phaseFresh
	case age < e.ttl+e.swr:
		return phaseRevalidate
	}
	return phaseExpired
}

// usableOnError reports whether the entry is within its stale-if-error
// window (RFC 5861 section 4), counted like stale-while-revalidate from
// the end of its freshness.
func (e *entry) usableOnError(now time.Time) bool {
	return !e.uncacheable && e.age(now) < e.ttl+e.sie
}

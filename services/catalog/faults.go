package catalog

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"time"
)

// Faults are what the service is told to get wrong, so that shadow reports,
// fallback and rollout analysis have something real to find. The zero value
// is a healthy service.
type Faults struct {
	Latency     time.Duration // added to every request but /admin/faults
	ErrorRate   float64       // share of requests answered 500, 0..1
	Down        bool          // 503 to everything, /healthz included; /admin/faults still answers
	Differences Differences   // how product bodies differ from Magento's, for some skus
}

// Differences change product bodies (by sku and in search results) for the
// skus Affects picks, and only those, so a test can predict each one.
type Differences struct {
	PriceDelta float64 `json:"price_delta,omitempty"` // added to price
	// DropField removes a field; a dotted path reaches into objects:
	// "weight", "extension_attributes.stock_item.qty".
	DropField string `json:"drop_field,omitempty"`
	// RenameField is "from:to": the field at dotted path from is renamed to
	// the key to, at the same level.
	RenameField  string `json:"rename_field,omitempty"`
	ReorderMedia bool   `json:"reorder_media,omitempty"` // media_gallery_entries in reverse order
	// Every picks the affected skus: those whose FNV-1a 32-bit hash is a
	// multiple of Every. 0 means DefaultEvery; 1 affects every sku.
	Every int `json:"every,omitempty"`
}

// DefaultEvery makes differences hit about one sku in ten.
const DefaultEvery = 10

// Any reports whether any difference is asked for.
func (d Differences) Any() bool {
	return d.PriceDelta != 0 || d.DropField != "" || d.RenameField != "" || d.ReorderMedia
}

// Affects reports whether the differences apply to sku.
func (d Differences) Affects(sku string) bool {
	every := d.Every
	if every <= 0 {
		every = DefaultEvery
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(sku)) // a hash never fails to write
	return h.Sum32()%uint32(every) == 0
}

// rename splits RenameField into the path and the new key.
func (d Differences) rename() (from []string, to string) {
	f, t, _ := strings.Cut(d.RenameField, ":")
	return strings.Split(f, "."), t
}

// Validate refuses faults that cannot be applied.
func (f Faults) Validate() error {
	var errs []error
	if f.Latency < 0 {
		errs = append(errs, fmt.Errorf("latency %s: must not be negative", f.Latency))
	}
	if math.IsNaN(f.ErrorRate) || f.ErrorRate < 0 || f.ErrorRate > 1 {
		errs = append(errs, fmt.Errorf("error_rate %v: must be within 0..1", f.ErrorRate))
	}
	d := f.Differences
	if math.IsNaN(d.PriceDelta) || math.IsInf(d.PriceDelta, 0) {
		errs = append(errs, fmt.Errorf("price_delta %v: must be a finite number", d.PriceDelta))
	}
	if d.Every < 0 {
		errs = append(errs, fmt.Errorf("every %d: must not be negative", d.Every))
	}
	if d.DropField != "" && !validPath(d.DropField) {
		errs = append(errs, fmt.Errorf("drop_field %q: want a field name or a dotted path", d.DropField))
	}
	if d.RenameField != "" {
		from, to, ok := strings.Cut(d.RenameField, ":")
		if !ok || !validPath(from) || to == "" || strings.ContainsAny(to, ".:") {
			errs = append(errs, fmt.Errorf("rename_field %q: want \"from:to\", from a field or dotted path, to a field name", d.RenameField))
		}
	}
	return errors.Join(errs...)
}

func validPath(p string) bool {
	for _, seg := range strings.Split(p, ".") {
		if seg == "" {
			return false
		}
	}
	return true
}

// faultsJSON is the wire form: latency as a Go duration string ("50ms").
type faultsJSON struct {
	Latency     string      `json:"latency"`
	ErrorRate   float64     `json:"error_rate"`
	Down        bool        `json:"down"`
	Differences Differences `json:"differences"`
}

// MarshalJSON writes {"latency": "50ms", "error_rate": 0.1, "down": false, "differences": {...}}.
func (f Faults) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultsJSON{Latency: f.Latency.String(), ErrorRate: f.ErrorRate, Down: f.Down, Differences: f.Differences})
}

// UnmarshalJSON reads what MarshalJSON writes; an absent or empty latency is none.
func (f *Faults) UnmarshalJSON(b []byte) error {
	var w faultsJSON
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return fmt.Errorf("faults: %w", err)
	}
	var latency time.Duration
	if w.Latency != "" {
		d, err := time.ParseDuration(w.Latency)
		if err != nil {
			return fmt.Errorf("faults: latency: %w", err)
		}
		latency = d
	}
	*f = Faults{Latency: latency, ErrorRate: w.ErrorRate, Down: w.Down, Differences: w.Differences}
	return nil
}

package catalog

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// step is one difference: the change made to the object holding path's last key.
type step struct {
	path   []string
	change func(o object, i int) (object, error)
}

// apply rewrites the body of the product sku as d says, when d affects it.
func (d Differences) apply(sku string, body []byte) ([]byte, error) {
	if !d.Any() || !d.Affects(sku) {
		return body, nil
	}
	var steps []step
	if d.PriceDelta != 0 {
		steps = append(steps, step{[]string{"price"}, func(o object, i int) (object, error) {
			var price float64
			if err := json.Unmarshal(o[i].value, &price); err != nil {
				return nil, fmt.Errorf("price of %s: %w", sku, err)
			}
			v, err := json.Marshal(price + d.PriceDelta)
			o[i].value = v
			return o, err
		}})
	}
	if d.ReorderMedia {
		steps = append(steps, step{[]string{"media_gallery_entries"}, func(o object, i int) (object, error) {
			var entries []json.RawMessage
			if err := json.Unmarshal(o[i].value, &entries); err != nil {
				return nil, fmt.Errorf("media of %s: %w", sku, err)
			}
			slices.Reverse(entries)
			v, err := json.Marshal(entries)
			o[i].value = v
			return o, err
		}})
	}
	if d.DropField != "" {
		steps = append(steps, step{strings.Split(d.DropField, "."), func(o object, i int) (object, error) {
			return slices.Delete(o, i, i+1), nil
		}})
	}
	if d.RenameField != "" {
		from, to := d.rename()
		steps = append(steps, step{from, func(o object, i int) (object, error) {
			o[i].key = to
			return o, nil
		}})
	}
	out := json.RawMessage(body)
	for _, s := range steps {
		var err error
		if out, err = edit(out, s.path, s.change); err != nil {
			return nil, err
		}
	}
	return out, nil
}

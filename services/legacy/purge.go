package legacy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// productChange is the body of POST /admin/products/{sku}: the fields an
// admin edits, each optional.
type productChange struct {
	Price  *float64 `json:"price"`
	Name   *string  `json:"name"`
	Status *int     `json:"status"`
	Qty    *float64 `json:"qty"`
}

// PurgeReport says what saving a product told the cache.
type PurgeReport struct {
	URL     string `json:"url,omitempty"` // empty: no PurgeURL configured, nothing sent
	Pattern string `json:"pattern"`
	Status  int    `json:"status,omitempty"`
	Error   string `json:"error,omitempty"`
}

type saveResult struct {
	Product catalogue.Product `json:"product"`
	Purge   PurgeReport       `json:"purge"`
}

// saveProduct is the admin's product save: it changes the product and, as
// Magento's PageCache module does on save, purges the product's pages from
// the cache by tag before answering.
func (s *Server) saveProduct(w http.ResponseWriter, r *http.Request) {
	var change productChange
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&change); err != nil && err != io.EOF {
		s.writeInputError(w, &catalogue.InputError{Message: "Decoding error: " + err.Error()})
		return
	}
	p, ok := s.store.update(r.PathValue("sku"), func(p *catalogue.Product) {
		if change.Price != nil {
			p.Price = *change.Price
		}
		if change.Name != nil {
			p.Name = *change.Name
		}
		if change.Status != nil {
			p.Status = *change.Status
		}
		if change.Qty != nil {
			p.ExtensionAttributes.StockItem.Qty = *change.Qty
			p.ExtensionAttributes.StockItem.IsInStock = *change.Qty > 0
		}
		p.UpdatedAt = catalogue.FormatTime(time.Now())
	})
	if !ok {
		s.writeError(w, http.StatusNotFound, &catalogue.InputError{Message: catalogue.MessageProductNotFound})
		return
	}
	report := s.purge(r.Context(), "cat_p_"+strconv.Itoa(p.ID))
	s.writeREST(w, http.StatusOK, saveResult{Product: p, Purge: report})
}

// purge sends Varnish's ban request for one cache tag: PURGE / with the tag
// as a pattern anchored on the comma-separated X-Magento-Tags list.
func (s *Server) purge(ctx context.Context, tag string) PurgeReport {
	report := PurgeReport{Pattern: "((^|,)" + tag + "(,|$))"}
	if s.opts.PurgeURL == "" {
		return report
	}
	target, err := url.Parse(s.opts.PurgeURL)
	if err != nil {
		report.Error = fmt.Sprintf("purge url %q: %v", s.opts.PurgeURL, err)
		s.log.Error("purge", "error", report.Error)
		return report
	}
	if target.Path == "" {
		target.Path = "/"
	}
	report.URL = target.String()
	req, err := http.NewRequestWithContext(ctx, "PURGE", report.URL, nil)
	if err != nil {
		report.Error = fmt.Sprintf("purge %s: %v", report.URL, err)
		s.log.Error("purge", "error", report.Error)
		return report
	}
	req.Header.Set("X-Magento-Tags-Pattern", report.Pattern)
	resp, err := s.opts.PurgeClient.Do(req)
	if err != nil {
		// Magento logs a failed purge and keeps the save: the page stays stale until it expires.
		report.Error = fmt.Sprintf("purge %s: %v", report.URL, err)
		s.log.Error("purge", "error", report.Error)
		return report
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // drained for connection reuse; the body says nothing we use
	report.Status = resp.StatusCode
	if resp.StatusCode >= 300 {
		report.Error = "purge answered " + resp.Status
		s.log.Warn("purge refused", "url", report.URL, "status", resp.StatusCode)
	}
	return report
}

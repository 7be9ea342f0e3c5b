package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// promResponse is Prometheus' HTTP API envelope (/api/v1/query).
type promResponse struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
	Data      struct {
		ResultType string          `json:"resultType"`
		Result     json.RawMessage `json:"result"`
	} `json:"data"`
}

// maxPromBody bounds what is read of an answer: one sample is tiny, and a
// template that forgot to aggregate should fail, not fill memory.
const maxPromBody = 1 << 20

// instant runs an instant query at at. ok false: no data (an empty vector
// or NaN).
func (p *Prometheus) instant(ctx context.Context, query string, at time.Time) (v float64, ok bool, err error) {
	q := url.Values{}
	q.Set("query", query)
	q.Set("time", strconv.FormatFloat(float64(at.UnixMilli())/1000, 'f', 3, 64))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/api/v1/query?"+q.Encode(), nil)
	if err != nil {
		return 0, false, fmt.Errorf("prometheus query: %w", err)
	}
	resp, err := p.http.Do(req)
	if err != nil {
		return 0, false, fmt.Errorf("prometheus query: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPromBody))
	if err != nil {
		return 0, false, fmt.Errorf("prometheus query: read answer: %w", err)
	}
	var pr promResponse
	if err := json.Unmarshal(body, &pr); err != nil {
		return 0, false, fmt.Errorf("prometheus query: HTTP %d, not a Prometheus API answer: %.200q", resp.StatusCode, body)
	}
	if pr.Status != "success" {
		return 0, false, fmt.Errorf("prometheus query %q: HTTP %d: %s: %s", query, resp.StatusCode, pr.ErrorType, pr.Error)
	}
	return oneSample(pr.Data.ResultType, pr.Data.Result)
}

// oneSample reads the single value of a vector or scalar result.
func oneSample(resultType string, raw json.RawMessage) (float64, bool, error) {
	var pair []any
	switch resultType {
	case "scalar":
		if err := json.Unmarshal(raw, &pair); err != nil {
			return 0, false, fmt.Errorf("prometheus scalar result: %w", err)
		}
	case "vector":
		var series []struct {
			Value []any `json:"value"`
		}
		if err := json.Unmarshal(raw, &series); err != nil {
			return 0, false, fmt.Errorf("prometheus vector result: %w", err)
		}
		switch len(series) {
		case 0:
			return 0, false, nil
		case 1:
			pair = series[0].Value
		default:
			return 0, false, fmt.Errorf("prometheus query returned %d series; it must aggregate to one (sum(...))", len(series))
		}
	default:
		return 0, false, fmt.Errorf("prometheus result type %q; want vector or scalar", resultType)
	}
	if len(pair) != 2 {
		return 0, false, errors.New("prometheus sample is not [time, value]")
	}
	s, isString := pair[1].(string)
	if !isString {
		return 0, false, fmt.Errorf("prometheus sample value %v is not a string", pair[1])
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, fmt.Errorf("prometheus sample value %q: %w", s, err)
	}
	if math.IsNaN(v) {
		return 0, false, nil
	}
	return v, true, nil
}

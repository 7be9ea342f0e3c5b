package edge

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extprocsvc "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
)

// requestHeaderMap is the request as an ext_proc processor sees it: the
// pseudo-headers, then every header in lower case, one entry per value,
// each in raw_value (HttpHeaders.headers: "The header value is encoded in
// the raw_value field").
func requestHeaderMap(x *exchange) *core.HeaderMap {
	hm := &core.HeaderMap{Headers: []*core.HeaderValue{
		{Key: ":authority", RawValue: []byte(x.authority)},
		{Key: ":path", RawValue: []byte(x.path)},
		{Key: ":method", RawValue: []byte(x.method)},
		{Key: ":scheme", RawValue: []byte(x.scheme)},
	}}
	appendHeaders(hm, x.header)
	return hm
}

func responseHeaderMap(r *response) *core.HeaderMap {
	hm := &core.HeaderMap{Headers: []*core.HeaderValue{{Key: ":status", RawValue: []byte(strconv.Itoa(r.status))}}}
	appendHeaders(hm, r.header)
	return hm
}

func appendHeaders(hm *core.HeaderMap, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		lk := strings.ToLower(k)
		for _, v := range h[k] {
			hm.Headers = append(hm.Headers, &core.HeaderValue{Key: lk, RawValue: []byte(v)})
		}
	}
}

// headerTarget is where a mutation lands: the request (with its
// pseudo-headers) or the response (with :status).
type headerTarget interface {
	header() http.Header
	setPseudo(name, value string) error
}

type requestTarget struct{ x *exchange }

func (t requestTarget) header() http.Header { return t.x.header }

func (t requestTarget) setPseudo(name, value string) error {
	switch name {
	case ":path":
		t.x.path = value
	case ":method":
		t.x.method = value
	case ":authority", "host":
		t.x.authority = value
	case ":scheme":
		t.x.scheme = value
	}
	return nil
}

type responseTarget struct{ r *response }

func (t responseTarget) header() http.Header { return t.r.header }

func (t responseTarget) setPseudo(name, value string) error {
	if name != ":status" {
		return nil
	}
	code, err := strconv.Atoi(value)
	if err != nil || code < 200 || code > 599 {
		return fmt.Errorf("ext_proc: invalid :status %q", value)
	}
	t.r.status = code
	return nil
}

func mutateRequest(x *exchange, m *extprocsvc.HeaderMutation, rules *mutationChecker) error {
	return applyProcessorMutation(requestTarget{x}, m, rules)
}

func mutateResponse(r *response, m *extprocsvc.HeaderMutation, rules *mutationChecker) error {
	return applyProcessorMutation(responseTarget{r}, m, rules)
}

// applyProcessorMutation follows Envoy's MutationUtils::applyHeaderMutations:
// removals first (pseudo-headers and host are never removed), then sets.
// A set's value is raw_value only (with both value and raw_value the
// mutation fails); append_action, when given, decides, else the deprecated
// append flag, which defaults to false here (HeaderMutation.set_headers).
// A mutation the rules refuse is skipped, or fails with disallow_is_error.
func applyProcessorMutation(t headerTarget, m *extprocsvc.HeaderMutation, rules *mutationChecker) error {
	for _, name := range m.GetRemoveHeaders() {
		name = strings.ToLower(name)
		if !validHeaderName(strings.TrimPrefix(name, ":")) {
			return fmt.Errorf("ext_proc: invalid header name %q in remove_headers", name)
		}
		if strings.HasPrefix(name, ":") || name == "host" {
			continue
		}
		switch rules.check(name) {
		case checkOK:
			t.header().Del(name)
		case checkFail:
			return fmt.Errorf("ext_proc: removing %q is not allowed", name)
		}
	}
	for _, sh := range m.GetSetHeaders() {
		if err := applySet(t, sh, rules); err != nil {
			return err
		}
	}
	return nil
}

func applySet(t headerTarget, sh *core.HeaderValueOption, rules *mutationChecker) error {
	hv := sh.GetHeader()
	if hv == nil {
		return nil
	}
	if hv.GetValue() != "" && len(hv.GetRawValue()) > 0 {
		return errors.New("ext_proc: only one of value or raw_value may be set")
	}
	name, value := strings.ToLower(hv.GetKey()), string(hv.GetRawValue())
	if !validHeaderName(strings.TrimPrefix(name, ":")) || !validHeaderValue(value) {
		return fmt.Errorf("ext_proc: invalid header %q in set_headers", name)
	}
	switch rules.check(name) {
	case checkIgnore:
		return nil
	case checkFail:
		return fmt.Errorf("ext_proc: setting %q is not allowed", name)
	}
	if strings.HasPrefix(name, ":") || name == "host" {
		return t.setPseudo(name, value)
	}
	h := t.header()
	_, present := h[http.CanonicalHeaderKey(name)]
	switch sh.GetAppendAction() {
	case core.HeaderValueOption_ADD_IF_ABSENT:
		if !present {
			h.Add(name, value)
		}
	case core.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD:
		h.Set(name, value)
	case core.HeaderValueOption_OVERWRITE_IF_EXISTS:
		if present {
			h.Set(name, value)
		}
	default:
		if sh.GetAppend().GetValue() {
			h.Add(name, value)
		} else {
			h.Set(name, value)
		}
	}
	return nil
}

// validHeaderName: an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}

// validHeaderValue refuses what would break the message framing: CR, LF
// and NUL (Envoy's HeaderUtility::headerValueIsValid).
func validHeaderValue(s string) bool { return !strings.ContainsAny(s, "\r\n\x00") }

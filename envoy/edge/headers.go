package edge

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	mutation "github.com/envoyproxy/go-control-plane/envoy/config/common/mutation_rules/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
)

// headerOption is a compiled HeaderValueOption from configuration.
type headerOption struct {
	key       string
	value     string
	action    core.HeaderValueOption_HeaderAppendAction
	keepEmpty bool
}

// compileHeadersToAdd reads *_headers_to_add. Envoy would expand %COMMAND%
// operators in these values; strangler writes literals only, so a value with
// a '%' is outside the subset rather than sent verbatim.
func compileHeadersToAdd(opts []*core.HeaderValueOption, request bool) ([]headerOption, error) {
	out := make([]headerOption, 0, len(opts))
	for i, o := range opts {
		h, err := compileHeaderOption(o, request)
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out = append(out, h)
	}
	return out, nil
}

func compileHeaderOption(o *core.HeaderValueOption, request bool) (headerOption, error) {
	value, err := headerValueText(o.GetHeader())
	if err != nil {
		return headerOption{}, err
	}
	h := headerOption{key: o.GetHeader().GetKey(), value: value, action: o.GetAppendAction(), keepEmpty: o.GetKeepEmptyValue()}
	if strings.Contains(value, "%") {
		return headerOption{}, fmt.Errorf("header %q: %%COMMAND%% formatting in header values is outside the subset", h.key)
	}
	// Envoy refuses to add pseudo-headers, and Host on requests, this way.
	if strings.HasPrefix(h.key, ":") || request && strings.EqualFold(h.key, "host") {
		return headerOption{}, fmt.Errorf("header %q may not be added this way", h.key)
	}
	// HeaderValueOption.append (deprecated) and append_action are exclusive;
	// append defaults to true, which is append_action's default too.
	if a := o.GetAppend(); a != nil {
		if o.GetAppendAction() != core.HeaderValueOption_APPEND_IF_EXISTS_OR_ADD {
			return headerOption{}, fmt.Errorf("header %q: both append and append_action are set", h.key)
		}
		if !a.GetValue() {
			h.action = core.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD
		}
	}
	return h, nil
}

// apply follows HeaderValueOption.append_action; an empty value is dropped
// unless keep_empty_value.
func (o headerOption) apply(h http.Header) {
	if o.value == "" && !o.keepEmpty {
		return
	}
	_, present := h[http.CanonicalHeaderKey(o.key)]
	switch o.action {
	case core.HeaderValueOption_ADD_IF_ABSENT:
		if !present {
			h.Set(o.key, o.value)
		}
	case core.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD:
		h.Set(o.key, o.value)
	case core.HeaderValueOption_OVERWRITE_IF_EXISTS:
		if present {
			h.Set(o.key, o.value)
		}
	default:
		h.Add(o.key, o.value)
	}
}

func applyHeaderOptions(h http.Header, opts []headerOption, remove []string) {
	for _, name := range remove {
		h.Del(name)
	}
	for _, o := range opts {
		o.apply(h)
	}
}

// headerMutationOp is one config.common.mutation_rules.v3.HeaderMutation.
type headerMutationOp struct {
	remove string
	add    *headerOption
}

func compileHeaderMutations(ms []*mutation.HeaderMutation) ([]headerMutationOp, error) {
	out := make([]headerMutationOp, 0, len(ms))
	for i, m := range ms {
		switch a := m.GetAction().(type) {
		case *mutation.HeaderMutation_Remove:
			out = append(out, headerMutationOp{remove: a.Remove})
		case *mutation.HeaderMutation_Append:
			h, err := compileHeaderOption(a.Append, true)
			if err != nil {
				return nil, fmt.Errorf("[%d].append: %w", i, err)
			}
			out = append(out, headerMutationOp{add: &h})
		default:
			return nil, errors.New("remove or append is required")
		}
	}
	return out, nil
}

func applyHeaderMutations(h http.Header, ops []headerMutationOp) {
	for _, op := range ops {
		if op.add != nil {
			op.add.apply(h)
		} else {
			h.Del(op.remove)
		}
	}
}

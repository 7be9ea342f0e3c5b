package edge

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	accesslog "github.com/envoyproxy/go-control-plane/envoy/config/accesslog/v3"
	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	stream "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/stream/v3"
	"google.golang.org/protobuf/types/known/structpb"
)

// accessLogSpec is a stdout/stderr access log with a json_format. The
// stand-in writes each line to its logger (message "access") rather than
// to a stream.
type accessLogSpec struct {
	fields    []logField
	omitEmpty bool
}

type logField struct {
	key   string
	value []logPart // one operator alone keeps its type (a number stays one)
	lit   any       // a non-string JSON value, written as is
}

// logPart is literal text or one %COMMAND%.
type logPart struct {
	text     string
	operator func(*exchange) (any, bool)
}

func compileAccessLog(al *accesslog.AccessLog) (*accessLogSpec, error) {
	var format *core.SubstitutionFormatString
	switch {
	case al.GetTypedConfig().MessageIs(&stream.StdoutAccessLog{}):
		cfg := &stream.StdoutAccessLog{}
		if err := al.GetTypedConfig().UnmarshalTo(cfg); err != nil {
			return nil, err
		}
		format = cfg.GetLogFormat()
	case al.GetTypedConfig().MessageIs(&stream.StderrAccessLog{}):
		cfg := &stream.StderrAccessLog{}
		if err := al.GetTypedConfig().UnmarshalTo(cfg); err != nil {
			return nil, err
		}
		format = cfg.GetLogFormat()
	default:
		return nil, fmt.Errorf("%s: only the stdout and stderr access loggers are implemented", al.GetName())
	}
	if format.GetJsonFormat() == nil {
		return nil, errors.New("log_format: only json_format is implemented")
	}
	s := &accessLogSpec{omitEmpty: format.GetOmitEmptyValues()}
	keys := make([]string, 0, len(format.GetJsonFormat().GetFields()))
	for k := range format.GetJsonFormat().GetFields() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		f, err := compileLogField(k, format.GetJsonFormat().GetFields()[k])
		if err != nil {
			return nil, fmt.Errorf("log_format.json_format[%q]: %w", k, err)
		}
		s.fields = append(s.fields, f)
	}
	return s, nil
}

func compileLogField(key string, v *structpb.Value) (logField, error) {
	str, ok := v.GetKind().(*structpb.Value_StringValue)
	if !ok {
		if _, nested := v.GetKind().(*structpb.Value_StructValue); nested {
			return logField{}, errors.New("nested json_format objects are not implemented")
		}
		return logField{key: key, lit: v.AsInterface()}, nil
	}
	parts, err := parseFormat(str.StringValue)
	if err != nil {
		return logField{}, err
	}
	return logField{key: key, value: parts}, nil
}

// parseFormat splits a format string into text and %COMMAND% operators
// ("%%" is a literal percent sign).
func parseFormat(s string) ([]logPart, error) {
	var parts []logPart
	for s != "" {
		i := strings.IndexByte(s, '%')
		if i < 0 {
			parts = append(parts, logPart{text: s})
			break
		}
		if i > 0 {
			parts = append(parts, logPart{text: s[:i]})
		}
		if strings.HasPrefix(s[i:], "%%") {
			parts = append(parts, logPart{text: "%"})
			s = s[i+2:]
			continue
		}
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			return nil, fmt.Errorf("unterminated operator in %q", s)
		}
		op, err := logOperator(s[i+1 : i+1+j])
		if err != nil {
			return nil, err
		}
		parts = append(parts, logPart{operator: op})
		s = s[i+2+j:]
	}
	return parts, nil
}

func (s *accessLogSpec) attrs(x *exchange) []slog.Attr {
	out := make([]slog.Attr, 0, len(s.fields))
	for _, f := range s.fields {
		v, ok := f.render(x)
		if !ok && s.omitEmpty {
			continue
		}
		out = append(out, slog.Any(f.key, v))
	}
	return out
}

// render: an operator alone keeps its type and is null when unavailable;
// within text an unavailable value prints "-", as Envoy's formatter does.
func (f logField) render(x *exchange) (any, bool) {
	if f.value == nil {
		return f.lit, true
	}
	if len(f.value) == 1 && f.value[0].operator != nil {
		return f.value[0].operator(x)
	}
	var b strings.Builder
	for _, p := range f.value {
		if p.operator == nil {
			b.WriteString(p.text)
			continue
		}
		v, ok := p.operator(x)
		if !ok {
			b.WriteString("-")
			continue
		}
		fmt.Fprint(&b, v)
	}
	return b.String(), true
}

func (e *Edge) logAccess(x *exchange) {
	status := 0
	if x.response != nil {
		status = x.response.status
	}
	e.metrics.request(x.routeName(), x.cluster, status)
	for _, al := range x.lis.hcm.accessLogs {
		e.log.LogAttrs(context.Background(), slog.LevelInfo, "access", al.attrs(x)...)
	}
}

func respHeader(x *exchange, name string) (string, bool) {
	if x.response == nil {
		return "", false
	}
	if name == ":status" {
		return strconv.Itoa(x.response.status), true
	}
	v := x.response.header.Get(name)
	return v, v != ""
}

func reqHeader(x *exchange, name string) (string, bool) {
	name = strings.ToLower(name)
	if strings.HasPrefix(name, ":") {
		return requestHeader(x, name)
	}
	v := x.header.Get(http.CanonicalHeaderKey(name))
	return v, v != ""
}

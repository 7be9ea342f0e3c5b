package edge

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// logOperator compiles one access log command operator
// (configuration/observability/access_log/usage#command-operators); any
// other is refused rather than logged wrong.
func logOperator(cmd string) (func(*exchange) (any, bool), error) {
	if arg, n, ok := operatorArg(cmd, "REQ"); ok {
		return headerOperator(arg, n, reqHeader)
	}
	if arg, n, ok := operatorArg(cmd, "RESP"); ok {
		return headerOperator(arg, n, respHeader)
	}
	if op, ok := simpleOperators[cmd]; ok {
		return op, nil
	}
	return nil, fmt.Errorf("access log operator %%%s%% is not implemented by the stand-in", cmd)
}

var simpleOperators = map[string]func(*exchange) (any, bool){
	"START_TIME": func(x *exchange) (any, bool) { return x.start.UTC().Format("2006-01-02T15:04:05.000Z"), true },
	"PROTOCOL": func(x *exchange) (any, bool) {
		if x.downstream.ProtoMajor == 2 {
			return "HTTP/2", true // Envoy's spelling
		}
		return x.downstream.Proto, true
	},
	"RESPONSE_CODE": func(x *exchange) (any, bool) {
		if x.response == nil {
			return 0, true
		}
		return x.response.status, true
	},
	"RESPONSE_FLAGS":        func(x *exchange) (any, bool) { return x.flags.String(), true },
	"RESPONSE_CODE_DETAILS": func(x *exchange) (any, bool) { return orMissing(x.details) },
	"BYTES_RECEIVED":        func(x *exchange) (any, bool) { return x.bytesReceived, true },
	"BYTES_SENT":            func(x *exchange) (any, bool) { return x.bytesSent, true },
	"DURATION":              func(x *exchange) (any, bool) { return time.Since(x.start).Milliseconds(), true },
	"UPSTREAM_CLUSTER":      func(x *exchange) (any, bool) { return orMissing(x.cluster) },
	"UPSTREAM_HOST":         func(x *exchange) (any, bool) { return orMissing(x.upstreamHost) },
	"ROUTE_NAME":            func(x *exchange) (any, bool) { return orMissing(x.routeName()) },
	"UPSTREAM_REQUEST_ATTEMPT_COUNT": func(x *exchange) (any, bool) {
		return x.attempts, true
	},
	"DOWNSTREAM_REMOTE_ADDRESS": func(x *exchange) (any, bool) {
		return orMissing(x.downstream.RemoteAddr)
	},
	"DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT": func(x *exchange) (any, bool) {
		if !x.peer.IsValid() {
			return nil, false
		}
		return x.peer.Addr().String(), true
	},
}

func orMissing(s string) (any, bool) {
	if s == "" {
		return nil, false
	}
	return s, true
}

// operatorArg parses NAME(arg) and NAME(arg):max_length.
func operatorArg(cmd, name string) (arg string, maxLen int, ok bool) {
	rest, ok := strings.CutPrefix(cmd, name+"(")
	if !ok {
		return "", 0, false
	}
	end := strings.LastIndexByte(rest, ')')
	if end < 0 {
		return "", 0, false
	}
	arg, suffix := rest[:end], rest[end+1:]
	maxLen = -1
	if suffix != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(suffix, ":"))
		if err != nil || !strings.HasPrefix(suffix, ":") || n < 0 {
			return "", 0, false
		}
		maxLen = n
	}
	return arg, maxLen, true
}

// headerOperator: REQ(X?Y) reads X, else Y; ":N" truncates to N bytes.
func headerOperator(arg string, maxLen int, get func(*exchange, string) (string, bool)) (func(*exchange) (any, bool), error) {
	main, alt, _ := strings.Cut(arg, "?")
	if main == "" {
		return nil, fmt.Errorf("header operator without a header name")
	}
	return func(x *exchange) (any, bool) {
		v, ok := get(x, main)
		if !ok && alt != "" {
			v, ok = get(x, alt)
		}
		if !ok {
			return nil, false
		}
		if maxLen >= 0 && len(v) > maxLen {
			v = v[:maxLen]
		}
		return v, true
	}, nil
}

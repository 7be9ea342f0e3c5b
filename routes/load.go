package routes

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Load reads and validates one route file. On any problem it returns Errors
// listing every problem with its FILE:LINE:COL, and no File: an invalid file
// must never reach Envoy.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read route file: %w", err)
	}
	return Parse(path, data)
}

var topKeys = []string{"version", "listen", "legacy", "xff_trusted_hops", "backends", "routes",
	"ratelimit", "redis", "limits", "shadow_service", "metrics", "cache_service"}

// Parse validates route file content; path only names the file in errors.
func Parse(path string, data []byte) (*File, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Errors{syntaxError(path, err)}
	}
	d := &decoder{file: path}
	if len(doc.Content) == 0 {
		d.errorf(&yaml.Node{Line: 1, Column: 1}, loc{route: -1}, "the file is empty")
		return nil, d.errs
	}
	f := d.decodeFile(doc.Content[0])
	if len(d.errs) > 0 {
		return nil, d.errs.sorted()
	}
	f.Path = path
	return f, nil
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// syntaxError places a YAML syntax error; yaml.v3 only says "line N" in text.
func syntaxError(path string, err error) *Error {
	line := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	return &Error{File: path, Line: line, Col: 1, Route: -1, Msg: "YAML syntax: " + msg}
}

func (d *decoder) decodeFile(n *yaml.Node) *File {
	top := loc{route: -1}
	fs := d.fields(n, top, topKeys...)
	if fs == nil {
		return &File{}
	}
	f := &File{Backends: map[string]*Backend{}}
	if v := fs["version"]; v == nil {
		d.errorf(n, top, "version is required (version: 1)")
	} else if f.Version = int(d.integer(v, top.at("version"), 1, 1)); f.Version != 1 {
		f.Version = 1
	}
	if v := fs["listen"]; v == nil {
		d.errorf(n, top, "listen is required (e.g. listen: 0.0.0.0:10000)")
	} else {
		f.Listen = d.address(v, top.at("listen"))
	}
	if v := fs["xff_trusted_hops"]; v != nil {
		f.XFFTrustedHops = uint32(d.integer(v, top.at("xff_trusted_hops"), 0, 16))
	}
	if v := fs["backends"]; v == nil {
		d.errorf(n, top, "backends is required: at least the legacy backend")
	} else {
		d.decodeBackends(v, f)
	}
	if v := fs["legacy"]; v == nil {
		d.errorf(n, top, "legacy is required: the backend that serves everything no route takes over")
	} else {
		f.Legacy = d.backendRef(v, top.at("legacy"), f)
	}
	if v := fs["ratelimit"]; v != nil {
		f.RateLimit = d.decodeRateLimit(v)
	}
	if v := fs["redis"]; v != nil {
		f.Redis = d.decodeRedis(v)
	}
	if v := fs["limits"]; v != nil {
		f.DefaultLimits = d.decodeLimits(v, top.at("limits"), DefaultLimitGroup)
		d.needRateLimit(v, top.at("limits"), f)
	}
	if v := fs["cache_service"]; v != nil {
		f.CacheService = d.decodeCacheService(v)
	}
	if v := fs["metrics"]; v != nil {
		f.Metrics = d.decodeMetrics(v)
	}
	if v := fs["shadow_service"]; v != nil {
		f.ShadowService = d.decodeShadowService(v)
	}
	if v := fs["routes"]; v != nil && v.Tag != "!!null" { // "routes:" alone: nothing moved yet
		d.decodeRoutes(v, f)
	}
	return f
}

func (d *decoder) address(n *yaml.Node, l loc) Address {
	s := d.str(n, l)
	if s == "" {
		return Address{}
	}
	a, err := ParseAddress(s)
	if err != nil {
		d.errorf(n, l, "%v", err)
	}
	return a
}

// backendRef checks that a name refers to a declared backend.
func (d *decoder) backendRef(n *yaml.Node, l loc, f *File) string {
	name := d.str(n, l)
	if name != "" && f.Backends[name] == nil {
		d.errorf(n, l, "unknown backend %q (declared: %s)", name, strings.Join(backendNames(f), ", "))
	}
	return name
}

// needRateLimit: limits are enforced by strangler's rate limit service, so
// Envoy must be told where it is.
func (d *decoder) needRateLimit(n *yaml.Node, l loc, f *File) {
	if f.RateLimit == nil && len(n.Content) > 0 {
		d.errorf(n, l, "limits need a top-level ratelimit block, e.g. ratelimit: {listen: 0.0.0.0:8081, address: 127.0.0.1:8081}")
	}
}

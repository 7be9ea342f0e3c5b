package routes

import (
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// namePattern is for route and backend names. It keeps names safe as Envoy
// cluster and stat names and leaves '_' free as a separator for generated
// names (fallback_<to>_<legacy>), so those can never collide with a backend.
var namePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

const nameRule = "must be lower-case letters, digits and '-' (at most 63, not starting or ending with '-')"

func (d *decoder) decodeBackends(n *yaml.Node, f *File) {
	top := loc{route: -1, field: "backends"}
	keys, vals := d.pairs(n, top)
	if n.Kind == yaml.MappingNode && len(keys) == 0 {
		d.errorf(n, top, "at least one backend is required")
	}
	for i, k := range keys {
		l := top.at(k.Value)
		if !namePattern.MatchString(k.Value) {
			d.errorf(k, l, "backend name %q %s", k.Value, nameRule)
		}
		b := d.decodeBackend(vals[i], l)
		b.Name = k.Value
		b.Pos = Pos{Line: k.Line, Col: k.Column}
		f.Backends[k.Value] = b
	}
}

func (d *decoder) decodeBackend(n *yaml.Node, l loc) *Backend {
	b := &Backend{}
	fs := d.fields(n, l, "endpoints", "health_check", "timeout", "tls")
	if fs == nil {
		return b
	}
	if v := fs["endpoints"]; v == nil {
		d.errorf(n, l, "endpoints is required (host:port, ...)")
	} else {
		items := d.list(v, l.at("endpoints"))
		if v.Kind == yaml.SequenceNode && len(items) == 0 {
			d.errorf(v, l.at("endpoints"), "at least one endpoint is required")
		}
		seen := map[string]bool{}
		for i, item := range items {
			il := l.at("endpoints").at("[" + itoa(i) + "]")
			a := d.address(item, il)
			if seen[a.String()] {
				d.errorf(item, il, "endpoint %s listed twice", a)
			}
			seen[a.String()] = true
			b.Endpoints = append(b.Endpoints, a)
		}
	}
	if v := fs["health_check"]; v != nil {
		b.HealthCheck = d.decodeHealthCheck(v, l.at("health_check"))
	}
	if v := fs["timeout"]; v != nil {
		b.Timeout = d.duration(v, l.at("timeout"))
	}
	if v := fs["tls"]; v != nil {
		b.TLS = d.boolean(v, l.at("tls"))
	}
	return b
}

func (d *decoder) decodeHealthCheck(n *yaml.Node, l loc) *HealthCheck {
	hc := &HealthCheck{Interval: DefaultHealthCheckInterval}
	fs := d.fields(n, l, "path", "interval")
	if fs == nil {
		return hc
	}
	if v := fs["path"]; v == nil {
		d.errorf(n, l, "path is required (e.g. /health_check.php)")
	} else {
		hc.Path = d.urlPath(v, l.at("path"))
	}
	if v := fs["interval"]; v != nil {
		hc.Interval = d.duration(v, l.at("interval"))
	}
	return hc
}

func (d *decoder) urlPath(n *yaml.Node, l loc) string {
	s := d.str(n, l)
	if s != "" && !strings.HasPrefix(s, "/") {
		d.errorf(n, l, "%q must start with /", s)
	}
	return s
}

func backendNames(f *File) []string {
	names := make([]string, 0, len(f.Backends))
	for name := range f.Backends {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

package routes

import (
	"net/http"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/strangler-dev/strangler/shadow/diff"
)

// DefaultShadowMethods are compared unless the route says otherwise: reads
// only, since a mirrored write would be done twice.
var DefaultShadowMethods = []string{http.MethodGet, http.MethodHead}

var safeMethods = []string{http.MethodGet, http.MethodHead, http.MethodOptions}

func (d *decoder) decodeShadowService(n *yaml.Node) *ShadowService {
	l := loc{route: -1, field: "shadow_service"}
	s := &ShadowService{}
	if fs := d.fields(n, l, "listen", "address"); fs != nil {
		d.serviceAddresses(n, l, fs, &s.Listen, &s.Address)
	}
	return s
}

func (d *decoder) decodeShadow(n *yaml.Node, l loc, f *File, r *Route) *Shadow {
	s := &Shadow{Methods: DefaultShadowMethods}
	fs := d.fields(n, l, "percent", "methods", "allow_writes", "ignore", "unordered", "tolerance", "redact", "noise_percent")
	if fs == nil {
		return s
	}
	if f.ShadowService == nil {
		d.errorf(n, l, "shadow needs a top-level shadow_service block, e.g. shadow_service: {listen: 0.0.0.0:9100, address: 127.0.0.1:9100}")
	}
	if v := fs["percent"]; v == nil {
		d.errorf(n, l, "percent is required: the share of matching requests compared")
	} else {
		s.Percent = d.percent(v, l.at("percent"))
	}
	if v := fs["allow_writes"]; v != nil {
		s.AllowWrites = d.boolean(v, l.at("allow_writes"))
	}
	if v := fs["methods"]; v != nil {
		s.Methods = d.methods(v, l.at("methods"))
		for _, m := range s.Methods {
			if !contains(safeMethods, m) && !s.AllowWrites {
				d.errorf(v, l.at("methods"), "%s changes state: comparing it runs it twice; set allow_writes: true only if the new side is a dry run", m)
			}
			if len(r.Match.Methods) > 0 && !contains(r.Match.Methods, m) {
				d.errorf(v, l.at("methods"), "%s is not among the route's match.methods, so it is never compared", m)
			}
		}
	}
	s.Ignore = d.shadowPaths(fs["ignore"], l.at("ignore"), func(p string) error { _, err := diff.ParseRules([]string{p}, nil, nil, nil); return err })
	s.Unordered = d.shadowPaths(fs["unordered"], l.at("unordered"), func(p string) error { _, err := diff.ParseRules(nil, []string{p}, nil, nil); return err })
	s.Redact = d.shadowPaths(fs["redact"], l.at("redact"), func(p string) error { _, err := diff.ParseRules(nil, nil, nil, []string{p}); return err })
	if v := fs["tolerance"]; v != nil {
		s.Tolerance = map[string]float64{}
		keys, vals := d.pairs(v, l.at("tolerance"))
		for i, k := range keys {
			kl := l.at("tolerance").at(k.Value)
			raw, _ := d.scalar(vals[i], kl, "a number")
			tol, err := strconv.ParseFloat(raw, 64)
			if err != nil || tol < 0 {
				d.errorf(vals[i], kl, "%q is not a tolerance (a number >= 0)", raw)
				continue
			}
			if _, err := diff.ParseRules(nil, nil, map[string]float64{k.Value: tol}, nil); err != nil {
				d.errorf(k, kl, "%v", err)
				continue
			}
			s.Tolerance[k.Value] = tol
		}
	}
	if v := fs["noise_percent"]; v != nil {
		s.NoisePercent = d.percent(v, l.at("noise_percent"))
	}
	return s
}

// shadowPaths reads a list of header:/body: paths, checking each one alone so
// that an error points at its own line.
func (d *decoder) shadowPaths(n *yaml.Node, l loc, check func(string) error) []string {
	if n == nil {
		return nil
	}
	var out []string
	for i, item := range d.list(n, l) {
		il := l.at("[" + itoa(i) + "]")
		p := d.str(item, il)
		if p == "" {
			continue
		}
		if err := check(p); err != nil {
			d.errorf(item, il, "%v", err)
			continue
		}
		out = append(out, p)
	}
	return out
}

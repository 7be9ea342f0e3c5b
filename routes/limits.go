package routes

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

var ratePattern = regexp.MustCompile(`^([0-9]+)/(s|m|h)$`)

var ratePeriods = map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}

// decodeLimits reads a limits list. group is the route name or "default";
// ids are "<group>#<index>" so Envoy's descriptors and the service's table
// are derived from the same file and cannot drift apart.
func (d *decoder) decodeLimits(n *yaml.Node, l loc, group string) []Limit {
	out := []Limit{} // non-nil: an explicit empty list opts a route out of the defaults
	for i, item := range d.list(n, l) {
		il := l.at("[" + itoa(i) + "]")
		lim := Limit{ID: fmt.Sprintf("%s#%d", group, i), Group: group, Pos: Pos{Line: item.Line, Col: item.Column}}
		fs := d.fields(item, il, "per", "rate", "burst", "shadow")
		if fs == nil {
			continue
		}
		if v := fs["per"]; v == nil {
			d.errorf(item, il, "per is required: client_ip, header:NAME, cookie:NAME or route")
		} else {
			lim.Per = d.limitKey(v, il.at("per"))
		}
		if v := fs["rate"]; v == nil {
			d.errorf(item, il, "rate is required (e.g. 50/s, 1000/m, 3/h)")
		} else if s := d.str(v, il.at("rate")); s != "" {
			m := ratePattern.FindStringSubmatch(strings.ReplaceAll(s, " ", ""))
			count, err := int64(0), error(nil)
			if m != nil {
				count, err = strconv.ParseInt(m[1], 10, 64)
			}
			switch {
			case m == nil || err != nil:
				d.errorf(v, il.at("rate"), "%q is not a rate (N/s, N/m or N/h)", s)
			case count < 1 || count > 1_000_000_000:
				d.errorf(v, il.at("rate"), "%q: the count must be 1..1000000000", s)
			default:
				lim.Count, lim.Period = count, ratePeriods[m[2]]
			}
		}
		if v := fs["burst"]; v != nil {
			lim.Burst = d.integer(v, il.at("burst"), 1, 1_000_000_000)
		}
		if v := fs["shadow"]; v != nil {
			lim.Shadow = d.boolean(v, il.at("shadow"))
		}
		out = append(out, lim)
	}
	return out
}

func (d *decoder) limitKey(n *yaml.Node, l loc) LimitKey {
	s := d.str(n, l)
	kind, name, hasName := strings.Cut(s, ":")
	switch {
	case s == "":
	case (kind == PerClientIP || kind == PerRoute) && !hasName:
		return LimitKey{Kind: kind}
	case (kind == PerHeader || kind == PerCookie) && hasName && headerToken.MatchString(name):
		return LimitKey{Kind: kind, Name: name}
	default:
		d.errorf(n, l, "%q: want client_ip, header:NAME, cookie:NAME or route", s)
	}
	return LimitKey{}
}

func (d *decoder) decodeRateLimit(n *yaml.Node) *RateLimitService {
	l := loc{route: -1, field: "ratelimit"}
	rl := &RateLimitService{OnRedisError: "allow", Timeout: DefaultRateLimitTimeout, RedisTimeout: DefaultRateLimitRedisTimeout}
	fs := d.fields(n, l, "listen", "address", "on_redis_error", "timeout", "redis_timeout")
	if fs == nil {
		return rl
	}
	d.serviceAddresses(n, l, fs, &rl.Listen, &rl.Address)
	if v := fs["on_redis_error"]; v != nil {
		if rl.OnRedisError = d.str(v, l.at("on_redis_error")); rl.OnRedisError != "allow" && rl.OnRedisError != "deny" {
			d.errorf(v, l.at("on_redis_error"), "%q: want allow or deny", rl.OnRedisError)
		}
	}
	if v := fs["timeout"]; v != nil {
		rl.Timeout = d.duration(v, l.at("timeout"))
	}
	if v := fs["redis_timeout"]; v != nil {
		rl.RedisTimeout = d.duration(v, l.at("redis_timeout"))
	}
	return rl
}

// serviceAddresses reads the listen/address pair every strangler edge
// service has: where it listens, and where Envoy reaches it.
func (d *decoder) serviceAddresses(n *yaml.Node, l loc, fs map[string]*yaml.Node, listen, address *Address) {
	if v := fs["listen"]; v == nil {
		d.errorf(n, l, "listen is required: where strangler's service listens (e.g. 0.0.0.0:8081)")
	} else {
		*listen = d.address(v, l.at("listen"))
	}
	if v := fs["address"]; v == nil {
		d.errorf(n, l, "address is required: where Envoy reaches the service (e.g. ratelimit.internal:8081)")
	} else {
		*address = d.address(v, l.at("address"))
	}
}

func (d *decoder) decodeRedis(n *yaml.Node) Redis {
	l := loc{route: -1, field: "redis"}
	var r Redis
	fs := d.fields(n, l, "address", "cluster")
	if fs == nil {
		return r
	}
	if v := fs["address"]; v != nil {
		r.URL = d.str(v, l.at("address"))
		if u, err := url.Parse(r.URL); r.URL != "" && (err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "") {
			d.errorf(v, l.at("address"), "%q is not a redis://host:port/db URL", r.URL)
		}
	}
	if v := fs["cluster"]; v != nil {
		for i, item := range d.list(v, l.at("cluster")) {
			a := d.address(item, l.at("cluster").at("["+itoa(i)+"]"))
			r.Cluster = append(r.Cluster, a.String())
		}
	}
	if fs["address"] != nil && fs["cluster"] != nil {
		d.errorf(n, l, "set address or cluster, not both")
	}
	return r
}

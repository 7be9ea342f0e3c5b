package routes

import (
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

func (d *decoder) decodeCacheService(n *yaml.Node) *CacheService {
	l := loc{route: -1, field: "cache_service"}
	c := &CacheService{}
	fs := d.fields(n, l, "listen", "address", "purge_allow", "purge_token")
	if fs == nil {
		return c
	}
	d.serviceAddresses(n, l, fs, &c.Listen, &c.Address)
	if v := fs["purge_allow"]; v != nil {
		for i, item := range d.list(v, l.at("purge_allow")) {
			il := l.at("purge_allow").at("[" + itoa(i) + "]")
			s := d.str(item, il)
			p, err := netip.ParsePrefix(s)
			if err != nil {
				if a, aerr := netip.ParseAddr(s); aerr == nil {
					p, err = a.Prefix(a.BitLen())
				}
			}
			if err != nil {
				d.errorf(item, il, "%q is not an address or CIDR range (e.g. 10.0.0.0/8)", s)
				continue
			}
			c.PurgeAllow = append(c.PurgeAllow, p.Masked())
		}
	}
	if v := fs["purge_token"]; v != nil {
		c.PurgeToken = d.secret(v, l.at("purge_token"))
	}
	return c
}

var envRef = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)

// secret reads a value that may be ${ENV_NAME}, so tokens stay out of the
// route file (and out of git).
func (d *decoder) secret(n *yaml.Node, l loc) string {
	s := d.str(n, l)
	if m := envRef.FindStringSubmatch(s); m != nil {
		v, ok := os.LookupEnv(m[1])
		if !ok || v == "" {
			d.errorf(n, l, "environment variable %s is not set", m[1])
		}
		return v
	}
	return s
}

func (d *decoder) decodeCache(n *yaml.Node, l loc, f *File) *Cache {
	c := &Cache{TTL: DefaultCacheTTL, MaxBody: DefaultCacheMaxBody}
	fs := d.fields(n, l, "ttl", "vary", "stale_while_revalidate", "stale_if_error", "negative_ttl", "jitter", "max_body", "bypass")
	if fs == nil {
		return c
	}
	if f.CacheService == nil {
		d.errorf(n, l, "cache needs a top-level cache_service block, e.g. cache_service: {listen: 0.0.0.0:8082, address: 127.0.0.1:8082}")
	}
	for key, dst := range map[string]*time.Duration{"ttl": &c.TTL, "stale_while_revalidate": &c.StaleWhileRevalidate,
		"stale_if_error": &c.StaleIfError, "negative_ttl": &c.NegativeTTL} {
		if v := fs[key]; v != nil {
			*dst = d.duration(v, l.at(key))
		}
	}
	if v := fs["jitter"]; v != nil {
		p := d.percent(v, l.at("jitter"))
		if p > 5000 {
			d.errorf(v, l.at("jitter"), "%s: at most 50%%", p)
		}
		c.Jitter = float64(p) / float64(Full)
	}
	if v := fs["max_body"]; v != nil {
		c.MaxBody = d.size(v, l.at("max_body"))
	}
	if v := fs["vary"]; v != nil {
		c.Vary = d.requestKeys(v, l.at("vary"))
	}
	if v := fs["bypass"]; v != nil {
		c.Bypass = d.requestKeys(v, l.at("bypass"))
	}
	return c
}

func (d *decoder) requestKeys(n *yaml.Node, l loc) []RequestKey {
	var out []RequestKey
	for i, item := range d.list(n, l) {
		il := l.at("[" + itoa(i) + "]")
		s := d.str(item, il)
		kind, name, ok := strings.Cut(s, ":")
		if !ok || (kind != "cookie" && kind != "header") || !headerToken.MatchString(name) {
			d.errorf(item, il, "%q: want cookie:NAME or header:NAME", s)
			continue
		}
		out = append(out, RequestKey{Kind: kind, Name: name})
	}
	return out
}

var sizePattern = regexp.MustCompile(`^([0-9]+)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$`)

var sizeUnits = map[string]int64{"": 1, "B": 1, "KB": 1000, "KiB": 1 << 10, "MB": 1000 * 1000, "MiB": 1 << 20,
	"GB": 1000 * 1000 * 1000, "GiB": 1 << 30}

// size reads 2MiB, 512KiB, 1000000.
func (d *decoder) size(n *yaml.Node, l loc) int64 {
	s, ok := d.scalar(n, l, "a size")
	if !ok {
		return 0
	}
	m := sizePattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		d.errorf(n, l, "%q is not a size (e.g. 512KiB, 2MiB)", s)
		return 0
	}
	v, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || v <= 0 || v > 1<<30/sizeUnits[m[2]] {
		d.errorf(n, l, "%q: must be more than 0 and at most 1GiB", s)
		return 0
	}
	return v * sizeUnits[m[2]]
}

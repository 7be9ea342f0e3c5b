package routes

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadExample(t *testing.T) {
	f, err := Load("examples/magento.yaml")
	require.NoError(t, err)
	assert.Equal(t, 1, f.Version)
	assert.Equal(t, Address{Host: "0.0.0.0", Port: 10000}, f.Listen)
	assert.Equal(t, "magento", f.Legacy)
	require.Len(t, f.Routes, 4)
	r := f.Routes[0]
	assert.Equal(t, "product-api", r.Name)
	assert.Equal(t, "/rest/V1/products", r.Match.Prefix)
	assert.Equal(t, []string{"GET", "HEAD"}, r.Match.Methods)
	assert.Equal(t, Percent(2500), r.Percent)
	assert.Equal(t, &Sticky{Cookie: "PHPSESSID"}, r.Sticky)
	assert.True(t, r.Fallback)
	assert.Equal(t, "magento", r.Legacy)
	assert.Equal(t, "X-Strangler-Preview", r.Preview.Header)
	assert.Equal(t, Full, f.Routes[1].Percent)
	b := f.Backends["magento"]
	assert.Equal(t, "/health_check.php", b.HealthCheck.Path)
	assert.True(t, b.Endpoints[0].IsIP())
}

const base = `version: 1
listen: 0.0.0.0:10000
legacy: magento
backends:
  magento: {endpoints: [magento.internal:80]}
  catalog: {endpoints: [10.0.0.5:8080]}
routes:
`

// errorsOf parses base+routes and returns the error lines.
func errorsOf(t *testing.T, src string) []string {
	t.Helper()
	_, err := Parse("routes.yaml", []byte(src))
	require.Error(t, err)
	var es Errors
	require.ErrorAs(t, err, &es)
	return strings.Split(es.Error(), "\n")
}

func TestValidationMessages(t *testing.T) {
	cases := map[string]struct {
		src  string
		want []string
	}{
		"unknown key": {base + "  - name: a\n    match: {prefix: /a}\n    to: catalog\n    percnt: 5\n",
			[]string{`routes.yaml:11:5: routes[0] "a": percnt: unknown key (known keys: name, match, to, percent, sticky, fallback, preview, legacy, limits, shadow, rollout, cache)`}},
		"unknown backend": {base + "  - name: a\n    match: {prefix: /a}\n    to: catlog\n",
			[]string{`routes.yaml:10:9: routes[0] "a": to: unknown backend "catlog" (declared: catalog, magento)`}},
		"percent decimals": {base + "  - name: a\n    match: {prefix: /a}\n    to: catalog\n    percent: 12.345\n",
			[]string{`routes.yaml:11:14: routes[0] "a": percent: 12.345 has more than 2 decimals`}},
		"percent range": {base + "  - name: a\n    match: {prefix: /a}\n    to: catalog\n    percent: 100.5\n",
			[]string{`routes.yaml:11:14: routes[0] "a": percent: 100.5 is out of range 0..100`}},
		"bad regex": {base + "  - name: a\n    match: {regex: '/a(['}\n    to: catalog\n",
			[]string{`routes.yaml:9:20: routes[0] "a": match.regex: invalid RE2 regex: error parsing regexp: missing closing ]: ` + "`[`"}},
		"two path kinds": {base + "  - name: a\n    match: {prefix: /a, path: /a/b}\n    to: catalog\n",
			[]string{`routes.yaml:9:12: routes[0] "a": match: exactly one of prefix, path and regex is required (found 2)`}},
		"fallback unsafe": {base + "  - name: a\n    match: {prefix: /a, methods: [GET, POST]}\n    to: catalog\n    fallback: true\n",
			[]string{`routes.yaml:11:15: routes[0] "a": fallback: fallback retries on legacy, so it is not allowed with method POST (only GET, HEAD, OPTIONS)`}},
		"fallback any method": {base + "  - name: a\n    match: {prefix: /a}\n    to: catalog\n    fallback: true\n",
			[]string{`routes.yaml:11:15: routes[0] "a": fallback: fallback retries on legacy, so match.methods must be limited to GET, HEAD, OPTIONS`}},
		"duplicate name": {base + "  - {name: a, match: {prefix: /a}, to: catalog}\n  - {name: a, match: {prefix: /b}, to: catalog}\n",
			[]string{`routes.yaml:9:5: routes[1] "a": name: duplicate route name (first used by routes[0])`}},
		"unreachable": {base + "  - {name: rest, match: {prefix: /rest}, to: catalog}\n  - {name: products, match: {prefix: /rest/V1/products, methods: [GET]}, to: catalog}\n",
			[]string{`routes.yaml:9:29: routes[1] "products": match: unreachable: routes[0] "rest" (prefix /rest) above it matches every request this route matches; move this route above it or narrow that one`}},
		"bad duration and address": {strings.Replace(base, "magento: {endpoints: [magento.internal:80]}", "magento: {endpoints: [magento.internal], timeout: 5 seconds}", 1),
			[]string{`routes.yaml:5:25: backends.magento.endpoints[0]: "magento.internal" is not host:port`,
				`routes.yaml:5:53: backends.magento.timeout: "5 seconds" is not a duration (use e.g. 500ms, 5s, 10m, 24h)`}},
		"to is legacy": {base + "  - {name: a, match: {prefix: /a}, to: magento}\n",
			[]string{`routes.yaml:8:40: routes[0] "a": to: "magento" is this route's legacy backend too; to must name the new service`}},
		"sticky both": {base + "  - {name: a, match: {prefix: /a}, to: catalog, sticky: {cookie: s, header: X-C}}\n",
			[]string{`routes.yaml:8:57: routes[0] "a": sticky: exactly one of cookie and header is required`}},
		"lower-case method": {base + "  - {name: a, match: {prefix: /a, methods: [get]}, to: catalog}\n",
			[]string{`routes.yaml:8:45: routes[0] "a": match.methods[0]: unknown method "get" (use upper case: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, CONNECT, TRACE)`}},
		"bad name": {base + "  - {name: Product_API, match: {prefix: /a}, to: catalog}\n",
			[]string{`routes.yaml:8:12: routes[0] "Product_API": name: must be lower-case letters, digits and '-' (at most 63, not starting or ending with '-')`}},
		"missing top level": {"version: 1\nroutes: []\n",
			[]string{`routes.yaml:1:1: listen is required (e.g. listen: 0.0.0.0:10000)`,
				`routes.yaml:1:1: backends is required: at least the legacy backend`,
				`routes.yaml:1:1: legacy is required: the backend that serves everything no route takes over`}},
		"wrong version": {strings.Replace(base, "version: 1", "version: 2", 1),
			[]string{`routes.yaml:1:10: version: 2 is out of range 1..1`}},
		"syntax": {"version: 1\nlisten: [\n", []string{`routes.yaml:2:1: YAML syntax: line 2: did not find expected node content`}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, c.want, errorsOf(t, c.src))
		})
	}
}

func TestAllErrorsAtOnce(t *testing.T) {
	got := errorsOf(t, base+
		"  - {name: a, match: {prefix: /a}, to: nope, percent: 101}\n"+
		"  - {name: b, match: {prefix: /b}, to: catalog, colour: red}\n")
	assert.Len(t, got, 3, strings.Join(got, "\n"))
}

func TestPercentIsExact(t *testing.T) {
	for in, want := range map[string]Percent{"0": 0, "0.01": 1, "0.29": 29, "25": 2500, "33.33": 3333, "99.9": 9990, "100": 10000, "100.00": 10000, "5.50": 550} {
		f, err := Parse("r.yaml", []byte(base+"  - {name: a, match: {prefix: /a}, to: catalog, percent: "+in+"}\n"))
		require.NoError(t, err, in)
		assert.Equal(t, want, f.Routes[0].Percent, in)
	}
}

func TestReachabilityNarrowing(t *testing.T) {
	// Each earlier route is narrower in some way, so the later one stays reachable.
	ok := []string{
		"  - {name: a, match: {prefix: /rest, methods: [POST]}, to: catalog}\n  - {name: b, match: {prefix: /rest/V1, methods: [GET]}, to: catalog}\n",
		"  - {name: a, match: {prefix: /rest, headers: {Store: de}}, to: catalog}\n  - {name: b, match: {prefix: /rest/V1}, to: catalog}\n",
		"  - {name: a, match: {prefix: /rest, host: a.example.com}, to: catalog}\n  - {name: b, match: {prefix: /rest/V1}, to: catalog}\n",
		"  - {name: a, match: {path: /rest}, to: catalog}\n  - {name: b, match: {prefix: /rest}, to: catalog}\n",
		"  - {name: a, match: {prefix: /rest/V1/products}, to: catalog}\n  - {name: b, match: {prefix: /rest}, to: catalog}\n",
	}
	for _, src := range ok {
		_, err := Parse("r.yaml", []byte(base+src))
		assert.NoError(t, err, src)
	}
	bad := []string{
		"  - {name: a, match: {regex: '/rest/V1/products/[^/]+'}, to: catalog}\n  - {name: b, match: {path: /rest/V1/products/24-MB01}, to: catalog}\n",
		"  - {name: a, match: {prefix: /rest, headers: {Store: de}}, to: catalog}\n  - {name: b, match: {prefix: /rest/V1, headers: {store: de, X: y}}, to: catalog}\n",
		"  - {name: a, match: {prefix: /rest, methods: [GET, HEAD]}, to: catalog}\n  - {name: b, match: {prefix: /rest/V1, methods: [GET]}, to: catalog}\n",
	}
	for _, src := range bad {
		_, err := Parse("r.yaml", []byte(base+src))
		assert.ErrorContains(t, err, "unreachable", src)
	}
}

func TestLimits(t *testing.T) {
	src := strings.Replace(base, "routes:\n", `ratelimit: {listen: 0.0.0.0:8081, address: ratelimit.internal:8081, on_redis_error: deny, timeout: 25ms}
redis: {address: redis://redis.internal:6379/0}
limits:
  - {per: client_ip, rate: 100/s, burst: 200}
routes:
`, 1) + `  - name: product-api
    match: {prefix: /rest/V1/products}
    to: catalog
    limits:
      - {per: client_ip, rate: 50/s, burst: 100}
      - {per: header:X-Api-Key, rate: 1000/m, burst: 50}
      - {per: route, rate: 2000/s, burst: 500, shadow: true}
  - {name: cart, match: {prefix: /rest/V1/carts}, to: catalog}
  - {name: health, match: {path: /health_check.php}, to: catalog, limits: []}
`
	f, err := Parse("r.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, &RateLimitService{Listen: Address{"0.0.0.0", 8081}, Address: Address{"ratelimit.internal", 8081},
		OnRedisError: "deny", Timeout: 25 * time.Millisecond, RedisTimeout: DefaultRateLimitRedisTimeout}, f.RateLimit)
	assert.Equal(t, "redis://redis.internal:6379/0", f.Redis.URL)
	p := f.Routes[0].EffectiveLimits(f)
	require.Len(t, p, 3)
	assert.Equal(t, Limit{ID: "product-api#1", Group: "product-api", Per: LimitKey{PerHeader, "X-Api-Key"}, Count: 1000,
		Period: time.Minute, Burst: 50, Pos: Pos{17, 9}}, p[1])
	assert.True(t, p[2].Shadow)
	assert.Equal(t, []Limit{{ID: "_default#0", Group: "_default", Per: LimitKey{Kind: PerClientIP}, Count: 100,
		Period: time.Second, Burst: 200, Pos: Pos{10, 5}}}, f.Routes[1].EffectiveLimits(f))
	assert.Empty(t, f.Routes[2].EffectiveLimits(f), "limits: [] opts out of the defaults")

	assert.Equal(t, []string{
		`routes.yaml:8:57: routes[0] "a": limits: limits need a top-level ratelimit block, e.g. ratelimit: {listen: 0.0.0.0:8081, address: 127.0.0.1:8081}`,
		`routes.yaml:8:64: routes[0] "a": limits[0].per: "ip": want client_ip, header:NAME, cookie:NAME or route`,
		`routes.yaml:8:74: routes[0] "a": limits[0].rate: "50/d" is not a rate (N/s, N/m or N/h)`,
	}, errorsOf(t, base+"  - {name: a, match: {prefix: /a}, to: catalog, limits: [{per: ip, rate: 50/d}]}\n"))
}

func TestShadow(t *testing.T) {
	src := strings.Replace(base, "routes:\n", "shadow_service: {listen: 0.0.0.0:9100, address: shadow.internal:9100}\nroutes:\n", 1) + `  - name: product-api
    match: {prefix: /rest/V1/products, methods: [GET, HEAD]}
    to: catalog
    shadow:
      percent: 10
      ignore: [header:Date, body:$.updated_at, "body:$.items[*].extension_attributes.stock_item.item_id"]
      unordered: [body:$.items]
      tolerance: {body:$..price: 0.005}
      redact: [body:$..email, header:Authorization]
      noise_percent: 1
`
	f, err := Parse("r.yaml", []byte(src))
	require.NoError(t, err)
	s := f.Routes[0].Shadow
	require.NotNil(t, s)
	assert.Equal(t, Percent(1000), s.Percent)
	assert.Equal(t, []string{"GET", "HEAD"}, s.Methods)
	assert.Equal(t, map[string]float64{"body:$..price": 0.005}, s.Tolerance)
	assert.Equal(t, Percent(100), s.NoisePercent)
	assert.Equal(t, Address{"shadow.internal", 9100}, f.ShadowService.Address)

	got := errorsOf(t, src+`  - name: orders
    match: {prefix: /rest/V1/orders, methods: [GET]}
    to: catalog
    shadow: {percent: 5, methods: [POST], ignore: ["body:$.items["], tolerance: {body:$.x: -1}}
`)
	assert.Equal(t, []string{
		`routes.yaml:22:35: routes[1] "orders": shadow.methods: POST changes state: comparing it runs it twice; set allow_writes: true only if the new side is a dry run`,
		`routes.yaml:22:35: routes[1] "orders": shadow.methods: POST is not among the route's match.methods, so it is never compared`,
		`routes.yaml:22:52: routes[1] "orders": shadow.ignore[0]: ignore: body:$.items[: unclosed '['`,
		`routes.yaml:22:92: routes[1] "orders": shadow.tolerance.body:$.x: "-1" is not a tolerance (a number >= 0)`,
	}, got)

	noService := base + "  - {name: a, match: {prefix: /a}, to: catalog, shadow: {percent: 1}}\n"
	assert.Contains(t, strings.Join(errorsOf(t, noService), "\n"), "shadow needs a top-level shadow_service block")
}

func TestRollout(t *testing.T) {
	src := strings.Replace(base, "routes:\n", "metrics: {prometheus: http://prometheus:9090/}\nroutes:\n", 1) + `  - name: orders-api
    match: {prefix: /rest/V1/orders}
    to: catalog
    percent: 0
    rollout:
      steps: [1, 5, 25, pause, 50, 75, 100]
      hold: 24h
      gates: {interval: 1m, shadow_match: 99.5%, error_rate: 1%, p99_latency: 300ms, min_requests: 100, failures: 3}
      on_failure: rollback
`
	f, err := Parse("r.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, "http://prometheus:9090", f.Metrics.Prometheus)
	ro := f.Routes[0].Rollout
	require.NotNil(t, ro)
	assert.Equal(t, []RolloutStep{{Percent: 100}, {Percent: 500}, {Percent: 2500}, {Pause: true}, {Percent: 5000}, {Percent: 7500}, {Percent: 10000}}, ro.Steps)
	assert.Equal(t, 24*time.Hour, ro.Hold)
	assert.Equal(t, Percent(9950), *ro.Gates.ShadowMatch)
	assert.Equal(t, Percent(100), *ro.Gates.ErrorRate)
	assert.Equal(t, 300*time.Millisecond, ro.Gates.P99Latency)

	got := errorsOf(t, base+`  - name: a
    match: {prefix: /a}
    to: catalog
    percent: 10
    rollout: {steps: [5, 50], hold: 1h, gates: {interval: 1m}, on_failure: retry}
`)
	assert.Equal(t, []string{
		`routes.yaml:12:22: routes[0] "a": rollout.steps: the last percent step must be 100`,
		`routes.yaml:12:23: routes[0] "a": rollout.steps[0]: 5% does not rise above 10%: steps must go up from the route's percent`,
		`routes.yaml:12:48: routes[0] "a": rollout.gates: at least one of shadow_match, error_rate and p99_latency is required: a rollout must be gated on something`,
		`routes.yaml:12:76: routes[0] "a": rollout.on_failure: "retry": want rollback or pause`,
	}, got)
}

func TestCache(t *testing.T) {
	t.Setenv("PURGE_TOKEN", "s3cret")
	src := strings.Replace(base, "routes:\n", "cache_service: {listen: 0.0.0.0:8082, address: cache.internal:8082, purge_allow: [10.0.0.0/8, 192.168.1.7], purge_token: '${PURGE_TOKEN}'}\nroutes:\n", 1) + `  - name: category-pages
    match: {prefix: /women}
    to: catalog
    cache:
      ttl: 10m
      vary: [cookie:X-Magento-Vary, header:Store, header:Content-Currency]
      stale_while_revalidate: 30s
      stale_if_error: 10m
      negative_ttl: 30s
      jitter: 10%
      max_body: 2MiB
      bypass: [cookie:PHPSESSID_logged_in, header:Authorization]
`
	f, err := Parse("r.yaml", []byte(src))
	require.NoError(t, err)
	assert.Equal(t, "s3cret", f.CacheService.PurgeToken)
	assert.Equal(t, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32")}, f.CacheService.PurgeAllow)
	assert.Equal(t, &Cache{TTL: 10 * time.Minute, StaleWhileRevalidate: 30 * time.Second, StaleIfError: 10 * time.Minute,
		NegativeTTL: 30 * time.Second, Jitter: 0.10, MaxBody: 2 << 20,
		Vary:   []RequestKey{{"cookie", "X-Magento-Vary"}, {"header", "Store"}, {"header", "Content-Currency"}},
		Bypass: []RequestKey{{"cookie", "PHPSESSID_logged_in"}, {"header", "Authorization"}}}, f.Routes[0].Cache)

	t.Setenv("PURGE_TOKEN", "")
	got := errorsOf(t, strings.Replace(src, "max_body: 2MiB", "max_body: 2 megs", 1))
	assert.Equal(t, []string{
		`routes.yaml:7:122: cache_service.purge_token: environment variable PURGE_TOKEN is not set`,
		`routes.yaml:19:17: routes[0] "category-pages": cache.max_body: "2 megs" is not a size (e.g. 512KiB, 2MiB)`,
	}, got)
}

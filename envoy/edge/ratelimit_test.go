package edge

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	core "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	rls "github.com/envoyproxy/go-control-plane/envoy/service/ratelimit/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/types/known/durationpb"
)

// testRLS is a real gRPC rate limit service that rejects any descriptor
// holding a given entry and records what it was asked.
type testRLS struct {
	rls.UnimplementedRateLimitServiceServer
	reject [2]string
	mu     sync.Mutex
	calls  []*rls.RateLimitRequest
	meta   []metadata.MD
	grpc   *grpc.Server
	addr   string
}

func startRLS(t *testing.T, rejectKey, rejectValue string) *testRLS {
	t.Helper()
	s := &testRLS{reject: [2]string{rejectKey, rejectValue}, grpc: grpc.NewServer()}
	rls.RegisterRateLimitServiceServer(s.grpc, s)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s.addr = lis.Addr().String()
	go func() { _ = s.grpc.Serve(lis) }()
	t.Cleanup(s.grpc.Stop)
	return s
}

func (s *testRLS) ShouldRateLimit(ctx context.Context, req *rls.RateLimitRequest) (*rls.RateLimitResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	s.mu.Lock()
	s.calls = append(s.calls, req)
	s.meta = append(s.meta, md)
	s.mu.Unlock()
	resp := &rls.RateLimitResponse{OverallCode: rls.RateLimitResponse_OK}
	for _, d := range req.GetDescriptors() {
		st := &rls.RateLimitResponse_DescriptorStatus{Code: rls.RateLimitResponse_OK, LimitRemaining: 5,
			CurrentLimit:       &rls.RateLimitResponse_RateLimit{RequestsPerUnit: 10, Unit: rls.RateLimitResponse_RateLimit_MINUTE},
			DurationUntilReset: durationpb.New(42 * time.Second)}
		for _, e := range d.GetEntries() {
			if e.GetKey() == s.reject[0] && e.GetValue() == s.reject[1] {
				st.Code, st.LimitRemaining, st.DurationUntilReset = rls.RateLimitResponse_OVER_LIMIT, 0, durationpb.New(7*time.Second)
				resp.OverallCode = rls.RateLimitResponse_OVER_LIMIT
				resp.ResponseHeadersToAdd = []*core.HeaderValue{{Key: "retry-after", Value: "7"}}
				resp.RawBody = []byte("slow down")
			}
		}
		resp.Statuses = append(resp.Statuses, st)
	}
	return resp, nil
}

func (s *testRLS) requests() []*rls.RateLimitRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*rls.RateLimitRequest(nil), s.calls...)
}

func descriptorEntries(req *rls.RateLimitRequest) [][]string {
	var out [][]string
	for _, d := range req.GetDescriptors() {
		var kv []string
		for _, e := range d.GetEntries() {
			kv = append(kv, e.GetKey()+"="+e.GetValue())
		}
		out = append(out, kv)
	}
	return out
}

func rateLimitFile(legacy, newer *backend, rlsAddr, onError string) string {
	return fmt.Sprintf(`version: 1
listen: 127.0.0.1:10000
legacy: magento
xff_trusted_hops: 1
ratelimit: {listen: 127.0.0.1:65000, address: %s, on_redis_error: %s, timeout: 2s}
backends:
  magento: {endpoints: [%s]}
  catalog: {endpoints: [%s]}
routes:
  - name: product-api
    match: {prefix: /rest/V1/products}
    to: catalog
    percent: 100
    limits:
      - {per: header:X-Api-Key, rate: 10/m}
      - {per: client_ip, rate: 100/s}
`, rlsAddr, onError, legacy.hostPort(), newer.hostPort())
}

// TestRateLimit: descriptors built from the route's actions reach a real
// RLS over gRPC; OVER_LIMIT is a 429 with the service's headers and body,
// and the DRAFT_VERSION_03 headers go on every answer.
func TestRateLimit(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	svc := startRLS(t, "header", "blocked")
	r := startRig(t, rateLimitFile(legacy, newer, svc.addr, "allow"))

	status, body, resp := get(t, r.url+"/rest/V1/products/1", http.Header{"X-Api-Key": {"good"}, "X-Forwarded-For": {"203.0.113.9"}})
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "new", body)
	assert.Equal(t, "10, 10;w=60, 10;w=60", resp.Header.Get("X-Ratelimit-Limit"))
	assert.Equal(t, "5", resp.Header.Get("X-Ratelimit-Remaining"))
	assert.Equal(t, "42", resp.Header.Get("X-Ratelimit-Reset"))
	calls := svc.requests()
	require.Len(t, calls, 1)
	assert.Equal(t, "strangler", calls[0].GetDomain())
	// xff_trusted_hops 1: the client is the last XFF address, not the peer.
	assert.Equal(t, [][]string{{"limit=product-api#0", "header=good"}, {"limit=product-api#1", "remote_address=203.0.113.9"}},
		descriptorEntries(calls[0]))

	hitsBefore := newer.hitCount()
	status, body, resp = get(t, r.url+"/rest/V1/products/1", http.Header{"X-Api-Key": {"blocked"}})
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Equal(t, "slow down", body)
	assert.Equal(t, "7", resp.Header.Get("Retry-After"))
	assert.Equal(t, "true", resp.Header.Get("X-Envoy-Ratelimited"))
	assert.Equal(t, "0", resp.Header.Get("X-Ratelimit-Remaining"))
	assert.Equal(t, hitsBefore, newer.hitCount(), "a limited request never reaches the backend")

	// No X-Api-Key: request_headers without skip_if_absent drops that
	// descriptor; the client_ip one is still sent (the peer, no XFF).
	status, _, _ = get(t, r.url+"/rest/V1/products/1", nil)
	assert.Equal(t, http.StatusOK, status)
	calls = svc.requests()
	assert.Equal(t, [][]string{{"limit=product-api#1", "remote_address=127.0.0.1"}}, descriptorEntries(calls[len(calls)-1]))
}

// TestRateLimitServiceDown: with on_redis_error allow (failure_mode_deny
// false) a dead service lets requests through; with deny they get 500.
func TestRateLimitServiceDown(t *testing.T) {
	legacy, newer := newBackend(t, "legacy"), newBackend(t, "new")
	svc := startRLS(t, "header", "blocked")
	r := startRig(t, rateLimitFile(legacy, newer, svc.addr, "allow"))
	svc.grpc.Stop()
	status, body, _ := get(t, r.url+"/rest/V1/products/1", http.Header{"X-Api-Key": {"blocked"}})
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "new", body)

	r.edit("on_redis_error: allow", "on_redis_error: deny")
	waitFor(t, func() bool {
		status, _, _ := get(t, r.url+"/rest/V1/products/1", http.Header{"X-Api-Key": {"good"}})
		return status == http.StatusInternalServerError
	})
}

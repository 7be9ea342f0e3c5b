package shadow

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	extprocv3 "github.com/envoyproxy/go-control-plane/envoy/service/ext_proc/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
)

// envoy plays Envoy's part for the shadow route: it serves the user from
// one side for real, streams that exchange to the receiver over a real
// ext_proc gRPC stream (observability mode), and mirrors the request to the
// receiver over real HTTP/1.1.
type envoy struct {
	receiver string // host:port
	conn     *grpc.ClientConn
	proc     extprocv3.ExternalProcessorClient
	mirror   *http.Client
	upstream *http.Client
	sides    map[string]string // side -> base URL
}

func newEnvoy(t testing.TB, receiverAddr string, legacy, new *backend) *envoy {
	t.Helper()
	conn, err := grpc.NewClient(receiverAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &envoy{
		receiver: receiverAddr, conn: conn, proc: extprocv3.NewExternalProcessorClient(conn),
		mirror:   &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		upstream: &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 64}},
		sides:    map[string]string{SideLegacy: legacy.srv.URL, SideNew: new.srv.URL},
	}
}

// userRequest is one user request on a shadowed route and how Envoy
// handles it.
type userRequest struct {
	ID       string
	Route    string
	Method   string
	URI      string
	Host     string
	Header   http.Header
	Body     string
	Side     string // the side that serves the user
	Attempts int    // x-envoy-attempt-count on the response; 0: absent
	// Skip names the half Envoy never delivers: "mirror" or "capture".
	Skip        string
	MirrorFirst bool // mirror sent before the capture stream starts
	Concurrent  bool // mirror and capture at the same time (as Envoy really does)
	RawValues   bool // header values in raw_value (newer Envoys) instead of value
	Chunk       int  // response body chunk size; default 1024
	// Primary, when set, is the user's answer, reused instead of asking the
	// side again (the benchmark measures the receiver, not the backends).
	Primary *upstreamAnswer
}

func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// serve runs one user request through "Envoy".
func (e *envoy) serve(ctx context.Context, u userRequest) error {
	if u.ID == "" {
		u.ID = newID()
	}
	if u.Host == "" {
		u.Host = "shop.example.com"
	}
	if u.Header == nil {
		u.Header = http.Header{}
	}
	if u.Concurrent && u.Skip == "" {
		errs := make(chan error, 1)
		go func() { errs <- e.sendMirror(ctx, u) }()
		return errors.Join(e.capture(ctx, u), <-errs)
	}
	if u.Skip != "mirror" && u.MirrorFirst {
		if err := e.sendMirror(ctx, u); err != nil {
			return err
		}
	}
	if u.Skip != "capture" {
		if err := e.capture(ctx, u); err != nil {
			return err
		}
	} else if _, err := e.fetchPrimary(ctx, u); err != nil {
		return err
	}
	if u.Skip != "mirror" && !u.MirrorFirst {
		return e.sendMirror(ctx, u)
	}
	return nil
}

type upstreamAnswer struct {
	status int
	header http.Header
	body   []byte
}

func (e *envoy) fetchPrimary(ctx context.Context, u userRequest) (*upstreamAnswer, error) {
	if u.Primary != nil {
		return u.Primary, nil
	}
	req, err := http.NewRequestWithContext(ctx, u.Method, e.sides[u.Side]+u.URI, strings.NewReader(u.Body))
	if err != nil {
		return nil, err
	}
	req.Header = u.Header.Clone()
	req.Header.Set(requestIDName, u.ID)
	req.Header.Set(primaryMarker, "1")
	req.Host = u.Host
	resp, err := e.upstream.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return &upstreamAnswer{status: resp.StatusCode, header: resp.Header, body: body}, err
}

// capture opens the ext_proc stream as Envoy does: request headers when
// the request arrives, response headers and body chunks as the upstream
// answers, never waiting for a reply.
func (e *envoy) capture(ctx context.Context, u userRequest) error {
	ctx = metadata.AppendToOutgoingContext(ctx, routeHeader, u.Route)
	stream, err := e.proc.Process(ctx)
	if err != nil {
		return err
	}
	reqHeaders := []*corev3.HeaderValue{
		hv(":method", u.Method, u.RawValues), hv(":path", u.URI, u.RawValues), hv(":authority", u.Host, u.RawValues),
		hv(":scheme", "http", u.RawValues), hv(requestIDName, u.ID, u.RawValues),
	}
	reqHeaders = append(reqHeaders, headerValues(u.Header, u.RawValues)...)
	if err := stream.Send(&extprocv3.ProcessingRequest{ObservabilityMode: true, Request: &extprocv3.ProcessingRequest_RequestHeaders{
		RequestHeaders: &extprocv3.HttpHeaders{Headers: &corev3.HeaderMap{Headers: reqHeaders}, EndOfStream: u.Body == ""}}}); err != nil {
		return err
	}
	ans, err := e.fetchPrimary(ctx, u)
	if err != nil {
		return err
	}
	respHeader := ans.header.Clone()
	respHeader.Set(sideHeader, u.Side) // response_headers_to_add of the weighted cluster
	respHeader.Set("X-Envoy-Upstream-Service-Time", "3")
	if u.Attempts > 0 {
		respHeader.Set(attemptsHeader, strconv.Itoa(u.Attempts))
	}
	respHeaders := append([]*corev3.HeaderValue{hv(":status", strconv.Itoa(ans.status), u.RawValues)}, headerValues(respHeader, u.RawValues)...)
	if err := stream.Send(&extprocv3.ProcessingRequest{ObservabilityMode: true, Request: &extprocv3.ProcessingRequest_ResponseHeaders{
		ResponseHeaders: &extprocv3.HttpHeaders{Headers: &corev3.HeaderMap{Headers: respHeaders}, EndOfStream: len(ans.body) == 0}}}); err != nil {
		return err
	}
	chunk := u.Chunk
	if chunk <= 0 {
		chunk = 1024
	}
	for off := 0; off < len(ans.body); off += chunk {
		end := min(off+chunk, len(ans.body))
		err := stream.Send(&extprocv3.ProcessingRequest{ObservabilityMode: true, Request: &extprocv3.ProcessingRequest_ResponseBody{
			ResponseBody: &extprocv3.HttpBody{Body: ans.body[off:end], EndOfStream: end == len(ans.body)}}})
		if errors.Is(err, io.EOF) {
			break // the server closed the stream: it needs no more (the status follows on Recv)
		}
		if err != nil {
			return err
		}
	}
	if err := stream.CloseSend(); err != nil {
		return err
	}
	// Observability mode: the server sends nothing and ends the stream.
	if _, err := stream.Recv(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("capture stream: want the server to end it without a reply, got %v", err)
	}
	return nil
}

func (e *envoy) sendMirror(ctx context.Context, u userRequest) error {
	req, err := http.NewRequestWithContext(ctx, u.Method, "http://"+e.receiver+u.URI, bytes.NewReader([]byte(u.Body)))
	if err != nil {
		return err
	}
	req.Header = u.Header.Clone()
	req.Header.Set(requestIDName, u.ID)
	req.Header.Set(routeHeader, u.Route)
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Host = u.Host
	resp, err := e.mirror.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("mirror answered %d", resp.StatusCode)
	}
	return nil
}

func hv(k, v string, raw bool) *corev3.HeaderValue {
	if raw {
		return &corev3.HeaderValue{Key: k, RawValue: []byte(v)}
	}
	return &corev3.HeaderValue{Key: k, Value: v}
}

// headerValues lower-cases names, as Envoy does.
func headerValues(h http.Header, raw bool) []*corev3.HeaderValue {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []*corev3.HeaderValue
	for _, k := range names {
		for _, v := range h[k] {
			out = append(out, hv(strings.ToLower(k), v, raw))
		}
	}
	return out
}

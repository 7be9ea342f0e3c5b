// Package servetest runs strangler's real control plane (serve.Run) inside
// tests, on loopback ports, and stops it when the test ends.
package servetest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/strangler-dev/strangler/controlplane/serve"
)

// Start runs serve.Run until the test ends and returns it once its servers
// listen. xDS and admin bind to 127.0.0.1:0 unless opts names addresses, and
// logs are discarded unless opts has a Logger. At the end of the test the
// process must stop without error.
func Start(tb testing.TB, opts serve.Options) *serve.Running {
	tb.Helper()
	if opts.XDSAddr == "" {
		opts.XDSAddr = "127.0.0.1:0"
	}
	if opts.AdminAddr == "" {
		opts.AdminAddr = "127.0.0.1:0"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, cancel := context.WithCancel(context.Background())
	running := make(chan *serve.Running, 1)
	opts.Ready = func(r *serve.Running) { running <- r }
	done := make(chan error, 1)
	go func() { done <- serve.Run(ctx, opts) }()
	tb.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("serve ended with an error: %v", err)
		}
	})
	select {
	case r := <-running:
		return r
	case err := <-done:
		tb.Fatalf("serve ended before it was up: %v", err)
		return nil
	}
}

// WriteRouteFile writes a route file into the test's temp dir and returns
// its path.
func WriteRouteFile(tb testing.TB, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "routes.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// FreeAddr is a loopback host:port nothing listens on, for the services a
// route file names: their listen address must be a real port, not :0.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

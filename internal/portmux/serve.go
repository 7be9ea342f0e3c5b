package portmux

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"google.golang.org/grpc"
)

// ShutdownGrace bounds how long Serve waits for streams and requests in
// flight when it stops.
const ShutdownGrace = 5 * time.Second

// Serve runs g and web on one listener until ctx ends (or one of them
// fails), then stops both gracefully within ShutdownGrace.
func Serve(ctx context.Context, l net.Listener, g *grpc.Server, web *http.Server) error {
	mux := New(l)
	defer mux.Close()
	errs := make(chan error, 2)
	go func() { errs <- g.Serve(mux.GRPC()) }()
	go func() { errs <- web.Serve(mux.HTTP()) }()
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
		err = fmt.Errorf("serving %s: %w", l.Addr(), err)
	}
	stop(g, web)
	if errors.Is(err, http.ErrServerClosed) || errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

func stop(g *grpc.Server, web *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	stopped := make(chan struct{})
	go func() {
		g.GracefulStop()
		close(stopped)
	}()
	_ = web.Shutdown(ctx)
	select {
	case <-stopped:
	case <-ctx.Done():
		g.Stop()
	}
}

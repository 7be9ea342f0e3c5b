package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/controlplane"
	"github.com/strangler-dev/strangler/controlplane/serve"
	"github.com/strangler-dev/strangler/envoy/edge"
	"github.com/strangler-dev/strangler/routes"
	"github.com/strangler-dev/strangler/services/catalog"
	"github.com/strangler-dev/strangler/services/catalogue"
	"github.com/strangler-dev/strangler/services/legacy"
	"github.com/strangler-dev/strangler/services/shopper"
)

// newDevCommand is `make run`: the whole migration on one machine, in one
// process but for a real Envoy when one is on PATH.
func newDevCommand() *cobra.Command {
	var routesPath, xdsAddr, adminAddr, legacyAddr, catalogAddr, token string
	var rate float64
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run the whole stack locally: control plane and edge services, Envoy (or the stand-in), both backends, shop traffic",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			f, err := routes.Load(routesPath)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			logFile, err := os.CreateTemp("", "strangler-dev-*.log")
			if err != nil {
				return err
			}
			defer logFile.Close()
			log := slog.New(slog.NewJSONHandler(logFile, nil))
			out := cmd.OutOrStdout()

			cat := catalogue.Generate(catalogue.Options{Seed: 1})
			purge := ""
			if f.CacheService != nil {
				purge = "http://" + f.CacheService.Address.String() + "/"
			}
			backends := []struct {
				addr string
				h    http.Handler
			}{
				{legacyAddr, legacy.New(legacy.Options{Catalogue: cat, Seed: 1, Latency: legacy.RealisticLatency, Noise: true, PurgeURL: purge, Logger: log})},
				{catalogAddr, catalog.New(catalog.Options{Catalogue: cat, Seed: 1, Logger: log})},
			}
			for _, b := range backends {
				l, err := net.Listen("tcp", b.addr)
				if err != nil {
					return fmt.Errorf("backend: %w", err)
				}
				srv := &http.Server{Handler: b.h, ReadHeaderTimeout: 10 * time.Second}
				go func() { _ = srv.Serve(l) }()
				defer srv.Close()
			}

			running := make(chan *serve.Running, 1)
			done := make(chan error, 1)
			go func() {
				done <- serve.Run(ctx, serve.Options{RoutesPath: routesPath, XDSAddr: xdsAddr, AdminAddr: adminAddr,
					AdminToken: token, Logger: log, Ready: func(r *serve.Running) { running <- r }})
			}()
			var r *serve.Running
			select {
			case r = <-running:
			case err := <-done:
				return err
			}
			proxy, err := startProxy(ctx, r.XDSAddr.String(), log, logFile)
			if err != nil {
				return err
			}
			listen := "http://127.0.0.1:" + fmt.Sprint(f.Listen.Port)
			fmt.Fprintf(out, "strangler dev — what runs where (logs: %s)\n", logFile.Name())
			fmt.Fprintf(out, "  edge (%s)        %s   <- send requests here\n", proxy, listen)
			fmt.Fprintf(out, "  control plane xDS      %s\n", r.XDSAddr)
			fmt.Fprintf(out, "  console                http://%s/   (admin token %q)\n", r.AdminAddr, token)
			fmt.Fprintf(out, "  admin API, /metrics    http://%s   (/api/routes, /api/nodes, /api/shadow, /metrics)\n", r.AdminAddr)
			for _, svc := range []struct {
				name string
				on   bool
				addr routes.Address
			}{{"rate limit (RLS)", f.RateLimit != nil, addrOr(f.RateLimit, func() routes.Address { return f.RateLimit.Listen })},
				{"cache (ext_proc+PURGE)", f.CacheService != nil, addrOr(f.CacheService, func() routes.Address { return f.CacheService.Listen })},
				{"shadow receiver", f.ShadowService != nil, addrOr(f.ShadowService, func() routes.Address { return f.ShadowService.Listen })}} {
				if svc.on {
					fmt.Fprintf(out, "  %-22s %s\n", svc.name, svc.addr)
				}
			}
			fmt.Fprintf(out, "  Magento stand-in       http://%s\n  catalog service        http://%s   (faults: PUT /admin/faults)\n", legacyAddr, catalogAddr)
			fmt.Fprintf(out, "  Redis                  %s\n", redisWhere(f))
			fmt.Fprintf(out, "try: curl -si %s/rest/V1/products/24-MB01 -H 'X-Strangler-Preview: new'\n", listen)
			if rate > 0 {
				fmt.Fprintf(out, "  shop traffic           %.0f req/s (browsing, search, cart)\n", rate)
				go func() {
					st := shopper.Run(ctx, shopper.Options{BaseURL: listen, Rate: rate, Catalogue: cat, Seed: 7})
					log.Info("traffic stopped", "stats", st.String())
				}()
			}
			fmt.Fprintln(out, "Ctrl-C stops everything.")
			<-ctx.Done()
			return <-done
		},
	}
	cmd.Flags().StringVar(&routesPath, "routes", "routes/examples/magento.yaml", "route file (watched: edit it while it runs)")
	cmd.Flags().StringVar(&xdsAddr, "xds-addr", "127.0.0.1:18000", "xDS address")
	cmd.Flags().StringVar(&adminAddr, "admin-addr", "127.0.0.1:9000", "admin API address")
	cmd.Flags().StringVar(&token, "admin-token", "dev", "admin token for rollout actions")
	cmd.Flags().StringVar(&legacyAddr, "legacy-addr", "127.0.0.1:8080", "Magento stand-in (the route file's magento backend)")
	cmd.Flags().StringVar(&catalogAddr, "catalog-addr", "127.0.0.1:8090", "catalog service (the route file's catalog backend)")
	cmd.Flags().Float64Var(&rate, "traffic", 20, "shop-like requests per second through the edge (0: none)")
	return cmd
}

func addrOr[T any](p *T, get func() routes.Address) routes.Address {
	if p == nil {
		return routes.Address{}
	}
	return get()
}

func redisWhere(f *routes.File) string {
	if f.Redis.Embedded() {
		return "embedded in this process (miniredis)"
	}
	if f.Redis.URL != "" {
		return f.Redis.URL
	}
	return fmt.Sprint(f.Redis.Cluster)
}

// startProxy runs real Envoy when an `envoy` binary is on PATH (with the ADS
// bootstrap), else the stand-in; it returns which.
func startProxy(ctx context.Context, xds string, log *slog.Logger, logOut io.Writer) (string, error) {
	if path, err := exec.LookPath("envoy"); err == nil {
		host, portStr, _ := net.SplitHostPort(xds)
		var port uint32
		fmt.Sscan(portStr, &port)
		boot, err := controlplane.ADSBootstrap(host, port, "envoy-1", "edge")
		if err != nil {
			return "", err
		}
		bootPath := filepath.Join(os.TempDir(), "strangler-dev-bootstrap.json")
		if err := os.WriteFile(bootPath, boot, 0o644); err != nil {
			return "", err
		}
		e := exec.CommandContext(ctx, path, "-c", bootPath, "--log-level", "warn")
		e.Stdout, e.Stderr = logOut, logOut
		if err := e.Start(); err != nil {
			return "", err
		}
		go func() { _ = e.Wait() }()
		return "Envoy", nil
	}
	e, err := edge.New(edge.Options{XDS: xds, NodeID: "edge-1", Cluster: "edge", Logger: log})
	if err != nil {
		return "", err
	}
	go func() {
		if err := e.Run(ctx); err != nil && ctx.Err() == nil {
			log.Error("edge stopped", "error", err)
		}
	}()
	select {
	case <-e.Ready():
	case <-time.After(15 * time.Second):
		return "", fmt.Errorf("the edge stand-in got no complete config from %s within 15s", xds)
	}
	return "stand-in", nil
}

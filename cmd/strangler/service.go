package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/services/catalog"
	"github.com/strangler-dev/strangler/services/catalogue"
	"github.com/strangler-dev/strangler/services/legacy"
)

// newServiceCommand runs the demo backends: a Magento stand-in and the new Go
// catalog service, over the same generated catalogue (same --seed).
func newServiceCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "service", Short: "Run a demo backend: the Magento stand-in (legacy) or the new catalog service"}
	var listen string
	var seed uint64
	var products int
	flags := func(c *cobra.Command, addr string) {
		c.Flags().StringVar(&listen, "listen", addr, "HTTP address")
		c.Flags().Uint64Var(&seed, "seed", 1, "catalogue seed (use the same for both services)")
		c.Flags().IntVar(&products, "products", 3000, "products in the generated catalogue")
	}
	var noise bool
	var purgeURL string
	legacyCmd := &cobra.Command{
		Use:   "legacy",
		Short: "A Magento 2 stand-in: REST products, search, categories, carts, storefront pages, PURGE on save",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat := catalogue.Generate(catalogue.Options{Seed: seed, Products: products})
			return serveHTTP(cmd.Context(), listen, legacy.New(legacy.Options{Catalogue: cat, Seed: seed,
				Latency: legacy.RealisticLatency, Noise: noise, PurgeURL: purgeURL}))
		},
	}
	flags(legacyCmd, "127.0.0.1:8080")
	legacyCmd.Flags().BoolVar(&noise, "noise", true, "answer like Magento does: changing updated_at, drifting stock, fresh form keys")
	legacyCmd.Flags().StringVar(&purgeURL, "purge-url", "", "cache to PURGE when a product is saved (POST /admin/products/{sku})")
	var faults string
	catalogCmd := &cobra.Command{
		Use:   "catalog",
		Short: "The new Go catalog service; faults switchable at run time with PUT /admin/faults",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var f catalog.Faults
			if faults != "" {
				if err := f.UnmarshalJSON([]byte(faults)); err != nil {
					return err
				}
				if err := f.Validate(); err != nil {
					return err
				}
			}
			cat := catalogue.Generate(catalogue.Options{Seed: seed, Products: products})
			return serveHTTP(cmd.Context(), listen, catalog.New(catalog.Options{Catalogue: cat, Seed: seed, Faults: f}))
		},
	}
	flags(catalogCmd, "127.0.0.1:8090")
	catalogCmd.Flags().StringVar(&faults, "faults", "", `faults from the start, as JSON: {"latency":"50ms","error_rate":0.1,"differences":{"price_delta":0.01}}`)
	cmd.AddCommand(legacyCmd, catalogCmd)
	return cmd
}

func serveHTTP(ctx context.Context, addr string, h http.Handler) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errs := make(chan error, 1)
	go func() { errs <- srv.ListenAndServe() }()
	slog.Info("listening", "addr", addr)
	select {
	case err := <-errs:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

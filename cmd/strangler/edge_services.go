package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/controlplane/serve"
)

// newEdgeServiceCommand runs one of the services Envoy calls on its own,
// configured (and reconfigured, as it is edited) by the same route file the
// control plane serves, so Envoy's config and the service's cannot drift.
func newEdgeServiceCommand(name, short string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   name + " --routes FILE",
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, err := settings(cmd)
			if err != nil {
				return err
			}
			path := v.GetString("routes")
			if path == "" {
				return errors.New("--routes is required (or STRANGLER_ROUTES)")
			}
			if _, err := os.Stat(path); err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel(v.GetString("log-level"))}))
			return serve.Run(ctx, serve.Options{RoutesPath: path, AdminAddr: v.GetString("admin-addr"),
				Edges: []string{name}, Logger: log})
		},
	}
	cmd.Flags().String("routes", "", "route file (watched; edits apply without restart)")
	cmd.Flags().String("admin-addr", ":9091", "HTTP address for /metrics, /healthz and /readyz")
	cmd.Flags().String("log-level", "info", "debug, info, warn or error")
	return cmd
}

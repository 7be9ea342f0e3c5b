package main

import (
	"context"
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
			_, opts, err := serveSettings(cmd)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			opts.Edges = []string{name}
			return serve.Run(ctx, opts)
		},
	}
	cmd.Flags().String("routes", "", "route file (watched; edits apply without restart)")
	cmd.Flags().String("admin-addr", ":9091", "HTTP address for /metrics, /healthz and /readyz")
	cmd.Flags().String("log-level", "info", "debug, info, warn or error")
	return cmd
}

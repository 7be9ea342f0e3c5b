package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/envoy/edge"
)

func newEdgeCommand() *cobra.Command {
	var xds, node, cluster, listen string
	cmd := &cobra.Command{
		Use:   "edge --xds HOST:PORT --node ID",
		Short: "Run the Envoy stand-in: an xDS client of strangler that serves HTTP from its config (development only)",
		Long: "edge is a development stand-in for Envoy, for machines without Envoy: it subscribes to strangler's\n" +
			"control plane over ADS like an Envoy node, NACKs any config outside the subset strangler emits, and serves\n" +
			"HTTP on the listener address from it. Production runs Envoy.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			e, err := edge.New(edge.Options{XDS: xds, NodeID: node, Cluster: cluster, ListenOverride: listen,
				Logger: slog.New(slog.NewJSONHandler(os.Stderr, nil))})
			if err != nil {
				return err
			}
			return e.Run(ctx)
		},
	}
	cmd.Flags().StringVar(&xds, "xds", "127.0.0.1:18000", "strangler's xDS server")
	cmd.Flags().StringVar(&node, "node", "edge-1", "node id (unique per proxy)")
	cmd.Flags().StringVar(&cluster, "cluster", "edge", "node cluster")
	cmd.Flags().StringVar(&listen, "listen", "", "serve here instead of the listener address strangler sends")
	return cmd
}

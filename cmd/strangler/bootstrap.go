package main

import (
	"fmt"
	"net"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/controlplane"
)

func newBootstrapCommand() *cobra.Command {
	var xds, node, cluster, format string
	cmd := &cobra.Command{
		Use:   "bootstrap --xds HOST:PORT --node ID",
		Short: "Print the ADS bootstrap an Envoy starts with to take its config from strangler",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			host, portStr, err := net.SplitHostPort(xds)
			if err != nil {
				return fmt.Errorf("--xds %q: %w", xds, err)
			}
			port, err := strconv.ParseUint(portStr, 10, 16)
			if err != nil {
				return fmt.Errorf("--xds %q: bad port", xds)
			}
			out, err := controlplane.ADSBootstrap(host, uint32(port), node, cluster)
			if err == nil && format == "yaml" {
				out, err = controlplane.ToYAML(out)
			} else if err == nil && format != "json" {
				err = fmt.Errorf("--format %q: use yaml or json", format)
			}
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	cmd.Flags().StringVar(&xds, "xds", "127.0.0.1:18000", "address of strangler's xDS server")
	cmd.Flags().StringVar(&node, "node", "envoy-1", "Envoy node id (unique per Envoy; shown by strangler status)")
	cmd.Flags().StringVar(&cluster, "cluster", "edge", "Envoy node cluster")
	cmd.Flags().StringVar(&format, "format", "yaml", "yaml or json")
	return cmd
}

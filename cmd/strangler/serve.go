package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/strangler-dev/strangler/controlplane/serve"
)

func newServeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve --routes FILE",
		Short: "Run the control plane: watch the route file and serve it to Envoy over ADS, with the admin API",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, opts, err := serveSettings(cmd)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			edges, err := edgeList(v.GetString("edges"))
			if err != nil {
				return err
			}
			opts.XDSAddr, opts.Edges, opts.AdminToken = v.GetString("xds-addr"), edges, v.GetString("admin-token")
			return serve.Run(ctx, opts)
		},
	}
	cmd.Flags().String("routes", "", "route file to serve (watched; edits apply without restart)")
	cmd.Flags().String("xds-addr", ":18000", "gRPC address of the xDS (ADS) server")
	cmd.Flags().String("admin-addr", ":9000", "HTTP address of the admin API and /metrics")
	cmd.Flags().String("log-level", "info", "debug, info, warn or error")
	cmd.Flags().String("admin-token", "", "bearer token the admin API's actions require (STRANGLER_ADMIN_TOKEN); empty refuses them")
	cmd.Flags().String("edges", "all", "edge services to run beside the control plane when the route file configures them: all, none, or a comma list of "+strings.Join(serve.EdgeNames(), ", "))
	return cmd
}

// edgeList reads --edges: "all" is nil (every configured one), "none" empty.
func edgeList(s string) ([]string, error) {
	switch strings.TrimSpace(s) {
	case "all", "":
		return nil, nil
	case "none":
		return []string{}, nil
	}
	var out []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(serve.EdgeNames(), name) {
			return nil, fmt.Errorf("--edges: no edge service %q (have %s)", name, strings.Join(serve.EdgeNames(), ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

// serveSettings reads what every long-running command shares: the route
// file (required, must exist), the admin address and the log level.
func serveSettings(cmd *cobra.Command) (*viper.Viper, serve.Options, error) {
	v, err := settings(cmd)
	if err != nil {
		return nil, serve.Options{}, err
	}
	path := v.GetString("routes")
	if path == "" {
		return nil, serve.Options{}, errors.New("--routes is required (or STRANGLER_ROUTES)")
	}
	if _, err := os.Stat(path); err != nil {
		return nil, serve.Options{}, err
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel(v.GetString("log-level"))}))
	return v, serve.Options{RoutesPath: path, AdminAddr: v.GetString("admin-addr"), Logger: log}, nil
}

func logLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

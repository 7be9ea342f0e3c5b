package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/envoy/cache"
	"github.com/strangler-dev/strangler/routes"
)

func newCacheCommand() *cobra.Command {
	cmd := newEdgeServiceCommand("cache", "Run the Redis-backed edge cache (Envoy ext_proc) with Magento's PURGE protocol, from the route file")
	cmd.AddCommand(newCachePurgeCommand())
	return cmd
}

func newCachePurgeCommand() *cobra.Command {
	var file, tag, pattern string
	cmd := &cobra.Command{
		Use:   "purge (--tag TAG | --pattern REGEX) --routes FILE",
		Short: "Evict cached entries by Magento tag (e.g. cat_p_42) or tag regex, as Magento's admin does",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (tag == "") == (pattern == "") {
				return errors.New("give exactly one of --tag and --pattern")
			}
			if tag != "" {
				pattern = cache.TagPattern(tag)
			}
			f, err := routes.Load(file)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			if f.CacheService == nil {
				return fmt.Errorf("%s has no cache_service", file)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 35*time.Second)
			defer cancel()
			answer, err := cache.SendPurge(ctx, http.DefaultClient, f.CacheService.Address.String(), f.CacheService.PurgeToken, pattern)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s (%s)\n", answer, pattern)
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "routes", "routes.yaml", "route file naming the cache service (cache_service.address, purge_token)")
	cmd.Flags().StringVar(&tag, "tag", "", "one Magento cache tag, e.g. cat_p_42")
	cmd.Flags().StringVar(&pattern, "pattern", "", "an X-Magento-Tags-Pattern regex; \".*\" flushes everything")
	return cmd
}

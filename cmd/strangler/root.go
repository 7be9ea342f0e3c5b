package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "strangler",
		Short:         "Move traffic off a Magento monolith onto new services, one route at a time, with Envoy in front",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().String("config", "", "config file (YAML) with defaults for any flag; flags and STRANGLER_* env win")
	root.AddCommand(newValidateCommand(), newRenderCommand(), newDiffCommand(), newBootstrapCommand(),
		newServeCommand(), newStatusCommand(), newShiftCommand(),
		newEdgeServiceCommand("ratelimit", "Run the global rate limit service (Envoy RLS v3, GCRA in Redis) from the route file"),
		newCacheCommand(),
		newEdgeServiceCommand("shadow", "Run the shadow receiver: join Envoy's mirror and response capture, call the other side, compare, store"),
		newReportCommand(), newReplayCommand(), newRolloutCommand(), newHistoryCommand(),
		newServiceCommand(), newEdgeCommand(), newDevCommand())
	return root
}

// settings binds a command's flags to viper so every flag can also come from
// STRANGLER_<FLAG> (dashes become underscores) or the --config file, in that
// order of precedence: flag, environment, file, default.
func settings(cmd *cobra.Command) (*viper.Viper, error) {
	v := viper.New()
	v.SetEnvPrefix("STRANGLER")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	var bindErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if err := v.BindPFlag(f.Name, f); err != nil && bindErr == nil {
			bindErr = err
		}
	})
	if bindErr != nil {
		return nil, bindErr
	}
	if file := v.GetString("config"); file != "" {
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return nil, err
		}
	}
	return v, nil
}

package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/routes"
)

func newValidateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check route files; print every error as FILE:LINE:COL and exit 1 if any",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			failed := 0
			for _, path := range args {
				f, err := routes.Load(path)
				if err != nil {
					failed++
					fmt.Fprintln(cmd.ErrOrStderr(), err)
					continue
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: ok (%d routes, %d backends)\n", path, len(f.Routes), len(f.Backends))
			}
			if failed > 0 {
				return &exitError{code: 1, err: fmt.Errorf("%d of %d files invalid", failed, len(args))}
			}
			return nil
		},
	}
}

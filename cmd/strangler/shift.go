package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/controlplane"
	"github.com/strangler-dev/strangler/routes"
)

func newShiftCommand() *cobra.Command {
	var file string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "shift ROUTE PERCENT",
		Short: "Set a route's percent in the route file, changing that one line; the control plane pushes it",
		Long: "shift rewrites one route's percent in place, keeping every comment and the formatting, validates the\n" +
			"result and saves it atomically. A running control plane watching the file pushes the change to Envoy.\n" +
			"--dry-run prints what would change in Envoy instead.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := routes.ParsePercent(args[1])
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("percent: %w", err)}
			}
			data, err := os.ReadFile(file)
			if err != nil {
				return err
			}
			old, err := routes.Parse(file, data)
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("the route file is invalid before the change:\n%w", err)}
			}
			out, err := routes.SetPercent(data, args[0], p)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			if dryRun {
				next, err := routes.Parse(file, out)
				if err != nil {
					return err
				}
				changes, err := controlplane.Diff(old, next)
				if err != nil {
					return err
				}
				for _, c := range changes {
					fmt.Fprintln(cmd.OutOrStdout(), c.Text)
				}
				return nil
			}
			if err := routes.WriteFile(file, out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: route %s -> %s\n", file, args[0], p)
			return nil
		},
	}
	cmd.Flags().StringVarP(&file, "file", "f", "routes.yaml", "route file to edit")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print the change (as strangler diff does) without writing")
	return cmd
}

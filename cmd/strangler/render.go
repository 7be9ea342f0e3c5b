package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/controlplane"
	"github.com/strangler-dev/strangler/routes"
)

func newRenderCommand() *cobra.Command {
	var format string
	var bootstrap bool
	var adminPort uint32
	cmd := &cobra.Command{
		Use:   "render FILE",
		Short: "Print the Envoy resources a route file becomes (or, with --bootstrap, a static Envoy bootstrap)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := routes.Load(args[0])
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			res, err := controlplane.Translate(f)
			if err != nil {
				return err
			}
			var out []byte
			switch {
			case bootstrap:
				out, err = controlplane.Bootstrap(res, adminPort)
			case format == "json":
				out, err = controlplane.Render(res)
			case format == "yaml":
				out, err = controlplane.RenderYAML(res)
			default:
				return fmt.Errorf("--format %q: use json or yaml", format)
			}
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", "json", "json or yaml")
	cmd.Flags().BoolVar(&bootstrap, "bootstrap", false, "print a complete static Envoy bootstrap (envoy -c) instead")
	cmd.Flags().Uint32Var(&adminPort, "admin-port", 9901, "Envoy admin port in the --bootstrap output")
	return cmd
}

func newDiffCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Say what would change in Envoy between two route files, in words for a pull request",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			old, err := routes.Load(args[0])
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			next, err := routes.Load(args[1])
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			changes, err := controlplane.Diff(old, next)
			if err != nil {
				return err
			}
			for _, c := range changes {
				fmt.Fprintln(cmd.OutOrStdout(), c.Text)
			}
			return nil
		},
	}
}

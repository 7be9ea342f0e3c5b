package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/controlplane/rollout"
)

// rolloutClient reads --admin and --token (or STRANGLER_ADMIN / STRANGLER_ADMIN_TOKEN).
func rolloutClient(cmd *cobra.Command) (*rollout.Client, error) {
	v, err := settings(cmd)
	if err != nil {
		return nil, err
	}
	return &rollout.Client{BaseURL: strings.TrimRight(v.GetString("admin"), "/"), Token: v.GetString("token"),
		HTTP: &http.Client{Timeout: 10 * time.Second}}, nil
}

func addAdminFlags(cmd *cobra.Command) {
	cmd.Flags().String("admin", "http://127.0.0.1:9000", "URL of strangler's admin API (STRANGLER_ADMIN)")
	cmd.Flags().String("token", "", "admin bearer token for actions (STRANGLER_TOKEN or --config)")
}

func who() string {
	user := os.Getenv("USER")
	if user == "" {
		user = "unknown"
	}
	host, _ := os.Hostname()
	return "cli:" + user + "@" + host
}

func newRolloutCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "rollout", Short: "See and steer automated rollouts (status, promote, pause, resume, abort)"}
	status := &cobra.Command{
		Use:   "status [ROUTE]",
		Short: "Step, percent, time left and last verdicts; exits 2 when a rollout is degraded or rolled back",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := rolloutClient(cmd)
			if err != nil {
				return err
			}
			var all []rollout.Status
			if len(args) == 1 {
				st, err := c.Status(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				all = []rollout.Status{st}
			} else if all, err = c.StatusAll(cmd.Context()); err != nil {
				return err
			}
			degraded := writeStatuses(cmd.OutOrStdout(), all)
			if degraded > 0 {
				return &exitError{code: 2, err: fmt.Errorf("%d rollout(s) degraded", degraded)}
			}
			return nil
		},
	}
	addAdminFlags(status)
	cmd.AddCommand(status)
	type action func(c *rollout.Client, cmd *cobra.Command, route string, by rollout.By) (rollout.Status, error)
	for _, a := range []struct {
		name, short string
		do          action
	}{
		{"promote", "Move to the next step now (--full: straight to 100%)", func(c *rollout.Client, cmd *cobra.Command, route string, by rollout.By) (rollout.Status, error) {
			full, _ := cmd.Flags().GetBool("full")
			return c.Promote(cmd.Context(), route, full, by)
		}},
		{"pause", "Hold the rollout where it is", func(c *rollout.Client, cmd *cobra.Command, route string, by rollout.By) (rollout.Status, error) {
			return c.Pause(cmd.Context(), route, by)
		}},
		{"resume", "Continue a paused, degraded or rolled back rollout", func(c *rollout.Client, cmd *cobra.Command, route string, by rollout.By) (rollout.Status, error) {
			return c.Resume(cmd.Context(), route, by)
		}},
		{"abort", "Send the route back to 0% and stop the rollout", func(c *rollout.Client, cmd *cobra.Command, route string, by rollout.By) (rollout.Status, error) {
			return c.Abort(cmd.Context(), route, by)
		}},
	} {
		sub := &cobra.Command{
			Use:   a.name + " ROUTE",
			Short: a.short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				c, err := rolloutClient(cmd)
				if err != nil {
					return err
				}
				why, _ := cmd.Flags().GetString("why")
				st, err := a.do(c, cmd, args[0], rollout.By{Who: who(), Why: why})
				if err != nil {
					return err
				}
				writeStatuses(cmd.OutOrStdout(), []rollout.Status{st})
				return nil
			},
		}
		addAdminFlags(sub)
		sub.Flags().String("why", "", "reason, kept in history")
		if a.name == "promote" {
			sub.Flags().Bool("full", false, "go straight to 100%")
		}
		cmd.AddCommand(sub)
	}
	return cmd
}

// writeStatuses prints one line per rollout and returns how many are degraded.
func writeStatuses(out io.Writer, all []rollout.Status) int {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ROUTE\tPHASE\tPERCENT\tSTEP\tHOLD LEFT\tFAILURES\tLAST VERDICT")
	degraded := 0
	for _, st := range all {
		if st.Degraded() {
			degraded++
		}
		step := "start"
		if st.Step >= 0 && st.Step < len(st.Steps) {
			step = fmt.Sprintf("%d/%d (%s)", st.Step+1, len(st.Steps), st.Steps[st.Step])
		}
		verdict := "-"
		if n := len(st.Verdicts); n > 0 {
			v := st.Verdicts[n-1]
			verdict = string(v.Result)
			if len(v.Reasons) > 0 {
				verdict += ": " + strings.Join(v.Reasons, "; ")
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%d/%d\t%s\n", st.Route, st.Phase, st.Percent, step,
			time.Duration(st.HoldLeft), st.Failures, st.MaxFailures, verdict)
	}
	_ = w.Flush()
	return degraded
}

func newHistoryCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "history ROUTE",
		Short: "Every percent change of a route: when, who or what, why",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := rolloutClient(cmd)
			if err != nil {
				return err
			}
			limit, _ := cmd.Flags().GetInt("limit")
			events, err := c.History(cmd.Context(), args[0], limit)
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "WHEN\tACTION\tFROM\tTO\tPHASE\tWHO\tWHY")
			for _, e := range events {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.At.Format(time.RFC3339), e.Action, e.From, e.To, e.Phase, e.Who, e.Why)
			}
			return w.Flush()
		},
	}
	addAdminFlags(cmd)
	cmd.Flags().Int("limit", 50, "newest events shown")
	return cmd
}

package main

import (
	"encoding/json"
	"fmt"
	"github.com/strangler-dev/strangler/controlplane/xds"
	"net/http"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func newStatusCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the Envoy nodes, the config versions they accepted, and any rejection",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v, err := settings(cmd)
			if err != nil {
				return err
			}
			base := strings.TrimRight(v.GetString("admin"), "/")
			client := &http.Client{Timeout: 5 * time.Second}
			var body struct{ Nodes []xds.Node }
			if err := getJSON(client, base+"/api/nodes", &body); err != nil {
				return err
			}
			nodes := body.Nodes
			sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NODE\tCONNECTED\tCDS\tEDS\tLDS\tRDS\tLAST NACK")
			nacks := 0
			for _, n := range nodes {
				nack := "-"
				if n.LastNACK != nil {
					nacks++
					nack = fmt.Sprintf("%s %s rejected at %s (still running %s): %s", shortType(n.LastNACK.TypeURL),
						n.LastNACK.Rejected, n.LastNACK.At.Format(time.RFC3339), n.LastNACK.Version, n.LastNACK.Message)
				}
				fmt.Fprintf(w, "%s\t%v\t%s\t%s\t%s\t%s\t%s\n", n.ID, n.Connected, ackedOf(n, "Cluster"),
					ackedOf(n, "ClusterLoadAssignment"), ackedOf(n, "Listener"), ackedOf(n, "RouteConfiguration"), nack)
			}
			if err := w.Flush(); err != nil {
				return err
			}
			if len(nodes) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no Envoy has connected yet")
			}
			return nil
		},
	}
	cmd.Flags().String("admin", "http://127.0.0.1:9000", "URL of strangler's admin API")
	return cmd
}

func ackedOf(n xds.Node, typeSuffix string) string {
	for url, v := range n.Acked {
		if strings.HasSuffix(url, "."+typeSuffix) {
			return v
		}
	}
	return "-"
}

func shortType(url string) string { return url[strings.LastIndex(url, ".")+1:] }

func getJSON(c *http.Client, url string, into any) error {
	resp, err := c.Get(url)
	if err != nil {
		return fmt.Errorf("admin API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("admin API %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		return fmt.Errorf("admin API %s: %w", url, err)
	}
	return nil
}

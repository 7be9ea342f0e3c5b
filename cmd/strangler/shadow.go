package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/strangler-dev/strangler/internal/redisconn"
	"github.com/strangler-dev/strangler/routes"
	"github.com/strangler-dev/strangler/shadow"
)

func newReportCommand() *cobra.Command {
	var file, admin, format string
	var since time.Duration
	cmd := &cobra.Command{
		Use:   "report [ROUTE] --routes FILE",
		Short: "Print the shadow comparison report of one route, or of every route with data",
		Long: "report reads the shadow store named by the route file's redis setting. When the file has no redis\n" +
			"(the embedded one lives inside `strangler serve`), or with --admin, it asks the control plane's admin API.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" && format != "markdown" {
				return fmt.Errorf("--format %q: use table, json or markdown", format)
			}
			src, err := reportSource(cmd.Context(), file, admin)
			if err != nil {
				return err
			}
			defer src.close()
			names := args
			if len(names) == 0 {
				if names, err = src.routes(cmd.Context()); err != nil {
					return err
				}
			}
			if len(names) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no shadow comparisons recorded yet")
				return nil
			}
			var reps []shadow.Report
			for _, name := range names {
				rep, err := src.report(cmd.Context(), name, since)
				if err != nil {
					return err
				}
				reps = append(reps, rep)
			}
			return writeReports(cmd.OutOrStdout(), format, reps)
		},
	}
	cmd.Flags().StringVar(&file, "routes", "routes.yaml", "route file (its redis setting names the shadow store)")
	cmd.Flags().StringVar(&admin, "admin", "", "read through this admin API instead (e.g. http://127.0.0.1:9000)")
	cmd.Flags().DurationVar(&since, "since", time.Hour, "how far back")
	cmd.Flags().StringVar(&format, "format", "table", "table, json or markdown")
	return cmd
}

func writeReports(w io.Writer, format string, reps []shadow.Report) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if len(reps) == 1 {
			return enc.Encode(reps[0])
		}
		return enc.Encode(reps)
	}
	for i, rep := range reps {
		if i > 0 {
			fmt.Fprintln(w)
		}
		write := shadow.WriteTable
		if format == "markdown" {
			write = shadow.WriteMarkdown
		}
		if err := write(w, rep); err != nil {
			return err
		}
	}
	return nil
}

// reportSourceT reads reports from Redis or from an admin API.
type reportSourceT struct {
	store *shadow.Store
	close func()
	admin string
	http  *http.Client
}

func reportSource(ctx context.Context, file, admin string) (*reportSourceT, error) {
	if admin == "" {
		f, err := routes.Load(file)
		if err != nil {
			return nil, &exitError{code: 1, err: err}
		}
		if !f.Redis.Embedded() {
			c, closeFn, err := redisconn.Open(ctx, redisconn.Config{Address: f.Redis.URL, Cluster: f.Redis.Cluster}, slog.New(slog.DiscardHandler))
			if err != nil {
				return nil, err
			}
			return &reportSourceT{store: shadow.NewStore(c), close: closeFn}, nil
		}
		admin = "http://127.0.0.1:9000"
	}
	return &reportSourceT{admin: strings.TrimRight(admin, "/"), close: func() {}, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

func (s *reportSourceT) routes(ctx context.Context) ([]string, error) {
	if s.store != nil {
		return s.store.Routes(ctx)
	}
	var body struct{ Routes []string }
	err := s.get(ctx, "/api/shadow", &body)
	return body.Routes, err
}

func (s *reportSourceT) report(ctx context.Context, route string, since time.Duration) (shadow.Report, error) {
	if s.store != nil {
		now := time.Now()
		return s.store.Report(ctx, route, now.Add(-since), now)
	}
	var rep shadow.Report
	err := s.get(ctx, "/api/shadow/"+url.PathEscape(route)+"?since="+since.String(), &rep)
	return rep, err
}

func (s *reportSourceT) get(ctx context.Context, path string, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.admin+path, nil)
	if err != nil {
		return err
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("admin API: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("admin API %s: %s: %s", path, resp.Status, strings.TrimSpace(string(b)))
	}
	return json.NewDecoder(resp.Body).Decode(into)
}

func newReplayCommand() *cobra.Command {
	var file, logPath, legacyURL, newURL, format string
	var concurrency int
	cmd := &cobra.Command{
		Use:   "replay --routes FILE --log access.log|traffic.har",
		Short: "Replay recorded traffic against both sides, compare, and report (for pre-production and offline work)",
		Long: "replay reads Envoy JSON access log lines or a HAR file, names each request's route with the route\n" +
			"file, calls legacy and the new service itself, compares the answers and records them in the shadow store\n" +
			"(the route file's redis). Unsafe methods are skipped unless the route's shadow block allows writes.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := routes.Load(file)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			src, err := os.Open(logPath)
			if err != nil {
				return err
			}
			defer src.Close()
			if format == "" {
				format = shadow.FormatAccessLog
				if strings.HasSuffix(strings.ToLower(logPath), ".har") {
					format = shadow.FormatHAR
				}
			}
			ctx := cmd.Context()
			c, closeFn, err := redisconn.Open(ctx, redisconn.Config{Address: f.Redis.URL, Cluster: f.Redis.Cluster}, slog.New(slog.DiscardHandler))
			if err != nil {
				return err
			}
			defer closeFn()
			store := shadow.NewStore(c)
			start := time.Now()
			sum, err := shadow.Replay(ctx, shadow.ReplayOptions{
				Routes: shadow.ReplayRoutes(f), Source: src, Format: format, LegacyURL: legacyURL, NewURL: newURL,
				Concurrency: concurrency, Progress: cmd.ErrOrStderr(), Store: store,
				Match: func(method, path string, h http.Header) (string, bool) {
					r, ok := f.RouteFor(method, h.Get("Host"), path, h)
					if !ok {
						return "", false
					}
					return r.Name, true
				},
			})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "read %d, replayed %d, compared %d, matched %d (%.1f%%), skipped %v, not comparable %v\n",
				sum.Read, sum.Replayed, sum.Compared, sum.Matched, sum.MatchRate(), sum.Skipped, sum.NotComparable)
			names, err := store.Routes(ctx)
			if err != nil {
				return err
			}
			var reps []shadow.Report
			for _, name := range names {
				rep, err := store.Report(ctx, name, start.Add(-time.Minute), time.Now().Add(time.Minute))
				if err != nil {
					return err
				}
				reps = append(reps, rep)
			}
			if len(reps) == 0 {
				return errors.New("nothing was compared")
			}
			fmt.Fprintln(out)
			return writeReports(out, "table", reps)
		},
	}
	cmd.Flags().StringVar(&file, "routes", "routes.yaml", "route file: routes, their shadow rules and both sides' endpoints")
	cmd.Flags().StringVar(&logPath, "log", "", "Envoy JSON access log or HAR file")
	cmd.Flags().StringVar(&format, "format", "", "access-log or har (default: by file name)")
	cmd.Flags().StringVar(&legacyURL, "legacy", "", "call legacy here instead of the route file's endpoints (e.g. http://staging-magento)")
	cmd.Flags().StringVar(&newURL, "new", "", "call the new service here instead of the route file's endpoints")
	cmd.Flags().IntVar(&concurrency, "concurrency", 4, "requests in flight")
	_ = cmd.MarkFlagRequired("log")
	return cmd
}

package redistest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Cluster is a local Redis Cluster of masters without replicas.
type Cluster struct {
	Nodes []*Server
}

// Addrs lists host:port of every node, for a cluster client's seed list.
func (c *Cluster) Addrs() []string {
	out := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		out[i] = n.Addr()
	}
	return out
}

// StartCluster runs n cluster-enabled redis-server processes (n >= 3, the
// minimum redis-cli accepts for masters), joins them with
// `redis-cli --cluster create` and waits until every node reports
// cluster_state:ok. miniredis cannot stand in for a cluster: without
// redis-server the test is skipped, or fails when STRANGLER_TEST_REDIS=required.
func StartCluster(tb testing.TB, n int) *Cluster {
	tb.Helper()
	if n < 3 {
		tb.Fatalf("redistest: a Redis Cluster needs at least 3 masters, got %d", n)
	}
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			if os.Getenv(RequiredEnv) == "required" {
				tb.Fatalf("%s not on PATH and %s=required: %v", bin, RequiredEnv, err)
			}
			tb.Skipf("redistest: %s not on PATH: no local Redis Cluster", bin)
		}
	}
	c := &Cluster{}
	for range n {
		c.Nodes = append(c.Nodes, startProcess(tb, []string{
			"--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "2000",
		}))
	}
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	out, err := exec.Command("redis-cli", args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	if err := c.waitOK(15 * time.Second); err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	return c
}

func (c *Cluster) waitOK(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for _, node := range c.Nodes {
		for {
			host, port := "127.0.0.1", fmt.Sprint(node.port)
			out, err := exec.Command("redis-cli", "-h", host, "-p", port, "cluster", "info").Output()
			if err == nil && strings.Contains(string(out), "cluster_state:ok") {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("node %s not cluster_state:ok within %v: %v\n%s", node.Addr(), timeout, err, out)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return nil
}

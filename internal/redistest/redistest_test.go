package redistest

import (
	"os/exec"
	"strings"
	"testing"
)

func TestStartKillRestart(t *testing.T) {
	s := Start(t)
	if !s.Real() {
		t.Skip("miniredis fallback: the process lifecycle is not under test")
	}
	if got := CLI(t, s.Addr(), "set", "k", "v"); got != "OK" {
		t.Fatalf("set: %q", got)
	}
	if got := CLI(t, s.Addr(), "config", "get", "save"); !strings.HasSuffix(got, "save") {
		t.Fatalf("persistence should be off, config get save = %q", got)
	}
	s.Kill()
	if err := ping(s.Addr()); err == nil {
		t.Fatal("server still answers after Kill")
	}
	s.Restart()
	if got := CLI(t, s.Addr(), "get", "k"); got != "" {
		t.Fatalf("data survived a SIGKILL without persistence: %q", got)
	}
}

func TestStartCluster(t *testing.T) {
	c := StartCluster(t, 3)
	info := CLI(t, c.Addrs()[1], "cluster", "info")
	if !strings.Contains(info, "cluster_known_nodes:3") {
		t.Fatalf("cluster info:\n%s", info)
	}
	// A key whose slot lives elsewhere is redirected: proof the slots are split.
	moved := 0
	for _, k := range []string{"a", "b", "c", "d", "e", "f"} {
		host, port, _ := strings.Cut(c.Addrs()[0], ":")
		out, _ := exec.Command("redis-cli", "-h", host, "-p", port, "set", k, "1").CombinedOutput()
		if strings.Contains(string(out), "MOVED") {
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("no key was MOVED: slots are not spread over the nodes")
	}
}

func TestFallbackToMiniredis(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no redis-server here
	t.Setenv(RequiredEnv, "")
	s := Start(t)
	if s.Real() {
		t.Fatal("expected the miniredis fallback without redis-server on PATH")
	}
	if err := ping(s.Addr()); err != nil {
		t.Fatalf("miniredis does not answer: %v", err)
	}
	s.Kill()
	if err := ping(s.Addr()); err == nil {
		t.Fatal("miniredis still answers after Kill")
	}
	s.Restart()
	if err := ping(s.Addr()); err != nil {
		t.Fatalf("miniredis does not answer after Restart: %v", err)
	}
}

// fatalTB records Fatalf instead of ending the test.
type fatalTB struct {
	testing.TB
	fatal string
}

func (f *fatalTB) Fatalf(format string, args ...any) { f.fatal = format }

func TestRequiredRefusesTheFallback(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(RequiredEnv, "required")
	f := &fatalTB{TB: t}
	Start(f)
	if !strings.Contains(f.fatal, "required") {
		t.Fatalf("STRANGLER_TEST_REDIS=required without redis-server did not fail the test (fatal %q)", f.fatal)
	}
}

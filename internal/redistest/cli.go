package redistest

import (
	"os/exec"
	"strings"
	"testing"
)

// CLI runs redis-cli against addr (host:port) and returns its trimmed
// output; a failing redis-cli fails the test.
func CLI(tb testing.TB, addr string, args ...string) string {
	tb.Helper()
	host, port, _ := strings.Cut(addr, ":")
	out, err := exec.Command("redis-cli", append([]string{"-h", host, "-p", port}, args...)...).CombinedOutput()
	if err != nil {
		tb.Fatalf("redis-cli %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Package redistest starts real Redis servers for tests: a single
// redis-server on a free loopback port, or a small local Redis Cluster. When
// redis-server is not installed a single server falls back to an in-process
// miniredis, unless STRANGLER_TEST_REDIS=required.
package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// RequiredEnv names the variable that, set to "required", makes a missing
// redis-server a test failure instead of a fallback to miniredis.
const RequiredEnv = "STRANGLER_TEST_REDIS"

// Server is one Redis server owned by a test.
type Server struct {
	tb   testing.TB
	port int
	dir  string
	args []string // extra redis-server arguments (cluster mode)

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	mini *miniredis.Miniredis
}

// Start runs a redis-server (or miniredis, see the package comment) that is
// stopped when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv(RequiredEnv) == "required" {
			tb.Fatalf("redis-server not on PATH and %s=required: %v", RequiredEnv, err)
		}
		return startMini(tb)
	}
	return startProcess(tb, nil)
}

// Pid is the redis-server process id, 0 for miniredis or while killed.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

// Real reports whether this is a redis-server process rather than miniredis.
func (s *Server) Real() bool { return s.mini == nil }

// Addr is host:port of the server.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// Kill ends the server abruptly (SIGKILL for a process); its data is lost
// for redis-server, which runs without persistence.
func (s *Server) Kill() {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mini != nil {
		s.mini.Close()
		return
	}
	s.killLocked(syscall.SIGKILL)
}

// Pause stops the process (SIGSTOP) so that it accepts connections but never
// answers: a hung Redis. Resume undoes it. Not available with miniredis.
func (s *Server) Pause() { s.signal(syscall.SIGSTOP) }

// Resume continues a paused server (SIGCONT).
func (s *Server) Resume() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mini != nil {
		s.tb.Fatalf("redistest: %v needs a redis-server process, this is miniredis", sig)
	}
	if s.cmd != nil {
		if err := s.cmd.Process.Signal(sig); err != nil {
			s.tb.Fatalf("redistest: signal %v: %v", sig, err)
		}
	}
}

// Restart starts the server again on the same port after Kill.
func (s *Server) Restart() {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mini != nil {
		if err := s.mini.Restart(); err != nil {
			s.tb.Fatalf("redistest: restart miniredis: %v", err)
		}
		return
	}
	s.killLocked(syscall.SIGKILL)
	if err := s.spawnLocked(); err != nil {
		s.tb.Fatalf("redistest: restart: %v", err)
	}
}

func startMini(tb testing.TB) *Server {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		tb.Fatalf("redistest: start miniredis: %v", err)
	}
	tb.Cleanup(m.Close)
	_, port, _ := net.SplitHostPort(m.Addr())
	p, _ := strconv.Atoi(port)
	tb.Logf("redistest: redis-server not found, using in-process miniredis on %s", m.Addr())
	return &Server{tb: tb, port: p, mini: m}
}

func startProcess(tb testing.TB, extra []string) *Server {
	tb.Helper()
	port, err := freePort()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	s := &Server{tb: tb, port: port, dir: tb.TempDir(), args: extra}
	s.mu.Lock()
	err = s.spawnLocked()
	s.mu.Unlock()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	tb.Cleanup(func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.killLocked(syscall.SIGKILL)
	})
	return s
}

// spawnLocked starts redis-server and waits until it answers PING.
func (s *Server) spawnLocked() error {
	args := []string{
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--daemonize", "no", "--protected-mode", "no",
	}
	args = append(args, s.args...)
	logf, err := os.OpenFile(filepath.Join(s.dir, "redis.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("redis log: %w", err)
	}
	cmd := exec.Command("redis-server", args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the test binary
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start redis-server: %w", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	s.cmd, s.done = cmd, done
	if err := waitPing(s.Addr(), done, 10*time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
		return fmt.Errorf("redis-server on %s: %w\n%s", s.Addr(), err, log)
	}
	return nil
}

func (s *Server) killLocked(sig syscall.Signal) {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(sig)
	<-s.done
	s.cmd, s.done = nil, nil
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before redis-server binds; spawn then fails loudly.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

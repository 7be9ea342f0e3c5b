package xds

import (
	"context"
	"fmt"
	"log/slog"
)

// cpLogger feeds go-control-plane's printf-style logging into slog. Its Info
// lines are per-watch chatter (every delta watch opened, every stale nonce),
// so they go out at Debug; warnings and errors keep their level.
type cpLogger struct{ l *slog.Logger }

func (c cpLogger) Debugf(format string, args ...any) { c.log(slog.LevelDebug, format, args) }
func (c cpLogger) Infof(format string, args ...any)  { c.log(slog.LevelDebug, format, args) }
func (c cpLogger) Warnf(format string, args ...any)  { c.log(slog.LevelWarn, format, args) }
func (c cpLogger) Errorf(format string, args ...any) { c.log(slog.LevelError, format, args) }

func (c cpLogger) log(level slog.Level, format string, args []any) {
	// The cache logs on every watch; skip formatting when nobody listens.
	if !c.l.Enabled(context.Background(), level) {
		return
	}
	c.l.Log(context.Background(), level, fmt.Sprintf(format, args...), "component", "go-control-plane")
}

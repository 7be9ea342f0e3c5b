// Command strangler is the whole tool in one binary: it validates and renders
// route files, serves them to Envoy over ADS, and runs the edge services.
package main

import (
	"errors"
	"fmt"
	"os"
)

// exitError carries a process exit code through cobra without printing usage.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func main() {
	cmd := newRootCommand()
	if err := cmd.Execute(); err != nil {
		code := 1
		var ee *exitError
		if errors.As(err, &ee) {
			code = ee.code
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(code)
	}
}

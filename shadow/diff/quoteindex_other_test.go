//go:build !amd64

package diff

import "testing"

func checkQuoteMasksAsm(t *testing.T, s []byte, want []uint64) {}

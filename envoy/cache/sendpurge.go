package cache

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// TagPattern is the X-Magento-Tags-Pattern Magento sends for one tag.
func TagPattern(tag string) string { return "((^|,)" + regexp.QuoteMeta(tag) + "(,|$))" }

// SendPurge sends a Varnish-style PURGE to a cache service at addr
// (host:port), as Magento's admin does, and returns the service's answer.
func SendPurge(ctx context.Context, client *http.Client, addr, token, pattern string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "PURGE", "http://"+addr+"/", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("X-Magento-Tags-Pattern", pattern)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("purge %s: %w", addr, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	answer := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		return answer, fmt.Errorf("purge %s: %s: %s", addr, resp.Status, answer)
	}
	return answer, nil
}

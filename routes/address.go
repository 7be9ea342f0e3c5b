package routes

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

func parseIP(host string) bool { return net.ParseIP(host) != nil }

func joinHostPort(host string, port uint32) string {
	return net.JoinHostPort(host, strconv.FormatUint(uint64(port), 10))
}

// ParseAddress reads host:port. The host is a DNS name or an IP literal
// ([::1]:80 for IPv6); the port is 1..65535.
func ParseAddress(s string) (Address, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return Address{}, fmt.Errorf("%q is not host:port", s)
	}
	if host == "" {
		return Address{}, fmt.Errorf("%q has no host", s)
	}
	if net.ParseIP(host) == nil && !validDNSName(host) {
		return Address{}, fmt.Errorf("%q: host %q is neither an IP address nor a DNS name", s, host)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return Address{}, fmt.Errorf("%q: port %q is not in 1..65535", s, port)
	}
	return Address{Host: host, Port: uint32(p)}, nil
}

// validDNSName accepts RFC 1123 host names (labels of letters, digits and
// hyphens, not starting or ending with a hyphen), plus underscores, which
// Docker and Kubernetes service names sometimes carry.
func validDNSName(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			ok := c == '-' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
			if !ok {
				return false
			}
		}
	}
	return true
}

func formatPercent(p Percent) string {
	s := strconv.FormatFloat(p.Float(), 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

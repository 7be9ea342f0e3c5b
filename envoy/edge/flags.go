package edge

import (
	"strconv"
	"strings"
)

// responseFlags are Envoy's %RESPONSE_FLAGS%, the short codes the access log
// shows for why a response is what it is.
type responseFlags uint32

const (
	flagNoHealthyUpstream responseFlags = 1 << iota // UH
	flagUpstreamConnFail                            // UF
	flagUpstreamTimeout                             // UT
	flagUpstreamReset                               // UR
	flagNoRoute                                     // NR
	flagNoCluster                                   // NC
	flagRetryLimit                                  // URX
	flagRateLimited                                 // RL
	flagRateLimitError                              // RLSE
	flagDownstreamReset                             // DC
)

var flagCodes = []struct {
	flag responseFlags
	code string
}{
	{flagNoHealthyUpstream, "UH"}, {flagUpstreamConnFail, "UF"}, {flagUpstreamTimeout, "UT"},
	{flagUpstreamReset, "UR"}, {flagNoRoute, "NR"}, {flagNoCluster, "NC"}, {flagRetryLimit, "URX"},
	{flagRateLimited, "RL"}, {flagRateLimitError, "RLSE"}, {flagDownstreamReset, "DC"},
}

func (f responseFlags) String() string {
	var codes []string
	for _, c := range flagCodes {
		if f&c.flag != 0 {
			codes = append(codes, c.code)
		}
	}
	if len(codes) == 0 {
		return "-"
	}
	return strings.Join(codes, ",")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

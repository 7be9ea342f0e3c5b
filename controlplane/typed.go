package controlplane

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// typed packs a typed_config. The inner message is marshalled
// deterministically: Any.value is opaque bytes to the outer message, so a
// random map order inside it (typed_extension_protocol_options, a JSON log
// format) would change snapshot hashes between runs of the same file.
func typed(m proto.Message) *anypb.Any {
	a := &anypb.Any{}
	if err := anypb.MarshalFrom(a, m, proto.MarshalOptions{Deterministic: true}); err != nil {
		// Only a message we built ourselves gets here; failing to marshal it is
		// a bug in this package, not a problem with the route file.
		panic(fmt.Sprintf("controlplane: marshal %T: %v", m, err))
	}
	return a
}

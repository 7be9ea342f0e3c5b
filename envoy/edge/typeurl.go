package edge

import (
	"google.golang.org/protobuf/proto"
)

const typeURLPrefix = "type.googleapis.com/"

func typeURLOf(m proto.Message) string {
	return typeURLPrefix + string(m.ProtoReflect().Descriptor().FullName())
}

package xds

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protopath"
	"google.golang.org/protobuf/reflect/protorange"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
)

type allValidator interface{ ValidateAll() error }

const anyName protoreflect.FullName = "google.protobuf.Any"

// validateDeep runs the generated ValidateAll rules on m and on every message
// packed in an Any inside it. The generated rules stop at Any, but Envoy
// unpacks each typed_config (the HTTP connection manager, its filters, access
// loggers) and validates it, so a mistake there would otherwise only show up
// as a NACK from every Envoy.
func validateDeep(m proto.Message) error {
	if v, ok := m.(allValidator); ok {
		if err := v.ValidateAll(); err != nil {
			return err
		}
	}
	var errs []error
	err := protorange.Range(m.ProtoReflect(), func(p protopath.Values) error {
		msg, ok := p.Index(-1).Value.Interface().(protoreflect.Message)
		if !ok || msg.Descriptor().FullName() != anyName {
			return nil
		}
		a, ok := msg.Interface().(*anypb.Any)
		if !ok {
			return fmt.Errorf("%s: Any of unexpected Go type %T", p.Path[1:], msg.Interface())
		}
		inner, err := a.UnmarshalNew()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: cannot unpack %s: %w", p.Path[1:], a.GetTypeUrl(), err))
			return nil
		}
		if err := validateDeep(inner); err != nil {
			errs = append(errs, fmt.Errorf("%s (%s): %w", p.Path[1:], a.GetTypeUrl(), err))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(errs...)
}

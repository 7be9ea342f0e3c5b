package edge

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/anypb"
)

// checkSubset walks every populated field of m and fails on the first one the
// stand-in does not interpret or deliberately ignore (subsetFields). This is
// what turns "configuration outside the subset" into a NACK naming the field,
// rather than a proxy that silently behaves unlike Envoy. Values are checked
// later, where they are compiled.
func checkSubset(m proto.Message, path string) error {
	return walkSubset(m.ProtoReflect(), path)
}

func walkSubset(m protoreflect.Message, path string) error {
	name := m.Descriptor().FullName()
	if leafMessages[name] {
		return nil
	}
	if name == "google.protobuf.Any" {
		return walkAny(m, path)
	}
	fields, ok := subsetFields[name]
	if !ok {
		return fmt.Errorf("%s: %s is outside the edge stand-in's subset of Envoy config", path, name)
	}
	if optionalUnsupported(m) {
		return nil // is_optional: Envoy skips what it does not know, so do we
	}
	var err error
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		p := path + "." + string(fd.Name())
		rule, ok := fields[fd.Name()]
		if !ok {
			err = fmt.Errorf("%s: field %s.%s is outside the edge stand-in's subset of Envoy config", p, name, fd.Name())
			return false
		}
		if rule != use {
			return true // accepted and ignored, for the reason in the table
		}
		err = walkValue(fd, v, p)
		return err == nil
	})
	return err
}

func walkValue(fd protoreflect.FieldDescriptor, v protoreflect.Value, path string) error {
	switch {
	case fd.IsMap():
		if fd.MapValue().Message() == nil {
			return nil
		}
		var err error
		v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
			err = walkSubset(mv.Message(), fmt.Sprintf("%s[%q]", path, k.String()))
			return err == nil
		})
		return err
	case fd.IsList():
		if fd.Message() == nil {
			return nil
		}
		l := v.List()
		for i := 0; i < l.Len(); i++ {
			if err := walkSubset(l.Get(i).Message(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	case fd.Message() != nil:
		return walkSubset(v.Message(), path)
	}
	return nil
}

// walkAny checks the message inside a typed_config. The type itself is
// checked where it is compiled (a filter must be a filter, and so on); here
// it only has to be a type the stand-in knows at all.
func walkAny(m protoreflect.Message, path string) error {
	a, ok := m.Interface().(*anypb.Any)
	if !ok {
		var err error
		a = &anypb.Any{}
		if b, e := proto.Marshal(m.Interface()); e == nil {
			err = proto.Unmarshal(b, a)
		} else {
			err = e
		}
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	if a.GetTypeUrl() == "" {
		return nil // an empty Any (FilterConfig.config left empty) carries nothing
	}
	inner, err := a.UnmarshalNew()
	if err != nil {
		return fmt.Errorf("%s: typed config %s: %w", path, a.GetTypeUrl(), err)
	}
	return walkSubset(inner.ProtoReflect(), path+"("+shortTypeURL(a.GetTypeUrl())+")")
}

func shortTypeURL(url string) string { return url[strings.LastIndex(url, "/")+1:] }

// optionalUnsupported: an HttpFilter or per-route FilterConfig marked
// is_optional whose typed config the stand-in does not know is skipped, as
// Envoy skips optional filters it has no implementation for
// (HttpFilter.is_optional, FilterConfig.is_optional).
func optionalUnsupported(m protoreflect.Message) bool {
	fd := m.Descriptor().Fields().ByName("is_optional")
	if fd == nil || !m.Get(fd).Bool() {
		return false
	}
	for _, field := range []protoreflect.Name{"typed_config", "config"} {
		f := m.Descriptor().Fields().ByName(field)
		if f == nil || !m.Has(f) {
			continue
		}
		a, ok := m.Get(f).Message().Interface().(*anypb.Any)
		if !ok {
			return false
		}
		inner, err := a.UnmarshalNew()
		if err != nil {
			return true
		}
		_, known := subsetFields[inner.ProtoReflect().Descriptor().FullName()]
		return !known
	}
	return false
}

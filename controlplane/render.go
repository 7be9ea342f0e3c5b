package controlplane

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"gopkg.in/yaml.v3"
)

// jsonOptions writes proto field names (snake_case), as Envoy's docs and
// YAML configs spell them, so the output can be read against the docs.
var jsonOptions = protojson.MarshalOptions{UseProtoNames: true}

// Render writes resources as one JSON object for people and golden files:
// each resource in protojson with "@type" naming its proto, as an Any would
// render it. protojson deliberately varies its whitespace from run to run;
// re-indenting every resource makes the bytes depend on the content only.
// Resources are marshalled directly and "@type" spliced in, rather than
// packed into an Any first, which would marshal each one twice.
func Render(res *Resources) ([]byte, error) {
	var out bytes.Buffer
	out.WriteString("{")
	for i, part := range []struct {
		key  string
		list []types.Resource
	}{{"listeners", res.Listeners}, {"routes", res.Routes}, {"clusters", res.Clusters}, {"endpoints", res.Endpoints}} {
		if i > 0 {
			out.WriteString(",")
		}
		fmt.Fprintf(&out, "\n  %q: [", part.key)
		for j, r := range part.list {
			if j > 0 {
				out.WriteString(",")
			}
			out.WriteString("\n    ")
			if err := writeResource(&out, r); err != nil {
				return nil, err
			}
		}
		if len(part.list) > 0 {
			out.WriteString("\n  ")
		}
		out.WriteString("]")
	}
	out.WriteString("\n}\n")
	return out.Bytes(), nil
}

// writeResource writes one resource as {"@type": ..., fields...}, indented
// to sit inside Render's lists.
func writeResource(out *bytes.Buffer, m proto.Message) error {
	raw, err := jsonOptions.Marshal(m)
	if err != nil {
		return fmt.Errorf("render %T: %w", m, err)
	}
	typeURL := "type.googleapis.com/" + string(m.ProtoReflect().Descriptor().FullName())
	withType := make([]byte, 0, len(raw)+len(typeURL)+16)
	withType = append(withType, `{"@type":`...)
	withType = strconv.AppendQuote(withType, typeURL)
	if body := bytes.TrimSpace(raw[1:]); len(body) > 1 { // raw is {...}; an empty message has no fields
		withType = append(withType, ',')
		withType = append(withType, body...)
	} else {
		withType = append(withType, '}')
	}
	if err := json.Indent(out, withType, "    ", "  "); err != nil {
		return fmt.Errorf("render %T: %w", m, err)
	}
	return nil
}

// RenderYAML is Render as YAML, for reading alongside Envoy's docs, which use
// YAML throughout. Keys keep Render's order.
func RenderYAML(res *Resources) ([]byte, error) {
	js, err := Render(res)
	if err != nil {
		return nil, err
	}
	return ToYAML(js)
}

// ToYAML re-encodes JSON (which is YAML) in block style, for people: decoding into a
// yaml.Node keeps key order, and clearing the flow and quoting styles lets
// the encoder quote only what needs it.
func ToYAML(js []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(js, &doc); err != nil {
		return nil, fmt.Errorf("render yaml: %w", err)
	}
	plainStyle(&doc)
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("render yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("render yaml: %w", err)
	}
	return out.Bytes(), nil
}

func plainStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plainStyle(c)
	}
}

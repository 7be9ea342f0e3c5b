package controlplane

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/envoyproxy/go-control-plane/pkg/cache/types"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"gopkg.in/yaml.v3"
)

// jsonOptions writes proto field names (snake_case), as Envoy's docs and
// YAML configs spell them, so the output can be read against the docs.
var jsonOptions = protojson.MarshalOptions{UseProtoNames: true}

// rendered is the JSON document Render writes; field order is xDS order.
type rendered struct {
	Listeners []json.RawMessage `json:"listeners"`
	Routes    []json.RawMessage `json:"routes"`
	Clusters  []json.RawMessage `json:"clusters"`
	Endpoints []json.RawMessage `json:"endpoints"`
}

// Render writes resources as one JSON object for people and golden files:
// each resource as protojson of an Any, so "@type" names its proto. protojson
// deliberately varies its whitespace from run to run; re-indenting through
// encoding/json makes the bytes depend on the content only.
func Render(res *Resources) ([]byte, error) {
	var doc rendered
	var err error
	for _, part := range []struct {
		dst *[]json.RawMessage
		src []types.Resource
	}{{&doc.Listeners, res.Listeners}, {&doc.Routes, res.Routes}, {&doc.Clusters, res.Clusters}, {&doc.Endpoints, res.Endpoints}} {
		if *part.dst, err = renderList(part.src); err != nil {
			return nil, err
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	return append(out, '\n'), nil
}

func renderList(rs []types.Resource) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, 0, len(rs))
	for _, r := range rs {
		b, err := marshalAny(r)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

func marshalAny(m proto.Message) (json.RawMessage, error) {
	a, err := anypb.New(m)
	if err != nil {
		return nil, fmt.Errorf("render %T: %w", m, err)
	}
	b, err := jsonOptions.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("render %T: %w", m, err)
	}
	return b, nil
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

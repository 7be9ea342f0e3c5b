package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// object is a JSON object that keeps its key order, so that editing one
// field of a product leaves the rest of the body byte for byte as it was.
type object []member

type member struct {
	key   string
	value json.RawMessage
}

func parseObject(raw []byte) (object, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("not an object")
	}
	var o object
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, err
		}
		o = append(o, member{key: key.(string), value: value}) // object keys are always strings
	}
	return o, nil
}

func (o object) marshal() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(m.key) // a string always encodes
		b.Write(key)
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func (o object) find(key string) int {
	for i, m := range o {
		if m.key == key {
			return i
		}
	}
	return -1
}

// edit applies change to the object that holds the last key of path. A path
// that does not exist, or crosses something other than an object, leaves
// raw as it is: a difference for a field a product lacks changes nothing.
func edit(raw json.RawMessage, path []string, change func(o object, i int) (object, error)) (json.RawMessage, error) {
	o, err := parseObject(raw)
	if err != nil {
		return raw, nil
	}
	i := o.find(path[0])
	if i < 0 {
		return raw, nil
	}
	if len(path) == 1 {
		o, err = change(o, i)
	} else {
		o[i].value, err = edit(o[i].value, path[1:], change)
	}
	if err != nil {
		return nil, err
	}
	return o.marshal(), nil
}

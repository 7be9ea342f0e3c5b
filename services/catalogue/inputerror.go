package catalogue

import (
	"fmt"
	"strconv"
	"strings"
)

// Messages Magento's REST API answers with, shared so that both services
// word their errors alike.
const (
	MessageProductNotFound = "The product that was requested doesn't exist. Verify the product and try again."
	MessageNoRoute         = "Request does not match any route."
)

// InputError is a refusal in the shape of Magento's REST errors: a message
// template and the parameters that fill it, {"message": ..., "parameters": ...}.
// Parameters is a map (named %placeholders) or a list (%1, %2, ...).
type InputError struct {
	Message    string `json:"message"`
	Parameters any    `json:"parameters,omitempty"`
}

func (e *InputError) Error() string {
	msg := e.Message
	switch p := e.Parameters.(type) {
	case map[string]any:
		for k, v := range p {
			msg = strings.ReplaceAll(msg, "%"+k, fmt.Sprint(v))
		}
	case []any:
		for i, v := range p {
			msg = strings.ReplaceAll(msg, fmt.Sprintf("%%%d", i+1), fmt.Sprint(v))
		}
	}
	return msg
}

// NoSuchEntity is Magento's NoSuchEntityException for one field.
func NoSuchEntity(field string, value any) *InputError {
	return &InputError{
		Message:    "No such entity with %fieldName = %fieldValue",
		Parameters: map[string]any{"fieldName": field, "fieldValue": value},
	}
}

// RequiredField is Magento's refusal of a request missing a field.
func RequiredField(field string) *InputError {
	return &InputError{
		Message:    "\"%fieldName\" is required. Enter and try again.",
		Parameters: map[string]any{"fieldName": field},
	}
}

// IntParam reads an integer request parameter as Magento's type processor
// does: empty means fallback, anything not an integer is refused.
func IntParam(raw string, fallback int) (int, error) {
	if raw == "" {
		return fallback, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		return 0, &InputError{Message: fmt.Sprintf("Invalid type for value: %q. Expected Type: \"int\".", raw)}
	}
	return n, nil
}

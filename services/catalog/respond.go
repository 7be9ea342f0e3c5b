package catalog

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/strangler-dev/strangler/services/catalogue"
)

func (s *Service) writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		s.log.Error("encode response", "error", err)
		s.writeMessage(w, http.StatusInternalServerError, "internal error")
		return
	}
	s.writeBody(w, status, body)
}

func (s *Service) writeBody(w http.ResponseWriter, status int, body []byte) {
	catalogue.RESTHeaders(w.Header())
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		s.log.Debug("response not delivered", "error", err)
	}
}

// writeMessage answers in the shape Magento clients parse: {"message": ...}.
func (s *Service) writeMessage(w http.ResponseWriter, status int, msg string) {
	s.writeJSON(w, status, &catalogue.InputError{Message: msg})
}

func (s *Service) writeInputError(w http.ResponseWriter, err error) {
	var input *catalogue.InputError
	if !errors.As(err, &input) {
		input = &catalogue.InputError{Message: err.Error()}
	}
	s.writeJSON(w, http.StatusBadRequest, input)
}

func (s *Service) noRoute(w http.ResponseWriter, _ *http.Request) {
	s.writeMessage(w, http.StatusNotFound, catalogue.MessageNoRoute)
}

func (s *Service) healthz(w http.ResponseWriter, _ *http.Request) {
	s.writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

package legacy

import (
	"net/http"

	"github.com/strangler-dev/strangler/services/catalogue"
)

// writeREST answers a REST call as Magento's webapi_rest area does: PHP's
// JSON, and Cache-Control: no-store, so no edge cache keeps it.
func (s *Server) writeREST(w http.ResponseWriter, status int, v any) {
	body, err := encodePHP(v)
	if err != nil {
		s.log.Error("encode response", "error", err)
		status = http.StatusInternalServerError
		body = []byte(`{"message":"Internal Error. Details are available in Magento log file. Report ID: webapi-strangler"}`)
	}
	catalogue.RESTHeaders(w.Header())
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		s.log.Debug("response not delivered", "error", err)
	}
}

func (s *Server) writeError(w http.ResponseWriter, status int, e *catalogue.InputError) {
	s.writeREST(w, status, e)
}

package api

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the API's OpenAPI 3.0 description, kept by hand beside the
// route table; a test fails when the two disagree.
//
//go:embed openapi.json
var OpenAPI []byte

func (h *Handler) getOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(OpenAPI)
	return nil
}

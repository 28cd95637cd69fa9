package api

import (
	"net/http"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

// getExport answers with the viewer's own data, as a file to save.
func (h *Handler) getExport(w http.ResponseWriter, r *http.Request) error {
	return server.WriteExport(w, r, h.svcs.Export, h.cfg.Now)
}

// exportJSON is the export's shape, as the store writes it.
type exportJSON = sharefair.MemberExport

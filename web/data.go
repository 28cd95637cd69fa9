package web

import (
	"net/http"

	"github.com/sharefair/sharefair/server"
)

// dataPage says what a member's export holds and offers it.
func (h *Handler) dataPage(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, dataPage(h.base(w, r, "Your data")))
}

// dataExport answers with the viewer's export, the file GET /api/v1/me/export
// gives, to save.
func (h *Handler) dataExport(w http.ResponseWriter, r *http.Request) error {
	return server.WriteExport(w, r, h.svcs.Export, h.cfg.Now)
}

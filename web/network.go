package web

import (
	"net/http"
	"net/url"

	"github.com/sharefair/sharefair"
	"github.com/sharefair/sharefair/server"
)

func (h *Handler) networkForm(w http.ResponseWriter, r *http.Request) {
	if !sharefair.ViewerFromContext(r.Context()).IsAdmin() {
		h.fail(w, r, sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may change the network's settings."))
		return
	}
	p := h.base(w, r, "Network settings")
	h.render(w, r, http.StatusOK, networkPage(p, newForm(url.Values{"name": {p.Network}}, nil)))
}

func (h *Handler) renameNetwork(w http.ResponseWriter, r *http.Request) {
	if _, err := h.svcs.Network.RenameNetwork(r.Context(), r.PostForm.Get("name")); err != nil {
		if isFieldError(err) {
			h.render(w, r, server.Status(sharefair.ErrorCode(err)), networkPage(h.base(w, r, "Network settings"), newForm(r.PostForm, err)))
			return
		}
		h.fail(w, r, err)
		return
	}
	h.setFlash(w, "The network's name is saved.")
	redirect(w, r, "/network")
}

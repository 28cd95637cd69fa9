package web

import (
	"net/http"
	"net/url"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
)

func (h *Handler) networkForm(w http.ResponseWriter, r *http.Request) error {
	p := h.base(w, r, "Network settings")
	if !p.Rights.RenameNetwork {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may change the network's settings.")
	}
	return h.render(w, r, http.StatusOK, networkPage(p, newForm(url.Values{"name": {p.Network}}, nil)))
}

func (h *Handler) renameNetwork(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.svcs.Network.RenameNetwork(r.Context(), r.PostForm.Get("name")); err != nil {
		return refused(err, "Network settings", func(p page, f form) (templ.Component, error) { return networkPage(p, f), nil })
	}
	h.setFlash(w, "The network's name is saved.")
	redirect(w, r, "/network")
	return nil
}

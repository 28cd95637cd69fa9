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
	return h.render(w, r, http.StatusOK, networkPage(p, newForm(url.Values{"name": {p.Network},
		"description": {p.About}, "time_zone": {p.NetworkZone}}, nil)))
}

func (h *Handler) renameNetwork(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	u := sharefair.NetworkUpdate{}
	for _, v := range []struct {
		name string
		dst  **string
	}{{"name", &u.Name}, {"description", &u.Description}, {"time_zone", &u.TimeZone}} {
		// A field the form did not send is left as it is.
		if _, ok := f[v.name]; ok {
			s := f.Get(v.name)
			*v.dst = &s
		}
	}
	if _, err := h.svcs.Network.UpdateNetwork(r.Context(), u); err != nil {
		return refused(err, "Network settings", func(p page, f form) (templ.Component, error) { return networkPage(p, f), nil })
	}
	h.setFlash(w, "The network's settings are saved.")
	redirect(w, r, "/network")
	return nil
}

func (h *Handler) jobs(w http.ResponseWriter, r *http.Request) error {
	counts, err := h.svcs.Jobs.JobCounts(r.Context())
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, jobsPage(h.base(w, r, "Background jobs"), counts))
}

// jobKindLabels name the kinds of background job for admins.
var jobKindLabels = map[string]string{
	"sweep":  "Hourly sweep (expired sessions, old jobs and events)",
	"notify": "Notifications (of a reply, a mention, an invitation, a moderator's decision)",
	"mail":   "Mail (a message of the outbox each; without a mail relay they wait)",
}

// jobKindLabel names a kind of background job, or gives its code.
func jobKindLabel(kind string) string {
	if l, ok := jobKindLabels[kind]; ok {
		return l
	}
	return kind
}

package web

import (
	"net/http"
	"net/url"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
)

// hubView is what the hub page shows.
type hubView struct {
	Hub       *sharefair.Hub
	Threads   []*sharefair.Thread
	Pager     pager
	Members   []*sharefair.Member
	CoordForm form
}

// hubSideMembers is how many members the hub page lists beside its threads.
const hubSideMembers = 24

func (h *Handler) hubs(w http.ResponseWriter, r *http.Request) error {
	hubs, err := h.svcs.Hubs.FindHubs(r.Context())
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, hubsPage(h.base(w, r, "Hubs"), hubs))
}

// loadHub gathers what the hub page shows.
func (h *Handler) loadHub(r *http.Request) (hubView, error) {
	ctx := r.Context()
	hub, err := h.svcs.Hubs.FindHubBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return hubView{}, err
	}
	n := pageNumber(r)
	threads, total, err := h.svcs.Threads.FindThreads(ctx, sharefair.ThreadFilter{HubID: hub.ID, Page: sharefair.Page{Number: n}})
	if err != nil {
		return hubView{}, err
	}
	members, _, err := h.svcs.Members.FindMembers(ctx, sharefair.MemberFilter{Hub: hub.Slug, Page: sharefair.Page{Size: hubSideMembers},
		NoTotal: true, NoProfiles: true})
	if err != nil {
		return hubView{}, err
	}
	return hubView{
		Hub: hub, Threads: threads, Members: members,
		Pager:     newPager(hubURL(hub.Slug), r.URL.Query(), n, total, sharefair.DefaultPageSize),
		CoordForm: newForm(nil, nil),
	}, nil
}

func (h *Handler) hub(w http.ResponseWriter, r *http.Request) error {
	v, err := h.loadHub(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, hubPage(h.base(w, r, v.Hub.Name), v))
}

// hubForm shows the form that creates a hub (action /hubs) or edits one.
func hubForm(action string, creating bool) formPage {
	return func(p page, f form) (templ.Component, error) { return hubFormPage(p, f, action, creating), nil }
}

func (h *Handler) newHubForm(w http.ResponseWriter, r *http.Request) error {
	p := h.base(w, r, "Create a hub")
	if !p.Rights.CreateHubs {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may create hubs.")
	}
	return h.render(w, r, http.StatusOK, hubFormPage(p, newForm(nil, nil), "/hubs", true))
}

func (h *Handler) createHub(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	hub, err := h.svcs.Hubs.CreateHub(r.Context(), sharefair.NewHub{Name: f.Get("name"), Slug: f.Get("slug"), Description: f.Get("description")})
	if err != nil {
		return refused(err, "Create a hub", hubForm("/hubs", true))
	}
	redirect(w, r, hubURL(hub.Slug))
	return nil
}

func (h *Handler) editHubForm(w http.ResponseWriter, r *http.Request) error {
	hub, err := h.svcs.Hubs.FindHubBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	if !hub.ViewerMayEdit {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "Only the hub's coordinators and network admins may change it.")
	}
	values := url.Values{"name": {hub.Name}, "description": {hub.Description}}
	return h.render(w, r, http.StatusOK, hubFormPage(h.base(w, r, "Edit "+hub.Name), newForm(values, nil), hubURL(hub.Slug)+"/edit", false))
}

func (h *Handler) editHub(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	name, desc := f.Get("name"), f.Get("description")
	slug := r.PathValue("slug")
	hub, err := h.svcs.Hubs.UpdateHub(r.Context(), slug, sharefair.HubUpdate{Name: &name, Description: &desc})
	if err != nil {
		return refused(err, "Edit hub", hubForm(hubURL(slug)+"/edit", false))
	}
	redirect(w, r, hubURL(hub.Slug))
	return nil
}

func (h *Handler) joinHub(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if err := h.svcs.Hubs.JoinHub(r.Context(), slug); err != nil {
		return err
	}
	h.setFlash(w, "You joined the hub.")
	redirect(w, r, hubURL(slug))
	return nil
}

func (h *Handler) leaveHub(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	if err := h.svcs.Hubs.LeaveHub(r.Context(), slug); err != nil {
		return err
	}
	h.setFlash(w, "You left the hub.")
	redirect(w, r, hubURL(slug))
	return nil
}

func (h *Handler) setCoordinator(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	handle := r.PostForm.Get("handle")
	appoint := r.PostForm.Get("coordinator") != "no"
	if err := h.svcs.Hubs.SetCoordinator(r.Context(), slug, handle, appoint); err != nil {
		return refused(err, "", func(p page, f form) (templ.Component, error) {
			v, err := h.loadHub(r)
			if err != nil {
				return nil, err
			}
			p.Title, v.CoordForm = v.Hub.Name, f
			return hubPage(p, v), nil
		})
	}
	if appoint {
		h.setFlash(w, "@"+sharefair.NormalizeHandle(handle)+" now coordinates this hub.")
	} else {
		h.setFlash(w, "@"+sharefair.NormalizeHandle(handle)+" no longer coordinates this hub.")
	}
	redirect(w, r, hubURL(slug))
	return nil
}

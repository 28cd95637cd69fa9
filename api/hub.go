package api

import (
	"net/http"
	"time"

	"github.com/sharefair/sharefair"
)

// hubRefJSON is how other objects point at a hub.
type hubRefJSON struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

func hubRef(h *sharefair.HubRef) *hubRefJSON {
	if h == nil {
		return nil
	}
	return &hubRefJSON{Slug: h.Slug, Name: h.Name}
}

// hubJSON is a hub in a list.
type hubJSON struct {
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"`
	Name        string    `json:"name"`
	Description string    `json:"description" description:"Multi-line text."`
	CreatedAt   time.Time `json:"created_at" description:"RFC 3339, UTC."`
	MemberCount int       `json:"member_count"`
	// ViewerRole is the viewer's role in the hub, null when not a member.
	ViewerRole *string `json:"viewer_role" enum:"member,coordinator" description:"The viewer's role in the hub; null when not a member."`
}

func hub(h *sharefair.Hub) hubJSON {
	j := hubJSON{ID: h.ID, Slug: h.Slug, Name: h.Name, Description: h.Description, CreatedAt: utc(h.CreatedAt),
		MemberCount: h.MemberCount}
	if h.ViewerRole != "" {
		role := string(h.ViewerRole)
		j.ViewerRole = &role
	}
	return j
}

// hubDetailJSON is one hub with its coordinators.
type hubDetailJSON struct {
	hubJSON
	Coordinators []*memberRefJSON `json:"coordinators"`
}

func hubDetail(h *sharefair.Hub) hubDetailJSON {
	d := hubDetailJSON{hubJSON: hub(h), Coordinators: make([]*memberRefJSON, len(h.Coordinators))}
	for i, c := range h.Coordinators {
		d.Coordinators[i] = memberRef(c)
	}
	return d
}

func (h *Handler) listHubs(w http.ResponseWriter, r *http.Request, q PageQuery) error {
	page := q.page()
	hubs, err := h.svcs.Hubs.FindHubs(r.Context())
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(slicePage(hubs, page), hub, page, len(hubs)))
}

// newHubJSON is the body of POST /hubs.
type newHubJSON struct {
	Name        string `json:"name" required:"true"`
	Slug        string `json:"slug" description:"The hub's address; derived from the name when absent."`
	Description string `json:"description"`
}

func (h *Handler) postHub(w http.ResponseWriter, r *http.Request, in newHubJSON) error {
	hb, err := h.svcs.Hubs.CreateHub(r.Context(), sharefair.NewHub{Name: in.Name, Slug: in.Slug, Description: in.Description})
	if err != nil {
		return err
	}
	w.Header().Set("Location", h.cfg.Absolute(Prefix+"/hubs/"+hb.Slug))
	return render(w, http.StatusCreated, hubDetail(hb))
}

func (h *Handler) getHub(w http.ResponseWriter, r *http.Request, p SlugPath) error {
	hb, err := h.svcs.Hubs.FindHubBySlug(r.Context(), p.Slug)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, hubDetail(hb))
}

// hubPatch is the body of PATCH /hubs/{slug}. Absent fields stay as they are.
type hubPatch struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

func (h *Handler) patchHub(w http.ResponseWriter, r *http.Request, p SlugPath, in hubPatch) error {
	hb, err := h.svcs.Hubs.UpdateHub(r.Context(), p.Slug, sharefair.HubUpdate{Name: in.Name,
		Description: in.Description})
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, hubDetail(hb))
}

func (h *Handler) joinHub(w http.ResponseWriter, r *http.Request, p SlugPath) error {
	if err := h.svcs.Hubs.JoinHub(r.Context(), p.Slug); err != nil {
		return err
	}
	return noContent(w)
}

func (h *Handler) leaveHub(w http.ResponseWriter, r *http.Request, p SlugPath) error {
	if err := h.svcs.Hubs.LeaveHub(r.Context(), p.Slug); err != nil {
		return err
	}
	return noContent(w)
}

func (h *Handler) listHubMembers(w http.ResponseWriter, r *http.Request, q hubMemberQuery) error {
	hb, err := h.svcs.Hubs.FindHubBySlug(r.Context(), q.Slug)
	if err != nil {
		return err
	}
	return h.renderMembers(w, r, q.filter(hb.Slug))
}

func (h *Handler) listHubThreads(w http.ResponseWriter, r *http.Request, q hubPageQuery) error {
	hb, err := h.svcs.Hubs.FindHubBySlug(r.Context(), q.Slug)
	if err != nil {
		return err
	}
	return h.renderThreads(w, r, sharefair.ThreadFilter{HubID: hb.ID, Page: q.page()})
}

func (h *Handler) putCoordinator(w http.ResponseWriter, r *http.Request, p coordinatorPath) error {
	return h.setCoordinator(w, r, p, true)
}

func (h *Handler) deleteCoordinator(w http.ResponseWriter, r *http.Request, p coordinatorPath) error {
	return h.setCoordinator(w, r, p, false)
}

func (h *Handler) setCoordinator(w http.ResponseWriter, r *http.Request, p coordinatorPath, on bool) error {
	if err := h.svcs.Hubs.SetCoordinator(r.Context(), p.Slug, p.Handle, on); err != nil {
		return err
	}
	return noContent(w)
}

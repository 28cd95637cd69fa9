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
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
	// Description is Markdown as written; DescriptionHTML is it rendered
	// and sanitised.
	Description     string    `json:"description" description:"Markdown, as written; multi-line text."`
	DescriptionHTML string    `json:"description_html" description:"The description rendered and sanitised."`
	City            string    `json:"city"`
	TimeZone        string    `json:"time_zone" description:"An IANA time zone name."`
	JoinPolicy      string    `json:"join_policy" enum:"open,request,invitation" description:"How members join: at once (open), by asking a coordinator (request), or by invitation only."`
	CreatedAt       time.Time `json:"created_at" description:"RFC 3339, UTC."`
	MemberCount     int       `json:"member_count"`
	// ViewerRole is the viewer's role in the hub, null when not a member.
	ViewerRole *string `json:"viewer_role" enum:"member,coordinator" description:"The viewer's role in the hub; null when not a member."`
}

func hub(h *sharefair.Hub) hubJSON {
	j := hubJSON{ID: h.ID, Slug: h.Slug, Name: h.Name, Description: h.Description, DescriptionHTML: h.DescriptionHTML,
		City: h.City, TimeZone: h.TimeZone, JoinPolicy: string(h.JoinPolicy), CreatedAt: utc(h.CreatedAt),
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
	// ViewerRequested tells whether the viewer asked to join and awaits a
	// decision.
	ViewerRequested bool `json:"viewer_requested"`
	// PendingRequests counts the requests to join awaiting a decision;
	// null unless the viewer may decide them.
	PendingRequests *int `json:"pending_requests"`
}

func hubDetail(h *sharefair.Hub) hubDetailJSON {
	d := hubDetailJSON{hubJSON: hub(h), Coordinators: make([]*memberRefJSON, len(h.Coordinators)),
		ViewerRequested: h.ViewerRequested}
	if h.ViewerMayAdmit {
		n := h.PendingRequests
		d.PendingRequests = &n
	}
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
	City        string `json:"city"`
	// TimeZone is an IANA name; the network's zone when absent.
	TimeZone string `json:"time_zone"`
	// JoinPolicy is open (when absent), request or invitation.
	JoinPolicy string `json:"join_policy"`
}

func (h *Handler) postHub(w http.ResponseWriter, r *http.Request, in newHubJSON) error {
	hb, err := h.svcs.Hubs.CreateHub(r.Context(), sharefair.NewHub{Name: in.Name, Slug: in.Slug, Description: in.Description,
		City: in.City, TimeZone: in.TimeZone, JoinPolicy: sharefair.JoinPolicy(in.JoinPolicy)})
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
	City        *string `json:"city"`
	TimeZone    *string `json:"time_zone"`
	JoinPolicy  *string `json:"join_policy"`
	// ConfirmOpen must be true to open a closed hub, whose past
	// discussions become readable by whoever joins.
	ConfirmOpen bool `json:"confirm_open"`
}

func (h *Handler) patchHub(w http.ResponseWriter, r *http.Request, p SlugPath, in hubPatch) error {
	var policy *sharefair.JoinPolicy
	if in.JoinPolicy != nil {
		jp := sharefair.JoinPolicy(*in.JoinPolicy)
		policy = &jp
	}
	hb, err := h.svcs.Hubs.UpdateHub(r.Context(), p.Slug, sharefair.HubUpdate{Name: in.Name,
		Description: in.Description, City: in.City, TimeZone: in.TimeZone, JoinPolicy: policy, ConfirmOpen: in.ConfirmOpen})
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, hubDetail(hb))
}

// joinOutcomeJSON answers a request to join a hub that takes requests.
type joinOutcomeJSON struct {
	Status string `json:"status" enum:"requested" description:"requested: a coordinator will approve or decline."`
}

func (h *Handler) joinHub(w http.ResponseWriter, r *http.Request, p SlugPath) error {
	out, err := h.svcs.Hubs.JoinHub(r.Context(), p.Slug)
	if err != nil {
		return err
	}
	switch out {
	case sharefair.Requested:
		return render(w, http.StatusAccepted, joinOutcomeJSON{Status: string(sharefair.Requested)})
	case sharefair.AlreadyRequested:
		// Asking twice is still one request, and the answer says so.
		return unchanged(w, "You asked to join the hub already; a coordinator will decide.")
	case sharefair.AlreadyMember:
		return unchanged(w, "You are a member of the hub already.")
	}
	return noContent(w)
}

// unchangedJSON answers a change that had nothing to do: what was asked for
// was already so (a coordinator appointed twice, someone stood down who
// never coordinated). Such a request is no error, so that a script may
// repeat a PUT or DELETE whose answer it lost; but it is told.
type unchangedJSON struct {
	Changed bool   `json:"changed" description:"Always false: nothing changed."`
	Message string `json:"message" description:"What was already so, in words a person may be shown."`
}

func unchanged(w http.ResponseWriter, msg string) error {
	return render(w, http.StatusOK, unchangedJSON{Changed: false, Message: msg})
}

func (h *Handler) leaveHub(w http.ResponseWriter, r *http.Request, p SlugPath) error {
	out, err := h.svcs.Hubs.LeaveHub(r.Context(), p.Slug)
	if err != nil {
		return err
	}
	if out == sharefair.NotInHub {
		return unchanged(w, "You are not a member of the hub, nor waiting to join it.")
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
	changed, err := h.svcs.Hubs.SetCoordinator(r.Context(), p.Slug, p.Handle, on)
	if err != nil {
		return err
	}
	if !changed {
		handle := "@" + sharefair.NormalizeHandle(p.Handle)
		if on {
			return unchanged(w, handle+" coordinates the hub already.")
		}
		return unchanged(w, handle+" does not coordinate the hub.")
	}
	return noContent(w)
}

// joinRequestJSON is a member's request to join a hub.
type joinRequestJSON struct {
	Member    *memberRefJSON `json:"member"`
	CreatedAt time.Time      `json:"created_at"`
}

func joinRequest(r *sharefair.JoinRequest) joinRequestJSON {
	return joinRequestJSON{Member: memberRef(r.Member), CreatedAt: utc(r.CreatedAt)}
}

func (h *Handler) listJoinRequests(w http.ResponseWriter, r *http.Request, q hubPageQuery) error {
	page := q.page()
	reqs, total, err := h.svcs.Hubs.FindJoinRequests(r.Context(), q.Slug, page)
	if err != nil {
		return err
	}
	return render(w, http.StatusOK, mapList(reqs, joinRequest, page, total))
}

// joinDecisionJSON is the body of POST /hubs/{slug}/requests/{handle}.
type joinDecisionJSON struct {
	Decision string `json:"decision" required:"true" enum:"approve,decline" description:"approve (the member joins) or decline."`
}

func (h *Handler) decideJoinRequest(w http.ResponseWriter, r *http.Request, p coordinatorPath, in joinDecisionJSON) error {
	// A path naming no hub or no member is not found, whatever the body.
	if _, err := h.svcs.Hubs.FindHubBySlug(r.Context(), p.Slug); err != nil {
		return err
	}
	if _, err := h.svcs.Members.FindMemberByHandle(r.Context(), p.Handle); err != nil {
		return err
	}
	if in.Decision != "approve" && in.Decision != "decline" {
		return &sharefair.Error{Code: sharefair.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"decision": "Give the decision: approve or decline."}}
	}
	changed, err := h.svcs.Hubs.DecideJoinRequest(r.Context(), p.Slug, p.Handle, in.Decision == "approve")
	if err != nil {
		return err
	}
	if !changed {
		return unchanged(w, "@"+sharefair.NormalizeHandle(p.Handle)+" is a member of the hub already.")
	}
	return noContent(w)
}

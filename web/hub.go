package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"

	"github.com/sharefair/sharefair"
)

// hubView is what the hub page shows.
type hubView struct {
	Hub     *sharefair.Hub
	Threads []*sharefair.Thread
	Pager   pager
	Members []*sharefair.Member
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
		Pager: newPager(hubURL(hub.Slug), r.URL.Query(), n, total, sharefair.DefaultPageSize),
	}, nil
}

func (h *Handler) hub(w http.ResponseWriter, r *http.Request) error {
	v, err := h.loadHub(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, hubPage(h.base(w, r, v.Hub.Name), v))
}

// hubManage shows a hub's controls, each to those who may use it; to
// anyone else, who does.
func (h *Handler) hubManage(w http.ResponseWriter, r *http.Request) error {
	hub, err := h.svcs.Hubs.FindHubBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, hubManagePage(h.base(w, r, "Manage "+hub.Name), hub))
}

// hubFormView is what the hub form needs beside its values: where it is
// sent, and the hub it edits (nil when creating one).
type hubFormView struct {
	Action string
	Hub    *sharefair.Hub
}

// hubForm shows the form that creates a hub (hub nil) or edits one.
func hubForm(v hubFormView) formPage {
	return func(p page, f form) (templ.Component, error) { return hubFormPage(p, f, v), nil }
}

func (h *Handler) newHubForm(w http.ResponseWriter, r *http.Request) error {
	p := h.base(w, r, "Create a hub")
	if !p.Rights.CreateHubs {
		return sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may create hubs.")
	}
	values := url.Values{"join_policy": {string(sharefair.JoinOpen)}}
	return h.render(w, r, http.StatusOK, hubFormPage(p, newForm(values, nil), hubFormView{Action: "/hubs"}))
}

func (h *Handler) createHub(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	hub, err := h.svcs.Hubs.CreateHub(r.Context(), sharefair.NewHub{Name: f.Get("name"), Slug: f.Get("slug"),
		Description: f.Get("description"), City: f.Get("city"), TimeZone: f.Get("time_zone"),
		JoinPolicy: sharefair.JoinPolicy(f.Get("join_policy"))})
	if err != nil {
		return refused(err, "Create a hub", hubForm(hubFormView{Action: "/hubs"}))
	}
	msg := "The hub " + hub.Name + " is created."
	if hub.ViewerMayAppoint {
		msg += " Next, appoint its coordinator: someone who keeps it alive."
	}
	h.setFlash(w, msg)
	redirect(w, r, hubURL(hub.Slug))
	return nil
}

// sentFields returns a function giving a form field's value, or nil when
// the form did not send the field: an update leaves such fields as they
// are.
func sentFields(f url.Values) func(name string) *string {
	return func(name string) *string {
		if _, ok := f[name]; !ok {
			return nil
		}
		v := f.Get(name)
		return &v
	}
}

// editableHub returns the hub of the request when the viewer may edit it.
func (h *Handler) editableHub(r *http.Request) (*sharefair.Hub, error) {
	hub, err := h.svcs.Hubs.FindHubBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		return nil, err
	}
	if !hub.ViewerMayEdit {
		return nil, sharefair.Errorf(sharefair.EFORBIDDEN, "Only the hub's coordinators and network admins may change it.")
	}
	return hub, nil
}

func (h *Handler) editHubForm(w http.ResponseWriter, r *http.Request) error {
	hub, err := h.editableHub(r)
	if err != nil {
		return err
	}
	values := url.Values{"name": {hub.Name}, "description": {hub.Description}, "city": {hub.City},
		"time_zone": {hub.TimeZone}, "join_policy": {string(hub.JoinPolicy)}}
	return h.render(w, r, http.StatusOK, hubFormPage(h.base(w, r, "Edit "+hub.Name), newForm(values, nil),
		hubFormView{Action: hubURL(hub.Slug) + "/edit", Hub: hub}))
}

func (h *Handler) editHub(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	given := sentFields(f)
	u := sharefair.HubUpdate{Name: given("name"), Description: given("description"), City: given("city"),
		TimeZone: given("time_zone"), ConfirmOpen: f.Get("confirm_open") == "yes"}
	if jp := given("join_policy"); jp != nil {
		policy := sharefair.JoinPolicy(*jp)
		u.JoinPolicy = &policy
	}
	slug := r.PathValue("slug")
	hub, err := h.svcs.Hubs.UpdateHub(r.Context(), slug, u)
	if err != nil {
		return refused(err, "Edit hub", func(p page, fm form) (templ.Component, error) {
			hub, err := h.editableHub(r)
			if err != nil {
				return nil, err
			}
			return hubFormPage(p, fm, hubFormView{Action: hubURL(slug) + "/edit", Hub: hub}), nil
		})
	}
	h.setFlash(w, "The changes to "+hub.Name+" are saved.")
	redirect(w, r, hubURL(hub.Slug))
	return nil
}

func (h *Handler) joinHub(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	out, err := h.svcs.Hubs.JoinHub(r.Context(), slug)
	if err != nil {
		return err
	}
	name := h.hubName(r, slug)
	switch out {
	case sharefair.Requested:
		h.setFlash(w, "You asked to join "+name+". A coordinator will decide.")
	case sharefair.AlreadyRequested:
		h.setFlash(w, "You had asked to join "+name+" already; a coordinator will decide. Nothing changed.")
	case sharefair.AlreadyMember:
		h.setFlash(w, "You are a member of "+name+" already; nothing changed.")
	default:
		h.setFlash(w, "You joined "+name+".")
	}
	// The welcome page joins hubs and comes back to its list.
	to := hubURL(slug)
	if next := r.PostForm.Get("next"); next != "" {
		to = safeNext(next)
	}
	redirect(w, r, to)
	return nil
}

// hubName returns the name of the hub at slug for a message, "the hub"
// when it cannot be read.
func (h *Handler) hubName(r *http.Request, slug string) string {
	if hub, err := h.svcs.Hubs.FindHubBySlug(r.Context(), slug); err == nil {
		return hub.Name
	}
	return "the hub"
}

func (h *Handler) leaveHub(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	out, err := h.svcs.Hubs.LeaveHub(r.Context(), slug)
	if err != nil {
		return err
	}
	name := h.hubName(r, slug)
	// Said as it happened, whichever button was pressed: a request
	// approved meanwhile is a membership left.
	switch out {
	case sharefair.Withdrawn:
		h.setFlash(w, "You withdrew your request to join "+name+".")
	case sharefair.Left:
		h.setFlash(w, "You left "+name+".")
	default:
		h.setFlash(w, "You were not a member of "+name+", nor waiting to join it: nothing changed.")
	}
	redirect(w, r, hubURL(slug))
	return nil
}

// coordinatorsView is the page that appoints and stands down a hub's
// coordinators, choosing among the hub's members a page at a time.
type coordinatorsView struct {
	Hub     *sharefair.Hub
	Members []*sharefair.Member
	Query   string
	Pager   pager
	Form    form
}

// coordinatorChoices is how many of the hub's members the coordinators
// page lists at a time.
const coordinatorChoices = 50

func (h *Handler) loadCoordinators(r *http.Request) (coordinatorsView, error) {
	ctx := r.Context()
	hub, err := h.svcs.Hubs.FindHubBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return coordinatorsView{}, err
	}
	if !hub.ViewerMayAppoint {
		return coordinatorsView{}, sharefair.Errorf(sharefair.EFORBIDDEN, "Only network admins may appoint hub coordinators.")
	}
	q := r.URL.Query().Get("q")
	n := pageNumber(r)
	members, total, err := h.svcs.Members.FindMembers(ctx, sharefair.MemberFilter{Hub: hub.Slug, Query: q,
		Page: sharefair.Page{Number: n, Size: coordinatorChoices}})
	if err != nil {
		return coordinatorsView{}, err
	}
	return coordinatorsView{Hub: hub, Members: members, Query: q, Form: newForm(nil, nil),
		Pager: newPager(hubURL(hub.Slug)+"/coordinators", r.URL.Query(), n, total, coordinatorChoices)}, nil
}

func (h *Handler) coordinators(w http.ResponseWriter, r *http.Request) error {
	v, err := h.loadCoordinators(r)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, coordinatorsPage(h.base(w, r, "Coordinators of "+v.Hub.Name), v))
}

func (h *Handler) setCoordinator(w http.ResponseWriter, r *http.Request) error {
	slug := r.PathValue("slug")
	handle := r.PostForm.Get("handle")
	appoint := r.PostForm.Get("coordinator") != "no"
	changed, err := h.svcs.Hubs.SetCoordinator(r.Context(), slug, handle, appoint)
	if err != nil {
		return refused(err, "", func(p page, f form) (templ.Component, error) {
			v, err := h.loadCoordinators(r)
			if err != nil {
				return nil, err
			}
			p.Title, v.Form = "Coordinators of "+v.Hub.Name, f
			return coordinatorsPage(p, v), nil
		})
	}
	who, name := "@"+sharefair.NormalizeHandle(handle), h.hubName(r, slug)
	switch {
	case appoint && changed:
		h.setFlash(w, who+" now coordinates "+name+".")
	case appoint:
		h.setFlash(w, who+" coordinates "+name+" already; nothing changed.")
	case changed:
		h.setFlash(w, who+" no longer coordinates "+name+", and stays a member of it.")
	default:
		h.setFlash(w, who+" did not coordinate "+name+"; nothing changed.")
	}
	redirect(w, r, hubURL(slug))
	return nil
}

// joinRequestsView is the page where those who may admit people to a hub
// answer the requests to join it.
type joinRequestsView struct {
	Hub      *sharefair.Hub
	Requests []*sharefair.JoinRequest
	Pager    pager
}

func (h *Handler) joinRequests(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	hub, err := h.svcs.Hubs.FindHubBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	n := pageNumber(r)
	reqs, total, err := h.svcs.Hubs.FindJoinRequests(ctx, hub.Slug, sharefair.Page{Number: n})
	if err != nil {
		return err
	}
	v := joinRequestsView{Hub: hub, Requests: reqs,
		Pager: newPager(hubURL(hub.Slug)+"/requests", r.URL.Query(), n, total, sharefair.DefaultPageSize)}
	return h.render(w, r, http.StatusOK, joinRequestsPage(h.base(w, r, "Requests to join "+hub.Name), v))
}

func (h *Handler) decideJoinRequest(w http.ResponseWriter, r *http.Request) error {
	slug, handle := r.PathValue("slug"), r.PathValue("handle")
	var approve bool
	switch r.PostForm.Get("decision") {
	case "approve":
		approve = true
	case "decline":
	default:
		return sharefair.Errorf(sharefair.EINVALID, "Choose to approve or decline the request.")
	}
	changed, err := h.svcs.Hubs.DecideJoinRequest(r.Context(), slug, handle, approve)
	if err != nil {
		return err
	}
	switch {
	case approve && changed:
		h.setFlash(w, "@"+handle+" is now a member of the hub.")
	case approve:
		h.setFlash(w, "@"+handle+" is a member of the hub already; nothing changed.")
	default:
		h.setFlash(w, "You declined @"+handle+"'s request to join.")
	}
	redirect(w, r, hubURL(slug)+"/requests")
	return nil
}

// timeZoneGroups are the time zones grouped by region (Africa, America…),
// so that a long list is quick to scan on a phone without JavaScript.
var timeZoneGroups = func() []optionGroup {
	var groups []optionGroup
	index := map[string]int{}
	for _, z := range sharefair.TimeZones {
		region, place, ok := strings.Cut(z, "/")
		if !ok {
			region, place = "Other", z
		}
		i, seen := index[region]
		if !seen {
			i = len(groups)
			index[region] = i
			groups = append(groups, optionGroup{Label: region})
		}
		groups[i].Options = append(groups[i].Options, sharefair.Option{Code: z,
			Name: strings.ReplaceAll(strings.ReplaceAll(place, "_", " "), "/", " / ")})
	}
	return groups
}()

// zoneField chooses a hub's time zone from the zones grouped by region. A
// new hub may leave it to the network's time zone.
func zoneField(creating bool) field {
	fl := field{Name: "time_zone", Label: "Time zone", Type: "select", Groups: timeZoneGroups,
		Hint: "Gatherings of the hub are shown in this time zone."}
	if creating {
		fl.Empty = "The network's time zone"
	} else {
		fl.NoEmpty, fl.Required = true, true
	}
	return fl
}

// joinPolicyText says in plain words how people join a hub with policy jp.
func joinPolicyText(jp sharefair.JoinPolicy) string {
	switch jp {
	case sharefair.JoinByRequest:
		return "People join this hub by request: they ask, and a coordinator approves or declines."
	case sharefair.JoinByInvitation:
		return "People join this hub by invitation only, from its coordinators."
	default:
		return "This hub is open: anyone in the network can join at once."
	}
}

// joinPolicyChoice is a join policy as the hub form offers it.
type joinPolicyChoice struct {
	Policy      sharefair.JoinPolicy
	Label, Hint string
}

var joinPolicyChoices = []joinPolicyChoice{
	{sharefair.JoinOpen, "Open", "Anyone in the network joins at once, and reads the hub's discussions, past ones too."},
	{sharefair.JoinByRequest, "By request", "Members ask to join; a coordinator approves or declines each request."},
	{sharefair.JoinByInvitation, "By invitation only", "People join only through an invitation from a coordinator."},
}

// hubClosedText says, to a viewer who is not a member, whose the hub's
// discussions are and how they may join to read them.
func hubClosedText(h *sharefair.Hub) string {
	switch {
	case h.ViewerRequested:
		return "The discussions of " + h.Name + " are for its members. You asked to join; once a coordinator approves, you can read them here."
	case h.ViewerMayJoin:
		return "The discussions of " + h.Name + " are for its members. Join the hub to read them and start your own."
	case h.ViewerMayRequest:
		return "The discussions of " + h.Name + " are for its members. Ask to join; a coordinator will decide."
	}
	return "The discussions of " + h.Name + " are for its members, who join by invitation from its coordinators."
}

// inAnyHub reports whether the viewer is a member of one of hubs.
func inAnyHub(hubs []*sharefair.Hub) bool {
	for _, h := range hubs {
		if h.ViewerRole != "" {
			return true
		}
	}
	return false
}
